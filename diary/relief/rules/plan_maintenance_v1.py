"""plan_maintenance, v1: the patient's past durations, or a rising line (docs/relief.md). PURE.

The forecast is the earlier of TL + D-hat (the median, or Kaplan-Meier's, of
the last cycles) and the day an OLS line over the scores after the nadir
reaches W; the flag comes suggest_days_before days ahead of it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..assessment import Outlook
from ..events import HISTORY, PLAN_MAINTENANCE, PRIOR, TREND
from ..forecast import kaplan_meier_median
from ..state import Cycle, Run, iso, median, round_half_up


def open_cycle(run: Run, c: Cycle) -> None:
    """D-hat from the cycles before this one, kept in step with TL."""
    c.history = history_estimate(run)
    c.moved_to(c.start)


def later_session(run: Run, c: Cycle) -> None:
    """v1 reads nothing new from a later session of the course (TL moved)."""


def history_estimate(run: Run) -> tuple[float, str, int] | None:
    """D-hat from the cycles before the current one: (days, method, cycles)."""
    p = run.p
    # Decision: "the last 5" is a window over the latest cycles, wear-offs and
    # censored alike, so that old history ages out of Kaplan-Meier as well.
    window = run.durations[-p.history_durations :]
    observed = [d for d, seen in window if seen]
    if len(observed) < len(window) and len(window) >= p.km_min_cycles:
        km = kaplan_meier_median(window)
        return None if km is None else (float(km), "kaplan_meier", len(window))
    # Decision: without a censored cycle in the window (or with fewer than
    # km_min_cycles cycles) it is the plain median of the observed durations:
    # censored "at least" values are then left out.
    if observed:
        return median(observed), "median", len(observed)
    return None


def plan_maintenance(run: Run, c: Cycle, t: int) -> None:
    """The full forecast only when one that can be flagged may be due: the
    history date is near, or a trend line can be fitted."""
    if (c.history_day is not None and t >= c.history_day - run.p.suggest_days_before) or trend_possible(
        run, c, t
    ):
        _plan_maintenance(run, c, t)


def _plan_maintenance(run: Run, c: Cycle, t: int) -> None:
    predicted, basis, slope = forecast(run, c, t)
    suggested = predicted - run.p.suggest_days_before
    if basis == PRIOR or t < suggested:
        return
    if run.booked(t, suggested, predicted):
        return
    why: dict[str, Any]
    if basis == TREND and slope is not None:
        why = {"slope": round(slope, 4), "threshold": c.threshold}
    else:
        assert c.history is not None  # the basis is history
        estimate, method, cycles = c.history
        why = {"estimate_days": estimate, "method": method, "cycles": cycles}
    run.emit(
        t,
        PLAN_MAINTENANCE,
        c,
        {
            "basis": basis,
            "predicted_wear_off_date": iso(predicted),
            "suggested_session_by": iso(suggested),
            "expected_duration": predicted - c.last,
            **why,
        },
    )


def trend_possible(run: Run, c: Cycle, t: int) -> bool:
    """Enough scores after tN within the trend window to fit a line."""
    need = run.p.trend_min_scores
    return (
        c.nadir is not None
        and len(c.scores) - c.nadir_index > need
        and c.scores[-need][0] > t - run.p.trend_window_days
    )


def trend(run: Run, c: Cycle, t: int) -> tuple[int, float] | None:
    """(predicted day, slope) from an OLS line over the scores after tN, or None."""
    if not trend_possible(run, c, t):
        return None
    p = run.p
    scores = c.scores
    first = max(c.nadir_index + 1, len(scores) - p.trend_window_days)
    since = t - p.trend_window_days
    points = [(day - t, y) for day, y in scores[first:] if day > since]
    if len(points) < p.trend_min_scores:
        return None
    # x = day - t: small whole numbers keep the sums exact for whole scores.
    n = sx = sxx = 0
    sy: float = 0
    sxy: float = 0
    for x, y in points:
        n += 1
        sx += x
        sy += y
        sxx += x * x
        sxy += x * y
    min_slope = p.trend_min_slope
    rise = n * sxy - sx * sy  # slope = rise / run; run > 0 for distinct days
    run_ = n * sxx - sx * sx
    if (
        rise <= 0
        or rise < min_slope * run_
        or not _holds_without_any_one(points, n, sx, sy, sxx, sxy, min_slope)
    ):
        return None
    assert c.threshold is not None  # a nadir is set (trend_possible)
    # Where the line reaches W, in one division (so exact at halves).
    crossing = (sx * rise + (n * c.threshold - sy) * run_) / (n * rise)
    # Decision: the crossing is rounded to the nearest day, halves up, like
    # every forecast (docs/relief.md, v1's forecast: TL + D-hat rounded to the nearest day).
    return max(t + round_half_up(crossing), t + 1), rise / run_


def _holds_without_any_one(
    points: list[tuple[int, float]], n: int, sx: int, sy: float, sxx: int, sxy: float, min_slope: float
) -> bool:
    """Decision (guard): "never flag on one day". One outlying score at the
    end of the window tilts a 7-point OLS line past W by itself, so the rise
    must hold with any single score left out."""
    m = n - 1
    for x, y in points:
        rest_x = sx - x
        rest_rise = m * (sxy - x * y) - rest_x * (sy - y)
        if rest_rise <= 0 or rest_rise < min_slope * (m * (sxx - x * x) - rest_x * rest_x):
            return False
    return True


def forecast(run: Run, c: Cycle, t: int) -> tuple[int, str, float | None]:
    """(predicted day, basis, trend slope) for cycle ``c`` as of day ``t``."""
    history_day = c.history_day
    # Decision: the trend needs a nadir (the running one: it can still fall
    # until TL+14, as wearing_off uses it) and scores after it.
    line = trend(run, c, t)
    if line is not None and (history_day is None or line[0] < history_day):
        return line[0], TREND, line[1]
    if history_day is not None:
        return history_day, HISTORY, None
    return c.last + run.fixed_prior_days(c.sessions), PRIOR, None


def outlook(run: Run, c: Cycle, today: int) -> Outlook:
    """The assessment's prediction: the forecast, suggested_days_before ahead."""
    predicted, basis, _ = forecast(run, c, today)
    suggested = predicted - run.p.suggest_days_before
    return Outlook(date.fromordinal(predicted), basis, date.fromordinal(suggested), None)
