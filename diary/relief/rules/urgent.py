"""urgent: severe scores, S well above the baseline, or a severe standard GAD-7 (docs/relief.md). PURE.

GAD-7 has no suicide item: urgent is not a safety screen (nor a risk
assessment), and says so.

``urgent`` is raised per *run*, not once per cycle:

- a run begins on a day the rule fires (``reasons``) after it had stopped
  holding; it goes on while it holds (2 of the last 3 scores within 7 days
  still severe, or S(t) still >= B + 4) and ends on the first logged day
  where neither does;
- a new run raises a new ``urgent`` once the last one was acknowledged; while
  the last one is still open (not acknowledged), the new run is added to it:
  an event of the new run's day naming that flag (``flag_raised_on``), which the
  flags' reconciliation folds into it (``runs``, ``latest_run_start``, the
  latest figures);
- a run still going ``urgent_reraise_days`` (7) after its flag was
  acknowledged raises a new one, on the next day the rule fires;
- before the first session (a waitlisted patient) the severe-scores rule and
  the standard GAD-7 rule apply (there is no baseline yet);
- a standard GAD-7 total >= ``urgent_standard_score`` (15) fires it too; a
  standard GAD-7 below that neither begins nor ends a run (it is no daily score).

The acknowledgements live in the database: the caller hands them in
(``History.of``'s ``urgent_acknowledged``: each flag's day, the day it was
acknowledged and the start of the latest run it held then), so the replay
stays pure and deterministic. Decision: what an acknowledgement covers is the
runs the flag held when the care team saw it, not the days before it: a run
logged after the acknowledgement but dated before it (a backfill) is news to
the care team and raises a new flag; one the flag already held never does.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from ..events import URGENT, Event
from ..state import Cycle, Run, UrgentRuns, iso, smoothed

SEVERE_SCORES = "severe_scores"
WORSE_THAN_BASELINE = "worse_than_baseline"
PRE_TREATMENT_SEVERE = "pre_treatment_severe_scores"
STANDARD_GAD7 = "standard_gad7_severe"
REASONS = (SEVERE_SCORES, WORSE_THAN_BASELINE, PRE_TREATMENT_SEVERE, STANDARD_GAD7)
#: Why an urgent is raised again (details' ``returned``): a new run after the
#: last one was acknowledged, or a run still going after its acknowledgement.
NEW_RUN, STILL_GOING = "new_run", "still_going"


def urgent(run: Run, c: Cycle, t: int, value: float, smoothed_today: float | None) -> None:
    """A logged day of a cycle. ``smoothed_today`` is S(t) when the walk computed it
    (it is left out when S surely stays below B + 4)."""
    p = run.p
    reasons: list[str] = []
    severe = _severe_in_window(run, c.scores, t)
    if value >= p.urgent_score and severe >= p.urgent_min_severe_scores:
        reasons.append(SEVERE_SCORES)
    if (
        smoothed_today is not None
        and c.baseline is not None
        and smoothed_today >= c.baseline + p.urgent_above_baseline
    ):
        reasons.append(WORSE_THAN_BASELINE)
    holding = bool(reasons) or severe >= p.urgent_min_severe_scores
    if reasons or c.urgent.active:
        _step(run, c.urgent, t, reasons, holding, lambda: _cycle_details(run, c, t, value, reasons))


def urgent_standard(run: Run, c: Cycle | None, runs: UrgentRuns, t: int, total: float) -> None:
    """A standard GAD-7 on day t (in a cycle, or before the first session when ``c`` is None)."""
    if total < run.p.urgent_standard_score:
        return  # neither begins nor ends a run
    reasons = [STANDARD_GAD7]

    def details() -> dict[str, Any]:
        if c is None:
            return {"score": None, "standard_score": total, "reasons": reasons, **_flags()}
        return {**_cycle_details(run, c, t, None, reasons), "standard_score": total}

    _step(run, runs, t, reasons, True, details, pre_treatment=c is None)


def pre_treatment(run: Run, end: int) -> None:
    """Walks the days before ``end`` (the first session, or the day after ``until``):
    severe daily scores (2 of the last 3 within 7 days at or above 15) and a severe
    standard GAD-7 raise urgent before any treatment."""
    p = run.p
    runs = UrgentRuns()
    days = run.days[: bisect_left(run.days, end)]
    standard = sorted(d for d in run.standard if d < end)
    for t in sorted(set(days).union(standard)):
        value = run.score_at.get(t) if t in run.score_at else None
        if value is not None:
            runs.scores.append((t, value))
            severe = _severe_in_window(run, runs.scores, t)
            holding = severe >= p.urgent_min_severe_scores
            reasons = [PRE_TREATMENT_SEVERE] if holding and value >= p.urgent_score else []
            if reasons or runs.active:
                details = {"score": value, "reasons": reasons, **_flags()}
                _step(run, runs, t, reasons, holding, partial(dict, details), pre_treatment=True)
        total = run.standard.get(t)
        if total is not None:
            urgent_standard(run, None, runs, t, total)


def _severe_in_window(run: Run, scores: list[tuple[int, float]], t: int) -> int:
    """How many of the last ``urgent_window_scores`` scores, dated within the window ending at t, are severe."""
    p = run.p
    since = t - p.urgent_window_days
    return sum(1 for d, v in scores[-p.urgent_window_scores :] if v >= p.urgent_score and d > since)


def _cycle_details(run: Run, c: Cycle, t: int, value: float | None, reasons: list[str]) -> dict[str, Any]:
    return {
        **c.common(t),
        "score": value,
        "smoothed": smoothed(run.p, c) if value is not None else None,
        "baseline": c.baseline,
        "baseline_source": c.baseline_source,
        "reasons": reasons,
        **_flags(),
    }


def _flags() -> dict[str, Any]:
    return {"not_a_safety_screen": True, "not_a_risk_assessment": True}


def _step(
    run: Run,
    runs: UrgentRuns,
    t: int,
    reasons: list[str],
    holding: bool,
    details: Callable[[], dict[str, Any]],
    *,
    pre_treatment: bool = False,
) -> None:
    """One evaluated day of the runs: begin, go on, end, raise or add to the open one."""
    if not reasons:
        if not holding:
            runs.active = False
        return
    ack = None if runs.raised_day is None else run.acknowledged.get(runs.raised_day)
    if not runs.active:
        runs.active = True
        if runs.index is not None and (ack is None or t <= ack[1]):
            # still open, or a run the flag already held when it was acknowledged
            _add_run(run, runs, t, details())
        else:
            _raise(run, runs, t, details(), pre_treatment, None if runs.index is None else NEW_RUN)
        return
    if ack is not None and t >= ack[0] + run.p.urgent_reraise_days:
        _raise(run, runs, t, details(), pre_treatment, STILL_GOING)


def _raise(
    run: Run, runs: UrgentRuns, t: int, details: dict[str, Any], pre_treatment: bool, returned: str | None
) -> None:
    details = {
        **details,
        "returned": returned,
        "flag_raised_on": iso(t),
        "runs": 1,
        "latest_run_start": iso(t),
    }
    if pre_treatment:
        if runs.start is None:
            runs.start = t
        # Decision: before treatment there is no cycle; the first urgent's day stands in
        # for its start (its occurrence), and the care team's first session closes it.
        details = {
            "cycle_start": iso(runs.start),
            "last_session": None,
            "days_since_session": None,
            "pre_treatment": True,
            **details,
        }
    runs.index, runs.raised_day = len(run.events), t
    if run.cycle is not None and not pre_treatment:
        run.cycle.raised.add(URGENT)
    run.events.append(Event(date.fromordinal(t), URGENT, details))


def _add_run(run: Run, runs: UrgentRuns, t: int, details: dict[str, Any]) -> None:
    """A new run while the last urgent is still open: that flag gains it (one open flag).

    Decision: the replay never rewrites an earlier event (a later entry must not
    change what was raised before); the new run is an event of its own day that
    names the flag it adds to (``flag_raised_on``, the same ``returned``), and the
    flags' reconciliation folds it into that flag: same id and day, newer details.
    """
    assert runs.index is not None
    old = run.events[runs.index]
    reasons = set(old.details.get("reasons", ())) | set(details.get("reasons", ()))
    merged = {
        **old.details,
        **{k: v for k, v in details.items() if k not in ("cycle_start", "last_session")},
        "reasons": [r for r in REASONS if r in reasons],
        "returned": old.details.get("returned"),
        "flag_raised_on": old.details["flag_raised_on"],
        "runs": old.details.get("runs", 1) + 1,
        "latest_run_start": iso(t),
    }
    runs.index = len(run.events)
    run.events.append(Event(date.fromordinal(t), URGENT, merged))
