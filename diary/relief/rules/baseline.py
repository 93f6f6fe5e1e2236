"""Baseline B, the nadir N and the threshold W (docs/relief.md; v2 widens the nadir). PURE."""

from __future__ import annotations

from ..events import NO_BASELINE
from ..state import Cycle, Run, median, threshold

#: Where a baseline comes from (the assessment's ``baseline_source``), in the order of preference.
DAILY_RUN_IN, INTAKE, DAILY_BEFORE_COURSE, STANDARD_GAD7 = (
    "daily_run_in",
    "intake",
    "daily_before_course",
    "gad7",
)


def cycle_baseline(run: Run, index: int, start: int) -> tuple[float | None, str | None]:
    """B of the course starting on ``start`` (the ``index``-th), and where it came from.

    Decision (docs/instruments.md: daily scores are not GAD-7 scores): daily scores
    are judged against daily scores wherever there are some: the daily run-in
    before the first course; else the clinician's intake score (the contract's
    order); else the daily days before this course; a standard GAD-7 taken before
    the first session only when there is no daily run-in at all.
    """
    candidates = (
        (run.first_baseline, DAILY_RUN_IN),
        (run.intake, INTAKE),
        (run.window_median(start) if index > 0 else None, DAILY_BEFORE_COURSE),
        (run.first_standard, STANDARD_GAD7),
    )
    for baseline, source in candidates:
        if baseline is not None:
            return float(baseline), source
    return None, None


def pending_baseline(run: Run) -> tuple[float | None, str | None]:
    """Before any session: the baseline a session tomorrow would get, and its source."""
    baseline = run.window_median(run.until + 1)
    if baseline is not None:
        return baseline, DAILY_RUN_IN
    if run.intake is not None:
        return float(run.intake), INTAKE
    if run.standard:
        return float(run.standard[max(run.standard)]), STANDARD_GAD7
    return None, None


def no_baseline(run: Run, c: Cycle) -> None:
    """Decision: no_baseline is an event of the course's first day (when the
    baseline is settled, from data before T0), once per cycle, besides the
    assessment notice. It is informational: not a flag kind."""
    if c.baseline is not None:
        return
    c.raised.add(NO_BASELINE)
    run.emit(
        c.start,
        NO_BASELINE,
        c,
        {
            "pre_treatment_scores": len(run.window_scores(run.courses[0][0])),
            "pre_course_scores": len(run.window_scores(c.start)),
            "threshold_rule": "max(no_baseline_threshold, nadir + no_baseline_min_rise)",
        },
    )


def smoothed_level(run: Run, c: Cycle, smoothed: float | None) -> float | None:
    """v1: the nadir is the lowest S."""
    return smoothed


def nadir_level(run: Run, c: Cycle, smoothed: float | None) -> float | None:
    """v2: the median of the last up-to-nadir_scores cycle scores within the window
    (the lowest of many 3-score medians sits below the plateau's level)."""
    if smoothed is None:
        return None
    p = run.p
    scores = c.scores
    since = scores[-1][0] - p.smoothing_window_days
    recent = [v for d, v in scores[-p.nadir_scores :] if d > since]
    return median(recent) if len(recent) >= p.smoothing_min_scores else None


def lower_nadir(run: Run, c: Cycle, t: int, level: float | None) -> None:
    """Until TL + nadir_settle_days, a lower level is the new nadir, and W follows it."""
    if level is not None and (c.nadir is None or level < c.nadir):
        c.nadir, c.nadir_day, c.nadir_index = level, t, len(c.scores) - 1
        c.threshold = threshold(run.p, c.baseline, level)
