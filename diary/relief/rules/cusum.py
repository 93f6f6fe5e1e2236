"""wearing_off, v2: a one-sided CUSUM of the scores after the nadir (docs/relief.md). PURE."""

from __future__ import annotations

from ..events import WEARING_OFF
from ..state import Cycle, Run, iso, smoothed


def wearing_off(run: Run, c: Cycle, t: int, value: float) -> None:
    """Each score adds (score - (W - slack)), clipped to +-clip; the sum never
    goes below 0. wearing_off when the sum reaches ``cusum_limit`` with at
    least ``cusum_min_above`` of the run's scores >= W, today's among them,
    on or after TL + wear_off_min_days; or when the run's latest scores are back at
    the baseline (``_back_at_baseline``), with as many of its scores >= W, before the
    sum reaches its limit. The day the run began estimates the
    start of the rise, its first score >= W the wear-off's day: the duration
    the forecasts learn from.

    Called on a logged day while the cycle has neither worn off nor failed to respond.
    """
    p = run.p
    if c.nadir is None or c.threshold is None or c.nadir_day is None or t <= c.nadir_day:
        # Decision: a new (lower) nadir moves W: the sum starts again after it.
        c.cusum, c.cusum_start, c.cusum_above, c.cusum_crossed, c.cusum_last = 0.0, None, 0, None, t
        return
    if c.cusum_last is not None and t - c.cusum_last >= p.cusum_reset_days:
        # Decision: after a long silence old scores say little about today.
        c.cusum, c.cusum_start, c.cusum_above, c.cusum_crossed = 0.0, None, 0, None
    c.cusum_last = t
    threshold = c.threshold
    sd = run.noise_sd  # the sum counts in units of the patient's noise
    clip = p.cusum_clip * sd
    step = min(max(value - (threshold - p.cusum_slack * sd), -clip), clip)
    c.cusum = max(0.0, c.cusum + step)
    if c.cusum == 0.0:
        c.cusum_start, c.cusum_above, c.cusum_crossed = None, 0, None
        return
    if c.cusum_start is None:
        c.cusum_start = t
    if value >= threshold:
        c.cusum_above += 1
        if c.cusum_crossed is None:
            c.cusum_crossed = t
    if (
        c.cusum_above >= p.cusum_min_above
        and t >= c.last + p.wear_off_min_days
        and ((c.cusum >= p.cusum_limit * sd and value >= threshold) or _back_at_baseline(run, c, t))
    ):
        _wore_off(run, c, t, value)


def _back_at_baseline(run: Run, c: Cycle, t: int) -> bool:
    """Relief is gone when the scores are back at the pre-treatment level: the mean of the
    run's latest ``return_scores`` scores, all within ``return_window_days`` ending at t,
    is at least the baseline B. A return to baseline is a wear-off, whatever the sum: for
    a patient whose relief was modest, W lies close to B, so the sum (which counts from
    W - slack) grows slowly while the scores sit at B; the noise margin that keeps it from
    firing on the plateau's noise is not needed there (docs/relief.md, "Back at the baseline")."""
    p = run.p
    if c.baseline is None or c.cusum_start is None:
        return False
    since = max(t - p.return_window_days, c.cusum_start - 1)
    recent = [v for d, v in c.scores[-p.return_scores :] if d > since]
    return len(recent) == p.return_scores and sum(recent) >= p.return_scores * c.baseline


def _wore_off(run: Run, c: Cycle, t: int, value: float) -> None:
    c.wear_off_day = t
    # The wear-off's own day, as the forecasts learn it: the run's first
    # score at or above W (the detection comes a day or more later).
    crossed = c.cusum_crossed if c.cusum_crossed is not None else t
    estimated = max(crossed - c.last, 1)
    run.durations.append((estimated, True))
    run.emit(
        t,
        WEARING_OFF,
        c,
        {
            "score": value,
            "smoothed": smoothed(run.p, c),
            "threshold": c.threshold,
            "baseline": c.baseline,
            "nadir": c.nadir,
            "nadir_date": iso(c.nadir_day),
            "scores_at_or_above": c.cusum_above,
            "duration": t - c.last,
            "cusum": round(c.cusum, 3),
            "rise_start": iso(c.cusum_start),
            "first_at_or_above": iso(crossed),
            "estimated_duration": estimated,
        },
    )
