"""non_response: too little improvement by TL + 7 (docs/relief.md). PURE."""

from __future__ import annotations

from ..events import NON_RESPONSE
from ..state import Cycle, Run, iso


def non_response(run: Run, c: Cycle, t: int) -> None:
    p = run.p
    if (
        NON_RESPONSE not in c.raised
        and t >= c.last + p.non_response_after_days
        and c.response_scores >= p.non_response_min_scores
        and c.baseline is not None
        and c.nadir is not None
        and c.baseline - c.nadir < p.non_response_min_improvement
    ):
        # Decision: without a baseline the improvement is unknown, so
        # non_response is never raised; the no_baseline notice says why.
        run.emit(
            t,
            NON_RESPONSE,
            c,
            {
                "baseline": c.baseline,
                "nadir": c.nadir,
                "nadir_date": iso(c.nadir_day),
                "improvement": c.baseline - c.nadir,
                "scores": c.response_scores,
            },
        )
