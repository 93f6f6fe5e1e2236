"""The relief bench, run in-process with any ReliefParams, on its cohort and on a variant of ours.

The bench (../shared/relief-bench/cohort.py, beside the clone) is loaded by path,
never copied: its patients, its truth and its judge. ``variant_first`` and
``variant_maintenance`` draw patients differently on purpose, to show the engine
is not fitted to the bench's simulator:

- noise: Gaussian AR(1) with a stronger day-to-day correlation (0.7), SD 1-3;
  now and then a wild day (5 %: +-6 points);
- missing days: independent (10-35 % per patient) plus skipped weekends for a
  third of the patients;
- relief: a log-normal typical duration (median 14 d, wider between patients),
  30 % cycle-to-cycle variation, and curve shapes the bench does not use: a
  linear return, or an exponential approach to the baseline; a slow drift up
  during the plateau for half of the patients;
- sessions: the clinic books 1-8 days after the wear-off, a quarter of the
  cycles cut short by a session 1-7 days before it.

The truth is the bench's (the first day the noiseless score regains half the
improvement, at least 4 points), judged by the bench's own ``judge``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from diary.relief import ReliefParams, replay

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "relief-bench" / "cohort.py"
D0 = dt.date(2027, 1, 4)


def load_bench() -> Any:
    """The bench module, imported from its path beside the clone."""
    spec = importlib.util.spec_from_file_location("relief_bench_cohort", BENCH)
    assert spec is not None and spec.loader is not None, f"the relief bench is missing: {BENCH}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def detector(
    params: ReliefParams, prior_durations: tuple[float, ...] = ()
) -> Callable[..., list[tuple[int, str]]]:
    """``diary.relief.replay`` with ``params``, seen through day numbers (as the bench does)."""

    def detect(scores: dict[int, int], sessions: list[int], until: int) -> list[tuple[int, str]]:
        s = {D0 + dt.timedelta(days=k): v for k, v in scores.items()}
        ses = [D0 + dt.timedelta(days=k) for k in sessions]
        events = replay(s, ses, D0 + dt.timedelta(days=until), params=params, prior_durations=prior_durations)
        return [((e.day - D0).days, e.kind) for e in events]

    return detect


def cohorts(
    seed: int, first: int = 400, maintenance: int = 200, *, variant: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """The patients of both scenarios, drawn as the bench draws them (or as our variant does)."""
    bench = load_bench()
    rng = random.Random(seed)
    make_first = variant_first if variant else bench.first_course
    make_maintenance = variant_maintenance if variant else bench.maintenance
    return {
        "first": [make_first(rng) for _ in range(first)],
        "maintenance": [make_maintenance(rng) for _ in range(maintenance)],
    }


def judge(patients: dict[str, list[dict[str, Any]]], params: ReliefParams) -> dict[str, dict[str, Any]]:
    bench = load_bench()
    detect = detector(params)
    return {
        "first": bench.judge(patients["first"], detect),
        "maintenance": bench.judge(patients["maintenance"], detect, plan_from_cycle=3),
    }


# ------------------------------------------------------------------ the variant cohort


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


def variant_first(rng: random.Random) -> dict[str, Any]:
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


def variant_maintenance(rng: random.Random) -> dict[str, Any]:
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
