"""Local dates, local midnights and reminder instants: pure arithmetic on zones and dates.

The one home of the time arithmetic: the local date of an instant, the next
local midnight, "UTC with a trailing Z", and when a patient's daily reminder
is due. No Flask, no database (stdlib only; ``mypy --strict`` clean). Every
instant going in or out is timezone-aware; a naive datetime is a bug at the
caller and raises ``ValueError``.

The rule, in one sentence: the reminder for local date ``D`` is due at the
first instant whose wall-clock reading in the patient's zone is at or after
``D`` + ``reminder_time``. That single rule settles the daylight-saving cases:

* a wall time that does not exist (spring forward, 02:30 when clocks jump
  from 02:00 to 03:00) is due when the clocks jump, at 03:00;
* a wall time that happens twice (fall back) is due at its first occurrence,
  and, being keyed by its local date, only once.

In the rare zone where that first instant has already left date ``D`` (a gap
that swallows midnight, or a date skipped altogether, as Samoa did on
2011-12-30), ``D`` gets no reminder: a reminder always falls on its own local
date, so "the reminder's date" and "the local date of its due instant" are the
same thing.

A scheduler uses it in one of two ways, both catching up later the same local
day after downtime and never for a day that has passed:

* stateless, on every tick: ``due_reminder_date(...)`` says whether to send
  one now and for which date;
* stored: keep ``next_reminder_at(...)`` per patient, and when that instant
  has come check ``reminder_is_current(due_at, tz, now)`` before sending.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "due_reminder_date",
    "end_of_local_day",
    "local_date_of",
    "next_local_midnight",
    "next_reminder_at",
    "reminder_instant",
    "reminder_is_current",
    "reminder_local_date",
    "resolve_zone",
    "utc_text",
]

UTC = dt.UTC
_ONE_SECOND = dt.timedelta(seconds=1)
_ONE_DAY = dt.timedelta(days=1)


def resolve_zone(tz: str | ZoneInfo) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name; ``ValueError`` for an unknown one."""
    if isinstance(tz, ZoneInfo):
        return tz
    if not isinstance(tz, str) or not tz:
        raise ValueError(f"not an IANA time zone: {tz!r}")
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone: {tz!r}") from exc


def _require_aware(name: str, instant: dt.datetime) -> None:
    if not isinstance(instant, dt.datetime):
        raise TypeError(f"{name} must be a datetime, not {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {instant!r}")


def _require_wall_time(reminder_time: dt.time) -> None:
    if not isinstance(reminder_time, dt.time):
        raise TypeError("reminder_time must be a datetime.time")
    if reminder_time.tzinfo is not None:
        raise ValueError("reminder_time is a local wall-clock time and takes no tzinfo")


def local_date_of(instant: dt.datetime, tz: str | ZoneInfo) -> dt.date:
    """The patient's local date at ``instant``."""
    _require_aware("instant", instant)
    return instant.astimezone(resolve_zone(tz)).date()


def utc_text(instant: dt.datetime) -> str:
    """RFC 3339 in UTC with a trailing ``Z``, as the API writes every instant."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_instant(text: str) -> dt.datetime:
    """An RFC 3339 date and time with ``Z`` or an offset, as an aware instant in UTC.

    ValueError for anything else, a date and time without an offset included.
    """
    instant = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    if instant.tzinfo is None:
        raise ValueError(f"{text!r} has no offset: add Z or one such as +01:00")
    try:
        return instant.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00: before the first UTC instant there is
        raise ValueError(f"{text!r} is out of range") from None


def start_of_local_day(day: dt.date, tz: str | ZoneInfo) -> dt.datetime:
    """The first UTC instant of the local date ``day``: its midnight, or where midnight does not
    exist (a DST jump at 00:00) the jump itself; where it happens twice, the first time. A date
    a zone skipped altogether (Samoa, 2011-12-30) starts when the next one does."""
    return _first_instant_at_or_after(dt.datetime.combine(day, dt.time(0)), resolve_zone(tz))


def next_local_midnight(now: dt.datetime, zone_name: str) -> dt.datetime:
    """The first UTC instant after ``now`` at which the local date in ``zone_name`` has moved on."""
    _require_aware("now", now)
    start = start_of_local_day(local_date_of(now, zone_name) + _ONE_DAY, zone_name)
    # A zone that repeats the day can put that start behind now: look again soon.
    return start if start > now else now + dt.timedelta(hours=1)


def _wall(instant_utc: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return instant_utc.astimezone(zone).replace(tzinfo=None, fold=0)


def _first_instant_at_or_after(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The earliest UTC instant whose wall-clock reading in ``zone`` is >= ``wall``."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == wall:
        # The wall time exists; fold=0 is its first occurrence when it repeats.
        return first
    # A gap. PEP 495 maps a missing time with the offsets either side of the
    # transition: fold=1 lands before it, fold=0 after. The transition, which is
    # the answer, lies between; tz transitions fall on whole seconds.
    before = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    after = first
    if before > after:
        before, after = after, before
    while after - before > _ONE_SECOND:
        middle = before + (after - before) / 2
        middle = middle.replace(microsecond=0)
        if middle <= before:
            middle = before + _ONE_SECOND
        if _wall(middle, zone) >= wall:
            after = middle
        else:
            before = middle
    return after


def reminder_instant(local_date: dt.date, reminder_time: dt.time, tz: str | ZoneInfo) -> dt.datetime | None:
    """When the reminder for ``local_date`` is due (UTC), or None when that
    date cannot hold it (its first valid instant falls on another date)."""
    _require_wall_time(reminder_time)
    zone = resolve_zone(tz)
    due = _first_instant_at_or_after(dt.datetime.combine(local_date, reminder_time), zone)
    if due.astimezone(zone).date() != local_date:
        return None
    return due


def reminder_local_date(due_at: dt.datetime, tz: str | ZoneInfo) -> dt.date:
    """The local date a due reminder belongs to. By construction (see the
    module docstring) this is simply the local date of its due instant."""
    return local_date_of(due_at, tz)


def reminder_is_current(due_at: dt.datetime, tz: str | ZoneInfo, now: dt.datetime) -> bool:
    """Whether a reminder due at ``due_at`` should be sent at ``now``: it has
    come, and its local date has not passed (a late scheduler catches up the
    same day, never the next)."""
    _require_aware("due_at", due_at)
    _require_aware("now", now)
    return due_at <= now and local_date_of(now, tz) == reminder_local_date(due_at, tz)


def end_of_local_day(day: dt.date, tz: str | ZoneInfo) -> dt.datetime:
    """When ``day`` ends (a reminder for it stops being worth sending): the start of the next local date."""
    return start_of_local_day(day + _ONE_DAY, tz)


def _remindable(day: dt.date, last_reminded_on: dt.date | None, checked_in_on: dt.date | None) -> bool:
    if last_reminded_on is not None and day <= last_reminded_on:
        return False
    return day != checked_in_on


def next_reminder_at(
    reminder_time: dt.time,
    tz: str | ZoneInfo,
    after: dt.datetime,
    *,
    last_reminded_on: dt.date | None = None,
    checked_in_on: dt.date | None = None,
) -> dt.datetime:
    """The next instant strictly after ``after`` (UTC) at which a reminder is
    due, for a local date later than ``last_reminded_on`` and other than
    ``checked_in_on`` (the patient already checked in that day).

    Strictly after: a reminder whose time today has already passed is not
    returned; that is catch-up, and belongs to ``due_reminder_date``.
    """
    _require_wall_time(reminder_time)
    _require_aware("after", after)
    zone = resolve_zone(tz)
    day = local_date_of(after, zone)
    if last_reminded_on is not None and last_reminded_on >= day:
        day = last_reminded_on + _ONE_DAY
    # At most: today has passed, the next is the checked-in day, the one after
    # is swallowed by a gap. A few spare days cost nothing.
    for _ in range(8):
        if _remindable(day, last_reminded_on, checked_in_on):
            due = reminder_instant(day, reminder_time, zone)
            if due is not None and due > after:
                return due
        day += _ONE_DAY
    raise RuntimeError(f"no reminder found within a week of {after.isoformat()} in {zone.key}")


def due_reminder_date(
    reminder_time: dt.time,
    tz: str | ZoneInfo,
    now: dt.datetime,
    *,
    last_reminded_on: dt.date | None = None,
    checked_in_on: dt.date | None = None,
) -> dt.date | None:
    """The local date whose reminder should be sent at ``now``, or None.

    It is today's (local) reminder, once its time has come and until the day
    ends, unless it was already sent or the patient has checked in today.
    """
    _require_wall_time(reminder_time)
    _require_aware("now", now)
    zone = resolve_zone(tz)
    today = local_date_of(now, zone)
    if not _remindable(today, last_reminded_on, checked_in_on):
        return None
    due = reminder_instant(today, reminder_time, zone)
    if due is None or due > now:
        return None
    return today
