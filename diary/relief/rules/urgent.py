"""urgent: severe scores, or S well above the baseline (docs/relief.md). PURE.

GAD-7 has no suicide item: urgent is not a safety screen, and says so.
"""

from __future__ import annotations

from ..events import URGENT
from ..state import Cycle, Run, smoothed


def urgent(run: Run, c: Cycle, t: int, value: float, smoothed_today: float | None) -> None:
    """``smoothed_today`` is S(t) when the walk computed it (it is not always needed)."""
    p = run.p
    if URGENT in c.raised or (value < p.urgent_score and smoothed_today is None):
        return
    reasons: list[str] = []
    if value >= p.urgent_score:
        since = t - p.urgent_window_days
        severe = sum(1 for d, v in c.scores[-p.urgent_window_scores :] if v >= p.urgent_score and d > since)
        if severe >= p.urgent_min_severe_scores:
            reasons.append("severe_scores")
    if (
        smoothed_today is not None
        and c.baseline is not None
        and smoothed_today >= c.baseline + p.urgent_above_baseline
    ):
        reasons.append("worse_than_baseline")
    if reasons:
        run.emit(
            t,
            URGENT,
            c,
            {
                "score": value,
                "smoothed": smoothed(p, c),
                "baseline": c.baseline,
                "reasons": reasons,
                "not_a_safety_screen": True,
            },
        )
