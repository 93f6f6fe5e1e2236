"""data_gap: data_gap_days without a check-in in an active cycle (docs/relief.md). PURE."""

from __future__ import annotations

from ..events import DATA_GAP
from ..state import Cycle, Run, iso


def silence_start(c: Cycle, last_other: int | None) -> int:
    """The later of TL, the last score and the last other check-in (``last_other``)."""
    since = max(c.scores[-1][0], c.last) if c.scores else c.last
    return since if last_other is None else max(since, last_other)


def data_gap(run: Run, c: Cycle, t: int, last_other: int | None) -> None:
    """Called on the day data_gap_days have passed since the later of TL, the
    last score and the last other check-in: once per silence, so a new silence
    raises it again."""
    p = run.p
    last_score = c.scores[-1][0] if c.scores else None
    if t <= c.last + p.active_cycle_days:
        run.emit(
            t,
            DATA_GAP,
            c,
            {
                "since": iso(silence_start(c, last_other)),
                "last_score_date": iso(last_score),
                "days_without_score": p.data_gap_days,
            },
        )
