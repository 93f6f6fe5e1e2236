"""The replay's checkpoint: the state at the open course's first session.

PURE: no Flask, no database. The caller stores it (monitoring keeps it in the
``relief_checkpoints`` table) and hands it back with the next evaluation.

Everything a replay raises before a course's first session, and the forecast
history it has learnt by then, depends only on the data dated before that day
(and on the bookings). Entries can be backfilled only within the last
DIARY_BACKFILL_DAYS, so a check-in, or the nightly re-evaluation, finds the
checkpoint still valid and walks the open cycle alone instead of the years
behind it: about 40 times cheaper for two years of daily scores (docs/relief.md).

A checkpoint is valid when its ``key`` matches the data before its ``start``:
a digest of those scores and sessions, the parameters, the intake baseline, the
bookings and the engine's own source. Anything else, or a change of the engine
itself, gives another key, and the replay walks from the first session again,
never from a stale state.

Decision: the clinic's prior is not in the key. It moves every few hours as
other patients' cycles end, and it shapes only the forecasts (plan_maintenance)
of cycles that are already closed: those were settled with the clinic prior of
the day, as the care team saw them, and are not re-judged when it moves. The
open cycle always uses the prior the caller passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from hashlib import blake2b
from pathlib import Path
from typing import Any

from .events import Event


def _engine_digest() -> bytes:
    """The relief package's source, its rules too: a new engine never resumes an old engine's state."""
    package = Path(__file__).parent
    digest = blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.digest()


ENGINE_DIGEST = _engine_digest()


@dataclass(frozen=True)
class Checkpoint:
    """The replay's state at ``start`` (a course's first session), valid for ``key``."""

    start: date
    key: str
    events: tuple[Event, ...]
    durations: tuple[tuple[float, bool], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "key": self.key,
            "events": [[e.day.isoformat(), e.kind, e.details] for e in self.events],
            "durations": [[d, seen] for d, seen in self.durations],
        }

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint | None:
        """The checkpoint ``as_json`` wrote, or None for anything else (it is only a cache)."""
        try:
            return cls(
                date.fromisoformat(data["start"]),
                str(data["key"]),
                tuple(
                    Event(date.fromisoformat(day), str(kind), dict(details))
                    for day, kind, details in data["events"]
                ),
                tuple((_duration(d), bool(seen)) for d, seen in data["durations"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _duration(value: Any) -> float:
    # ints stay ints: the care team reads "16-21 days", not "16.0-21.0 days"
    if type(value) not in (int, float) or value <= 0:
        raise ValueError("a duration is a positive number")
    return value  # type: ignore[no-any-return]  # checked just above
