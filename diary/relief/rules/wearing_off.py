"""wearing_off, v1: 3 of the last 4 scores at or above W within 7 days (docs/relief.md). PURE."""

from __future__ import annotations

from ..events import WEARING_OFF
from ..state import Cycle, Run, iso, smoothed


def wearing_off(run: Run, c: Cycle, t: int, value: float) -> None:
    """Called on a logged day while the cycle has neither worn off nor failed to respond."""
    p = run.p
    if (
        c.nadir is None
        or c.nadir_day is None
        or c.threshold is None
        or t < c.last + p.wear_off_min_days
        or t <= c.nadir_day
        or value < c.threshold
    ):
        return
    scores = c.scores
    since = t - p.wear_off_window_days
    window = scores[max(c.nadir_index + 1, len(scores) - p.wear_off_window_scores) :]
    threshold = c.threshold
    above = sum(1 for d, v in window if v >= threshold and d > since)
    if above < p.wear_off_min_above:
        return
    # Decision: D = t - TL with TL as known on day t (mid-course too).
    c.wear_off_day = t
    run.durations.append((t - c.last, True))
    run.emit(
        t,
        WEARING_OFF,
        c,
        {
            "score": value,
            "smoothed": smoothed(p, c),
            "threshold": c.threshold,
            "baseline": c.baseline,
            "nadir": c.nadir,
            "nadir_date": iso(c.nadir_day),
            "scores_at_or_above": above,
            "duration": t - c.last,
        },
    )
