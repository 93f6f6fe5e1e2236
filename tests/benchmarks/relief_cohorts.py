"""Synthetic cohorts for the relief engine: our own model of patients, and our own judge.

Two scenarios, each a list of simulated patients whose true wear-off days are
known (docs/relief.md, "Our cohorts"):

- ``first``: one course (a single session, or an induction series), then relief
  that fades on the patient's own time scale, or no response at all;
- ``maintenance``: an induction, then 5-8 maintenance sessions, each cycle's
  relief about as long as the patient's usual relief.

How the patients are drawn:

- noise: Gaussian AR(1) with a strong day-to-day correlation (0.7), SD 1-3;
  now and then a wild day (5 %: +-6 points);
- missing days: independent (10-35 % per patient) plus skipped weekends for a
  third of the patients;
- relief: a log-normal typical duration (median 14 d), 30 % cycle-to-cycle
  variation, a linear return or an exponential approach to the baseline, and
  for half of the patients a slow drift up during the plateau;
- sessions: the clinic books 1-8 days after the wear-off; a quarter of the
  cycles are cut short by a session 1-7 days before it.

The truth of a cycle is the first day on which the noiseless score has regained
half of the improvement, and at least 4 points. ``judge`` scores the engine's
events against it. Everything here is in the repository: ``make test`` needs
nothing beside the clone (tests/relief/test_bench_figures.py).

An outside yardstick, a relief bench script written by someone else with its
own model of patients, may be named by ``RELIEF_BENCH`` (a path). ``load_bench``
loads it when it is set (``make relief-report`` then reports on both); no test
needs it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import os
import random
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from diary.relief import ReliefParams, replay

BENCH = Path(os.environ.get("RELIEF_BENCH", "/nonexistent/relief-bench"))
D0 = dt.date(2027, 1, 4)
#: A wearing_off more than this many days before the truth is a false early alarm.
EARLY_DAYS = 3
#: A cycle cut short this soon after its truth cannot be judged for detection.
TOO_SHORT_DAYS = 5
#: plan_maintenance is judged from this cycle on (0-based): the patient has history by then.
PLAN_FROM_CYCLE = 3
#: A plan_maintenance this many days before the truth, or more, is too early.
PLAN_TOO_EARLY_DAYS = 10
#: A session booked on the first flag's suggested day is on time from this many days
#: before the truth to the truth's own day; earlier is early, after it late.
BOOK_ON_TIME_DAYS = 5


def load_bench() -> Any | None:
    """The outside bench's module, imported from its path beside the clone; None when it is not there."""
    if not BENCH.is_file():
        return None
    spec = importlib.util.spec_from_file_location("relief_bench_cohort", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def detector(
    params: ReliefParams, prior_durations: tuple[float, ...] = ()
) -> Callable[..., list[tuple[int, str, int | None]]]:
    """``diary.relief.replay`` with ``params``, seen through day numbers (day 0 is the first
    session): (day, kind, the suggested_session_by of a plan_maintenance or None)."""

    def detect(scores: dict[int, int], sessions: list[int], until: int) -> list[tuple[int, str, int | None]]:
        s = {D0 + dt.timedelta(days=k): v for k, v in scores.items()}
        ses = [D0 + dt.timedelta(days=k) for k in sessions]
        events = replay(s, ses, D0 + dt.timedelta(days=until), params=params, prior_durations=prior_durations)
        return [((e.day - D0).days, e.kind, _suggested(e)) for e in events]

    return detect


def _suggested(event: Any) -> int | None:
    by = event.details.get("suggested_session_by") if event.kind == "plan_maintenance" else None
    return (dt.date.fromisoformat(by) - D0).days if by else None


def cohorts(
    seed: int, first: int = 400, maintenance: int = 200, *, bench: Any | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The patients of both scenarios: ours, or drawn by ``bench`` (the module ``load_bench`` gives)."""
    rng = random.Random(seed)
    make_first = bench.first_course if bench else our_first
    make_maintenance = bench.maintenance if bench else our_maintenance
    return {
        "first": [make_first(rng) for _ in range(first)],
        "maintenance": [make_maintenance(rng) for _ in range(maintenance)],
    }


def judge(
    patients: dict[str, list[dict[str, Any]]], params: ReliefParams, *, bench: Any | None = None
) -> dict[str, dict[str, Any]]:
    """The engine's figures on both scenarios, by our judge (or by ``bench``'s own, to compare)."""
    detect = detector(params)
    if bench:
        return {
            "first": bench.judge(patients["first"], detect),
            "maintenance": bench.judge(patients["maintenance"], detect, plan_from_cycle=PLAN_FROM_CYCLE),
        }
    return {
        "first": judge_scenario(patients["first"], detect, plans=False),
        "maintenance": judge_scenario(patients["maintenance"], detect, plans=True),
    }


def _share(count: int, total: int) -> float | None:
    return round(count / total, 3) if total else None


def judge_scenario(  # noqa: C901 (a tally over cycles; its branches are the definitions in the docstring)
    patients: list[dict[str, Any]], detect: Callable[..., Any], *, plans: bool
) -> dict[str, Any]:
    """Each cycle with a truth: was wearing_off raised, too early, how late; and plan_maintenance's lead.

    - detected: raised no earlier than EARLY_DAYS before the truth (its delay is
      the day minus the truth); early: before that; missed: not raised in the
      cycle. A cycle the next session cut short within TOO_SHORT_DAYS of its
      truth, with no wearing_off in it, is not counted.
    - plans (maintenance, from cycle PLAN_FROM_CYCLE on): a plan_maintenance in
      the cycle, no later than its wearing_off, has a lead (truth minus its
      day); else it is missing. A clinic that books on the first flag's
      suggested day (or on the flag's day, if that is past) books on time
      (0 to BOOK_ON_TIME_DAYS days before the truth), early (more) or late (after
      it): shares of the judged cycles, a missing plan counting as none.
    - non-response (first course): the share of non-responders flagged, and how
      many responders were flagged.
    """
    detected, early, missed = [], 0, 0
    leads: list[int] = []
    bookings: list[int] = []  # truth minus the booked day
    plan_cycles = plans_missing = 0
    non_responders = flagged_non_responders = flagged_responders = 0
    for patient in patients:
        raw = sorted(detect(patient["scores"], patient["sessions"], patient["until"]), key=lambda e: e[:2])
        suggested = {(e[0], e[1]): e[2] for e in raw if len(e) > 2 and e[2] is not None}
        events = [(e[0], e[1]) for e in raw]
        if not plans:
            flagged = any(kind == "non_response" for _, kind in events)
            if patient["responder"]:
                flagged_responders += flagged
            else:
                non_responders += 1
                flagged_non_responders += flagged
        for index, (start, end, truth) in enumerate(patient["cycles"]):
            if truth is None:
                continue
            first_day: dict[str, int] = {}
            for day, kind in events:
                if start < day < end:
                    first_day.setdefault(kind, day)
            wear = first_day.get("wearing_off")
            if wear is None and end - truth < TOO_SHORT_DAYS:
                pass
            elif wear is None:
                missed += 1
            elif wear < truth - EARLY_DAYS:
                early += 1
            else:
                detected.append(wear - truth)
            if plans and index >= PLAN_FROM_CYCLE:
                plan_cycles += 1
                plan = first_day.get("plan_maintenance")
                if plan is None or (wear is not None and plan > wear):
                    plans_missing += 1
                else:
                    leads.append(truth - plan)
                    if (plan, "plan_maintenance") in suggested:
                        bookings.append(truth - max(plan, suggested[(plan, "plan_maintenance")]))
    judged = len(detected) + early + missed
    delays = sorted(detected)
    figures: dict[str, Any] = {
        "cycles": judged,
        "sensitivity": _share(len(detected), judged),
        "false_early": _share(early, judged),
        "median_delay_days": statistics.median(delays) if delays else None,
        "p90_delay_days": delays[int(0.9 * (len(delays) - 1))] if delays else None,
    }
    if plans:
        figures.update(
            plan_cycles=plan_cycles,
            plan_lead2_share=_share(sum(lead >= 2 for lead in leads), plan_cycles),
            median_plan_lead_days=statistics.median(leads) if leads else None,
            plan_too_early_share=_share(sum(lead > PLAN_TOO_EARLY_DAYS for lead in leads), plan_cycles),
            plan_missing_share=_share(plans_missing, plan_cycles),
            booking_on_time_share=_share(sum(0 <= b <= BOOK_ON_TIME_DAYS for b in bookings), plan_cycles),
            booking_early_share=_share(sum(b > BOOK_ON_TIME_DAYS for b in bookings), plan_cycles),
            booking_late_share=_share(sum(b < 0 for b in bookings), plan_cycles),
        )
    else:
        figures.update(
            non_responders=non_responders,
            nonresponse_recall=_share(flagged_non_responders, non_responders),
            nonresponse_false=flagged_responders,
        )
    return figures


# ------------------------------------------------------------------ our patients


def _variant_observe(
    rng: random.Random, latent: Callable[[float], float], first: int, last: int, sessions: set[int]
) -> dict[int, int]:
    sd = rng.uniform(1.0, 3.0)
    rho = 0.7
    missing = rng.uniform(0.10, 0.35)
    weekends = rng.random() < 0.33
    e = 0.0
    scores = {}
    for t in range(first, last + 1):
        e = rho * e + sd * math.sqrt(1 - rho * rho) * rng.gauss(0, 1)
        wild = rng.choice((-6, 6)) if rng.random() < 0.05 else 0
        if t in sessions or rng.random() < missing or (weekends and t % 7 in (5, 6)):
            continue
        scores[t] = int(min(21, max(0, round(latent(t) + e + wild))))
    return scores


def _shape(rng: random.Random) -> Callable[[float], float]:
    """0 before the return, 1 when complete: linear, or an exponential approach."""
    if rng.random() < 0.5:
        return lambda x: min(1.0, max(0.0, x))
    return lambda x: 0.0 if x <= 0 else (1 - math.exp(-3 * x)) / (1 - math.exp(-3))


def _crossing(latent: Callable[[float], float], start: int, end: int, threshold: float) -> int | None:
    return next((t for t in range(start + 1, end) if latent(t) >= threshold), None)


def our_first(rng: random.Random) -> dict[str, Any]:
    B = min(21.0, max(8.0, rng.gauss(15.0, 3.5)))
    kind = rng.random()
    sessions = [0] if kind < 0.35 else ([0, 2, 4, 7, 9, 11] if kind < 0.7 else [0, 3, 7, 10, 14])
    TL = sessions[-1]
    responder = rng.random() < 0.7
    N = B * (1 - (rng.uniform(0.35, 0.9) if responder else rng.uniform(0.0, 0.15)))
    onset = rng.uniform(0.5, 3.0)
    median = 7.0 if len(sessions) == 1 else 16.0
    plateau = max(1.5, median * rng.lognormvariate(0, 0.5))
    ret = rng.uniform(3, 14)
    shape = _shape(rng)
    drift = rng.uniform(0.0, 0.08) if rng.random() < 0.5 else 0.0  # points a day during the plateau

    def latent(t: float) -> float:
        if t < 0:
            return B
        drop = (B - N) * (1 - math.exp(-t / onset))
        if not responder:
            return B - drop
        creep = min(drift * max(t - TL, 0), 0.3 * (B - N))
        return B - drop + creep + (B - N - creep) * shape((t - TL - plateau) / ret)

    until = min(TL + 70, TL + int(plateau + ret) + 12)
    truth = None
    if responder and B - N >= 4:
        truth = _crossing(latent, TL, until + 1, N + max(4.0, 0.5 * (B - N)))
    scores = _variant_observe(rng, latent, -rng.randint(5, 14), until, set(sessions))
    return dict(
        scores=scores, sessions=sessions, until=until, responder=responder, cycles=[(TL, until + 1, truth)]
    )


def our_maintenance(rng: random.Random) -> dict[str, Any]:
    B = min(21.0, max(9.0, rng.gauss(15.5, 3.0)))
    N = B * (1 - rng.uniform(0.4, 0.85))
    W = N + max(4.0, 0.5 * (B - N))
    typical = 14.0 * rng.lognormvariate(0, 0.35) + 3
    ret = rng.uniform(2, 10)
    shape = _shape(rng)
    drift = rng.uniform(0.0, 0.06) if rng.random() < 0.5 else 0.0
    induction = [0, 2, 4, 7, 9, 11] if rng.random() < 0.5 else [0, 3, 7, 10]
    sessions = list(induction)
    starts = [induction[-1]]
    plateaus: list[float] = []

    def make_latent() -> Callable[[float], float]:
        def latent(t: float) -> float:
            if t < 0:
                return B
            drop = (B - N) * (1 - math.exp(-t / 1.5))
            i = max((k for k, s in enumerate(starts) if s <= t), default=None)
            if i is None or i >= len(plateaus):
                return B - drop
            since = t - starts[i]
            creep = min(drift * since, 0.3 * (B - N))
            return B - drop + creep + (B - N - creep) * shape((since - plateaus[i]) / ret)

        return latent

    latent = make_latent()
    for _ in range(rng.randint(5, 8)):
        plateaus.append(max(3.0, typical * rng.lognormvariate(0, 0.3)))
        start = starts[-1]
        wear = _crossing(latent, start, start + 200, W)
        if wear is None:  # an improvement under 4 points never regains 4: no truth, the clinic books anyway
            wear = int(start + plateaus[-1] + ret) + 1
        cut_short = rng.random() < 0.25  # booked ahead, or a few days after the wear-off
        nxt = max(wear - rng.randint(1, 7), start + 3) if cut_short else wear + rng.randint(1, 8)
        sessions.append(nxt)
        starts.append(nxt)
    plateaus.append(max(3.0, typical * rng.lognormvariate(0, 0.3)))
    until = starts[-1] + int(plateaus[-1] + ret) + 12
    cycles = []
    for i, s in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else until + 1
        cycles.append((s, end, _crossing(latent, s, end, W)))
    scores = _variant_observe(rng, latent, -rng.randint(5, 14), until, set(sessions))
    return dict(scores=scores, sessions=sessions, until=until, responder=True, cycles=cycles)
