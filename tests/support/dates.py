"""Dates for tests that meet the real clock, derived from it so that the suite does not age.

Delivery leases, retries and expiry run on the later of a tick's ``now`` and the real clock
(so a ``scheduler tick --at`` a past instant sends nothing twice), and the API stamps what it
stores with the real now. A test that simulates instants beside them must simulate instants
after the real now, on whatever day the suite runs: a fixed "2027-01-12" is a time bomb that
goes off once the real clock passes it. ``DIARY_TEST_NOW`` (tests/support/shifted_clock.py)
runs the suite on another day to prove it has none.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

AHEAD = timedelta(days=7)  # far enough ahead that a test never runs into its own dates


def real_now() -> datetime:
    return datetime.now(UTC)


def next_date(month: int, day: int, *, now: datetime | None = None, ahead: timedelta = AHEAD) -> date:
    """The first ``day`` of ``month`` (a date every year has) at least ``ahead`` after ``now``."""
    earliest = ((now or real_now()) + ahead).date()
    this_year = date(earliest.year, month, day)
    return this_year if this_year >= earliest else date(earliest.year + 1, month, day)


def clock_change(
    zone: str, *, forward: bool, now: datetime | None = None, ahead: timedelta = AHEAD
) -> datetime:
    """The first instant (UTC, to the second) at least ``ahead`` after ``now`` at which ``zone``'s
    clocks go forward (``forward``: spring) or back (autumn), as zoneinfo's transitions have it."""
    tz = ZoneInfo(zone)
    start = ((now or real_now()) + ahead).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    before = start.astimezone(tz).utcoffset()
    for hours in range(1, 2 * 366 * 24):
        instant = start + timedelta(hours=hours)
        after = instant.astimezone(tz).utcoffset()
        if after == before:
            continue
        if (after > before) == forward:
            return _first_second_of(tz, after, instant - timedelta(hours=1), instant)
        before = after
    raise LookupError(f"{zone} does not change its clocks {'forward' if forward else 'back'}")


def _first_second_of(tz, offset, low, high) -> datetime:
    """Between ``low`` (before the change) and ``high`` (after it), the instant ``offset`` begins."""
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(tz).utcoffset() == offset:
            high = middle
        else:
            low = middle
    return high
