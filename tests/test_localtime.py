"""The time arithmetic (diary/localtime.py): local dates, and when daily reminders are due.

The decision these tests pin down: ``next_reminder_at`` returns an instant
strictly after ``after`` (>, not >=). Catching up on a reminder whose time has
passed earlier the same local day is ``due_reminder_date``'s job, or, for a
stored due instant, ``reminder_is_current``'s.
"""

import datetime as dt
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from diary.localtime import (
    due_reminder_date,
    end_of_local_day,
    local_date_of,
    next_reminder_at,
    parse_instant,
    reminder_instant,
    reminder_is_current,
    reminder_local_date,
    resolve_zone,
    start_of_local_day,
)
from tests.conftest import examples

UTC = dt.UTC
T = dt.time
D = dt.date


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def local(zone, *args, fold=0):
    return dt.datetime(*args, tzinfo=ZoneInfo(zone), fold=fold)


def wall(instant, zone):
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


# ---------------------------------------------------------------- normal days


@pytest.mark.parametrize(
    "zone, after, expected_utc",
    [
        # east of UTC, big offset: 20:00 NZDT (+13) is 07:00 UTC the same day
        ("Pacific/Auckland", utc(2026, 1, 15, 6, 0), utc(2026, 1, 15, 7, 0)),
        # ... and once it has passed, tomorrow's
        ("Pacific/Auckland", utc(2026, 1, 15, 7, 0), utc(2026, 1, 16, 7, 0)),
        # NZST (+12) in July
        ("Pacific/Auckland", utc(2026, 7, 1, 0, 0), utc(2026, 7, 1, 8, 0)),
        # west of UTC: 20:00 PDT (-7) is 03:00 UTC on the next UTC date
        ("America/Los_Angeles", utc(2026, 6, 1, 12, 0), utc(2026, 6, 2, 3, 0)),
        ("America/Los_Angeles", utc(2026, 12, 1, 12, 0), utc(2026, 12, 2, 4, 0)),
        ("Europe/Berlin", utc(2026, 6, 1, 12, 0), utc(2026, 6, 1, 18, 0)),
        ("Europe/Berlin", utc(2026, 1, 10, 12, 0), utc(2026, 1, 10, 19, 0)),
        # a half-hour zone: 20:00 IST (+05:30) is 14:30 UTC
        ("Asia/Kolkata", utc(2026, 5, 5, 0, 0), utc(2026, 5, 5, 14, 30)),
        ("Asia/Kolkata", utc(2026, 5, 5, 14, 30, 1), utc(2026, 5, 6, 14, 30)),
        ("UTC", utc(2026, 5, 5, 19, 59, 59), utc(2026, 5, 5, 20, 0)),
    ],
)
def test_next_reminder_on_ordinary_days(zone, after, expected_utc):
    result = next_reminder_at(T(20, 0), zone, after)
    assert result == expected_utc
    assert result.tzinfo is UTC
    assert wall(result, zone).time() == T(20, 0)


def test_result_is_utc_whatever_zone_after_is_given_in():
    after = local("America/Los_Angeles", 2026, 6, 1, 5, 0)
    result = next_reminder_at(T(20, 0), "Europe/Berlin", after)
    assert result.utcoffset() == dt.timedelta(0)
    assert result == utc(2026, 6, 1, 18, 0)


def test_zone_may_be_a_zoneinfo():
    assert next_reminder_at(T(9, 0), ZoneInfo("Asia/Kolkata"), utc(2026, 5, 5)) == utc(2026, 5, 5, 3, 30)


def test_exactly_at_the_reminder_time_is_not_after_it():
    due = utc(2026, 6, 1, 18, 0)
    assert next_reminder_at(T(20, 0), "Europe/Berlin", due) == utc(2026, 6, 2, 18, 0)
    assert next_reminder_at(T(20, 0), "Europe/Berlin", due - dt.timedelta(microseconds=1)) == due


def test_local_date_decides_not_the_utc_date():
    # 12:30 UTC on 1 June is already 2 June, 00:30, in Auckland (NZST, +12)
    assert local_date_of(utc(2026, 6, 1, 12, 30), "Pacific/Auckland") == D(2026, 6, 2)
    assert local_date_of(utc(2026, 6, 1, 11, 59), "Pacific/Auckland") == D(2026, 6, 1)
    # 03:00 UTC on 2 June is still 1 June, 20:00, in Los Angeles
    assert local_date_of(utc(2026, 6, 2, 3, 0), "America/Los_Angeles") == D(2026, 6, 1)


# ------------------------------------------------------ midnight and 23:59


def test_reminder_at_midnight():
    zone = "Europe/Berlin"
    result = next_reminder_at(T(0, 0), zone, utc(2026, 6, 1, 12, 0))
    assert wall(result, zone) == dt.datetime(2026, 6, 2, 0, 0)
    assert result == utc(2026, 6, 1, 22, 0)
    # the midnight reminder of a day is that day's, not the previous one's
    assert reminder_local_date(result, zone) == D(2026, 6, 2)


def test_reminder_at_midnight_just_before_local_midnight():
    zone = "Pacific/Auckland"
    after = local(zone, 2026, 6, 1, 23, 59, 59).astimezone(UTC)
    assert wall(next_reminder_at(T(0, 0), zone, after), zone) == dt.datetime(2026, 6, 2, 0, 0)


def test_reminder_at_2359():
    zone = "America/Los_Angeles"
    result = next_reminder_at(T(23, 59), zone, utc(2026, 6, 1, 12, 0))
    assert wall(result, zone) == dt.datetime(2026, 6, 1, 23, 59)
    assert result == utc(2026, 6, 2, 6, 59)
    assert reminder_local_date(result, zone) == D(2026, 6, 1)


def test_2359_already_reminded_today_moves_to_tomorrow():
    zone = "Asia/Kolkata"
    after = local(zone, 2026, 6, 1, 10, 0).astimezone(UTC)
    result = next_reminder_at(T(23, 59), zone, after, last_reminded_on=D(2026, 6, 1))
    assert wall(result, zone) == dt.datetime(2026, 6, 2, 23, 59)


# -------------------------------------------------------------- DST: gaps


def test_spring_forward_gap_berlin_fires_when_clocks_jump():
    # 2026-03-29: 02:00 CET -> 03:00 CEST; 02:30 does not exist
    zone = "Europe/Berlin"
    result = next_reminder_at(T(2, 30), zone, utc(2026, 3, 28, 12, 0), last_reminded_on=D(2026, 3, 28))
    assert result == utc(2026, 3, 29, 1, 0)
    assert wall(result, zone) == dt.datetime(2026, 3, 29, 3, 0)
    assert reminder_instant(D(2026, 3, 29), T(2, 30), zone) == result
    # the day after, business as usual
    assert wall(next_reminder_at(T(2, 30), zone, result), zone) == dt.datetime(2026, 3, 30, 2, 30)


def test_spring_forward_gap_new_york():
    # 2026-03-08: 02:00 EST -> 03:00 EDT
    zone = "America/New_York"
    result = reminder_instant(D(2026, 3, 8), T(2, 30), zone)
    assert result == utc(2026, 3, 8, 7, 0)
    assert wall(result, zone) == dt.datetime(2026, 3, 8, 3, 0)
    assert reminder_instant(D(2026, 3, 8), T(2, 0), zone) == result
    # the edges of the gap exist and are themselves
    assert wall(reminder_instant(D(2026, 3, 8), T(1, 59), zone), zone) == dt.datetime(2026, 3, 8, 1, 59)
    assert wall(reminder_instant(D(2026, 3, 8), T(3, 0), zone), zone) == dt.datetime(2026, 3, 8, 3, 0)


@pytest.mark.parametrize("minute", [0, 1, 30, 59])
def test_every_time_in_the_gap_fires_at_the_jump(minute):
    assert reminder_instant(D(2026, 3, 29), T(2, minute), "Europe/Berlin") == utc(2026, 3, 29, 1, 0)


def test_gap_of_thirty_minutes_lord_howe():
    # Lord Howe Island: 02:00 +10:30 -> 02:30 +11:00
    zone = "Australia/Lord_Howe"
    result = reminder_instant(D(2026, 10, 4), T(2, 15), zone)
    assert wall(result, zone) == dt.datetime(2026, 10, 4, 2, 30)
    assert result == utc(2026, 10, 3, 15, 30)


def test_gap_at_midnight_havana():
    # Cuba springs forward at midnight: 00:00 -> 01:00 on 2026-03-08
    zone = "America/Havana"
    result = reminder_instant(D(2026, 3, 8), T(0, 0), zone)
    assert wall(result, zone) == dt.datetime(2026, 3, 8, 1, 0)
    assert reminder_local_date(result, zone) == D(2026, 3, 8)


def test_a_date_that_never_happened_gets_no_reminder():
    # Samoa skipped 2011-12-30 entirely when it crossed the date line
    zone = "Pacific/Apia"
    assert reminder_instant(D(2011, 12, 30), T(20, 0), zone) is None
    after = local(zone, 2011, 12, 29, 21, 0).astimezone(UTC)
    result = next_reminder_at(T(20, 0), zone, after)
    assert wall(result, zone) == dt.datetime(2011, 12, 31, 20, 0)


# ----------------------------------------------------- DST: repeated hour


def test_fall_back_repeated_time_fires_once_at_first_occurrence():
    # 2026-10-25 Berlin: 03:00 CEST -> 02:00 CET; 02:30 happens twice
    zone = "Europe/Berlin"
    first = local(zone, 2026, 10, 25, 2, 30, fold=0).astimezone(UTC)
    second = local(zone, 2026, 10, 25, 2, 30, fold=1).astimezone(UTC)
    assert (first, second) == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30))

    assert (
        next_reminder_at(T(2, 30), zone, utc(2026, 10, 24, 12, 0), last_reminded_on=D(2026, 10, 24)) == first
    )
    # between the two occurrences, and even without knowing it was sent: not again
    between = utc(2026, 10, 25, 1, 0)
    assert wall(next_reminder_at(T(2, 30), zone, between), zone) == dt.datetime(2026, 10, 26, 2, 30)
    assert next_reminder_at(T(2, 30), zone, first, last_reminded_on=D(2026, 10, 25)) == utc(
        2026, 10, 26, 1, 30
    )


def test_fall_back_ticking_scheduler_sends_exactly_one():
    zone = "Europe/Berlin"
    sent = []
    last = D(2026, 10, 24)
    now = utc(2026, 10, 24, 22, 0)
    while now < utc(2026, 10, 25, 4, 0):
        day = due_reminder_date(T(2, 30), zone, now, last_reminded_on=last)
        if day is not None:
            sent.append(now)
            last = day
        now += dt.timedelta(minutes=5)
    assert sent == [utc(2026, 10, 25, 0, 30)]


def test_fall_back_new_york():
    zone = "America/New_York"
    result = reminder_instant(D(2026, 11, 1), T(1, 30), zone)
    assert result == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST
    assert result.astimezone(ZoneInfo(zone)).utcoffset() == dt.timedelta(hours=-4)


# --------------------------------------------------- catch-up and validity


def test_catch_up_later_the_same_local_day():
    zone = "Europe/Berlin"
    # the scheduler was down from 19:00 to 22:10 local; the 20:00 reminder is still sent
    now = local(zone, 2026, 6, 1, 22, 10).astimezone(UTC)
    assert due_reminder_date(T(20, 0), zone, now, last_reminded_on=D(2026, 5, 31)) == D(2026, 6, 1)
    stored_due = reminder_instant(D(2026, 6, 1), T(20, 0), zone)
    assert reminder_is_current(stored_due, zone, now)


def test_no_reminder_for_a_day_that_has_passed():
    zone = "Europe/Berlin"
    # down through midnight: at 00:10 on 2 June the 1 June reminder is gone
    now = local(zone, 2026, 6, 2, 0, 10).astimezone(UTC)
    assert due_reminder_date(T(20, 0), zone, now, last_reminded_on=D(2026, 5, 31)) is None
    stored_due = reminder_instant(D(2026, 6, 1), T(20, 0), zone)
    assert not reminder_is_current(stored_due, zone, now)
    # the stale row is rescheduled for tonight, not for the missed day
    assert wall(next_reminder_at(T(20, 0), zone, now, last_reminded_on=D(2026, 5, 31)), zone) == (
        dt.datetime(2026, 6, 2, 20, 0)
    )


def test_day_boundary_is_the_patients_not_utc():
    # 20:00 in Los Angeles is 03:00 UTC the next UTC day; catch-up runs until local midnight
    zone = "America/Los_Angeles"
    due = reminder_instant(D(2026, 6, 1), T(20, 0), zone)
    assert reminder_is_current(due, zone, utc(2026, 6, 2, 6, 59))
    assert not reminder_is_current(due, zone, utc(2026, 6, 2, 7, 0))


def test_not_current_before_it_is_due():
    zone = "Asia/Kolkata"
    due = reminder_instant(D(2026, 6, 1), T(20, 0), zone)
    assert not reminder_is_current(due, zone, due - dt.timedelta(seconds=1))
    assert reminder_is_current(due, zone, due)
    assert due_reminder_date(T(20, 0), zone, due - dt.timedelta(seconds=1)) is None
    assert due_reminder_date(T(20, 0), zone, due) == D(2026, 6, 1)


def test_at_most_once_per_local_date():
    zone = "Pacific/Auckland"
    now = local(zone, 2026, 6, 1, 21, 0).astimezone(UTC)
    assert due_reminder_date(T(20, 0), zone, now, last_reminded_on=D(2026, 6, 1)) is None


def test_checked_in_today_means_no_reminder_today():
    zone = "Europe/Berlin"
    now = local(zone, 2026, 6, 1, 21, 0).astimezone(UTC)
    assert due_reminder_date(T(20, 0), zone, now, checked_in_on=D(2026, 6, 1)) is None
    after = local(zone, 2026, 6, 1, 9, 0).astimezone(UTC)
    result = next_reminder_at(T(20, 0), zone, after, checked_in_on=D(2026, 6, 1))
    assert wall(result, zone) == dt.datetime(2026, 6, 2, 20, 0)
    # a check-in on another day changes nothing today
    assert due_reminder_date(T(20, 0), zone, now, checked_in_on=D(2026, 5, 31)) == D(2026, 6, 1)


def test_last_reminded_in_the_future_is_respected():
    # e.g. the patient moved west after being reminded "tomorrow" in the old zone
    zone = "America/Los_Angeles"
    after = utc(2026, 6, 1, 12, 0)  # 05:00 on 1 June in LA
    result = next_reminder_at(T(20, 0), zone, after, last_reminded_on=D(2026, 6, 2))
    assert wall(result, zone) == dt.datetime(2026, 6, 3, 20, 0)


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "call",
    [
        lambda: next_reminder_at(T(20, 0), "Europe/Berlin", dt.datetime(2026, 6, 1, 12, 0)),
        lambda: due_reminder_date(T(20, 0), "Europe/Berlin", dt.datetime(2026, 6, 1, 12, 0)),
        lambda: local_date_of(dt.datetime(2026, 6, 1, 12, 0), "Europe/Berlin"),
        lambda: reminder_is_current(dt.datetime(2026, 6, 1), "Europe/Berlin", utc(2026, 6, 1)),
        lambda: reminder_is_current(utc(2026, 6, 1), "Europe/Berlin", dt.datetime(2026, 6, 1)),
        lambda: reminder_local_date(dt.datetime(2026, 6, 1), "Europe/Berlin"),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd", "+02:00"])
def test_unknown_zones_are_rejected(zone):
    with pytest.raises(ValueError):
        next_reminder_at(T(20, 0), zone, utc(2026, 6, 1))


def test_reminder_time_with_a_zone_is_rejected():
    with pytest.raises(ValueError):
        next_reminder_at(T(20, 0, tzinfo=UTC), "Europe/Berlin", utc(2026, 6, 1))


def test_resolve_zone_returns_the_zoneinfo():
    assert resolve_zone("Asia/Kolkata") == ZoneInfo("Asia/Kolkata")


# ------------------------------------------------------------- properties

DST_ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Havana",
    "America/Santiago",
    "America/Sao_Paulo",
    "Europe/Dublin",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Asia/Tehran",
    "Africa/Casablanca",
    "UTC",
]
ALL_ZONES = sorted(z for z in available_timezones() if z not in {"Factory", "localtime"})

zones = st.one_of(st.sampled_from(DST_ZONES), st.sampled_from(ALL_ZONES))
reminder_times = st.builds(T, st.integers(0, 23), st.integers(0, 59))
instants = st.datetimes(
    min_value=dt.datetime(1995, 1, 1), max_value=dt.datetime(2045, 12, 31), timezones=st.just(UTC)
)
# instants near a transition are where the bugs live
transition_instants = st.sampled_from(
    [
        utc(2026, 3, 29, 0, 30),  # Berlin, the night of the gap
        utc(2026, 10, 24, 23, 30),  # Berlin, the repeated hour
        utc(2026, 3, 8, 6, 0),  # New York gap
        utc(2026, 11, 1, 4, 0),  # New York repeated hour
        utc(2026, 4, 4, 13, 0),  # Auckland and Lord Howe fall back
        utc(2026, 9, 26, 13, 0),  # Auckland spring forward
        utc(2011, 12, 29, 9, 0),  # Samoa's lost day
    ]
).flatmap(lambda t: st.integers(-36 * 3600, 36 * 3600).map(lambda s: t + dt.timedelta(seconds=s)))
afters = st.one_of(instants, transition_instants)


def _due_wall(day, reminder_time):
    return dt.datetime.combine(day, reminder_time)


@settings(max_examples=examples(400), deadline=None)
@given(
    zone=zones,
    reminder_time=reminder_times,
    after=afters,
    last_offset=st.none() | st.integers(-3, 2),
    checked_offset=st.none() | st.integers(-1, 2),
)
@example(
    zone="Europe/Berlin",
    reminder_time=T(2, 30),
    after=utc(2026, 3, 28, 12),
    last_offset=None,
    checked_offset=None,
)
@example(
    zone="Europe/Berlin",
    reminder_time=T(2, 30),
    after=utc(2026, 10, 25, 0, 45),
    last_offset=None,
    checked_offset=None,
)
@example(
    zone="Pacific/Apia",
    reminder_time=T(20, 0),
    after=utc(2011, 12, 29, 9),
    last_offset=None,
    checked_offset=None,
)
def test_next_reminder_properties(zone, reminder_time, after, last_offset, checked_offset):
    """Decision: strictly after (result > after). The result's wall clock is the
    reminder time, or, when that time does not exist that day, the first valid
    instant after it; it falls on a remindable local date; and no remindable
    date in between was skipped."""
    tz = ZoneInfo(zone)
    today = local_date_of(after, tz)
    last = None if last_offset is None else today + dt.timedelta(days=last_offset)
    checked = None if checked_offset is None else today + dt.timedelta(days=checked_offset)

    result = next_reminder_at(reminder_time, tz, after, last_reminded_on=last, checked_in_on=checked)

    assert result.utcoffset() == dt.timedelta(0)
    assert result > after
    day = reminder_local_date(result, tz)
    assert day == local_date_of(result, tz)
    assert last is None or day > last
    assert day != checked

    target = _due_wall(day, reminder_time)
    result_wall = wall(result, zone)
    assert result_wall >= target
    # nothing earlier reads as the reminder time or later: the first such instant
    assert wall(result - dt.timedelta(seconds=1), zone) < target
    if result_wall != target:
        # only a wall time that does not exist is moved
        roundtrip = target.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        assert roundtrip != target
        assert result_wall - target <= dt.timedelta(hours=24)

    # no remindable date between ``after`` and the result was passed over
    skipped = today
    while skipped < day:
        if (last is None or skipped > last) and skipped != checked:
            due = reminder_instant(skipped, reminder_time, tz)
            assert due is None or due <= after
        skipped += dt.timedelta(days=1)


@settings(max_examples=examples(300), deadline=None)
@given(zone=zones, reminder_time=reminder_times, now=afters, last_offset=st.none() | st.integers(-2, 0))
def test_due_reminder_date_agrees_with_instant_and_currency(zone, reminder_time, now, last_offset):
    tz = ZoneInfo(zone)
    today = local_date_of(now, tz)
    last = None if last_offset is None else today + dt.timedelta(days=last_offset)
    due_today = reminder_instant(today, reminder_time, tz)

    day = due_reminder_date(reminder_time, tz, now, last_reminded_on=last)

    if day is not None:
        assert day == today
        assert due_today is not None and due_today <= now
        assert reminder_is_current(due_today, tz, now)
    elif last != today and due_today is not None:
        assert due_today > now
    # yesterday's reminder is never current today
    yesterday = reminder_instant(today - dt.timedelta(days=1), reminder_time, tz)
    if yesterday is not None:
        assert not reminder_is_current(yesterday, tz, now)


@settings(max_examples=examples(150), deadline=None)
@given(zone=zones, reminder_time=reminder_times, start=afters)
def test_chained_reminders_are_one_per_local_date_and_consecutive(zone, reminder_time, start):
    tz = ZoneInfo(zone)
    previous = start
    last = None
    for _ in range(5):
        nxt = next_reminder_at(reminder_time, tz, previous, last_reminded_on=last)
        day = local_date_of(nxt, tz)
        assert nxt > previous
        if last is not None:
            assert day > last
            # only a date that cannot hold a reminder is ever skipped
            gap_day = last + dt.timedelta(days=1)
            while gap_day < day:
                assert reminder_instant(gap_day, reminder_time, tz) is None
                gap_day += dt.timedelta(days=1)
        previous, last = nxt, day


@settings(max_examples=examples(120), deadline=None)
@given(
    zone=st.sampled_from(DST_ZONES),
    reminder_time=reminder_times,
    start=transition_instants,
    tick_minutes=st.integers(1, 240),
    outage=st.tuples(st.integers(0, 72 * 60), st.integers(0, 30 * 60)),
)
def test_a_ticking_scheduler_with_an_outage(zone, reminder_time, start, tick_minutes, outage):
    """Simulate ``scheduler run`` for three days with ticks every few minutes and
    one outage: every reminder is sent on its own local date, after it was due,
    at most once per date, and a date is missed only if no tick ran between its
    due instant and the end of that local day."""
    tz = ZoneInfo(zone)
    down_from = start + dt.timedelta(minutes=outage[0])
    down_until = down_from + dt.timedelta(minutes=outage[1])
    end = start + dt.timedelta(days=3)
    ticks = []
    now = start
    while now < end:
        if not (down_from <= now < down_until):
            ticks.append(now)
        now += dt.timedelta(minutes=tick_minutes)

    sent = {}
    last = local_date_of(start, tz) - dt.timedelta(days=1)
    for now in ticks:
        day = due_reminder_date(reminder_time, tz, now, last_reminded_on=last)
        if day is not None:
            assert day not in sent
            sent[day] = now
            last = day

    for day, at in sent.items():
        assert local_date_of(at, tz) == day
        assert at >= reminder_instant(day, reminder_time, tz)

    day = local_date_of(start, tz)
    while day <= local_date_of(ticks[-1], tz) if ticks else False:
        due = reminder_instant(day, reminder_time, tz)
        if due is not None and day not in sent:
            assert not any(t >= due and local_date_of(t, tz) == day for t in ticks), (day, due)
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-29T01:30:00Z", dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)),
        ("2026-03-29T01:30:00z", dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)),
        (" 2026-03-29T03:30:00+02:00 ", dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)),
    ],
)
def test_parse_instant_reads_rfc_3339_into_utc(text, expected):
    parsed = parse_instant(text)
    assert parsed == expected and parsed.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("text", ["2026-03-29T01:30:00", "yesterday", "", "2026-02-30T00:00:00Z"])
def test_parse_instant_refuses_what_is_not_an_instant(text):
    with pytest.raises(ValueError):
        parse_instant(text)


@pytest.mark.parametrize(
    ("day", "zone", "expected"),
    [
        (D(2026, 3, 1), "Europe/Berlin", "2026-02-28T23:00:00+00:00"),
        # São Paulo's clocks jumped from 00:00 to 01:00: the day began at the jump
        (D(2018, 11, 4), "America/Sao_Paulo", "2018-11-04T03:00:00+00:00"),
        # Havana fell back from 01:00 to 00:00: the first midnight counts
        (D(2025, 11, 2), "America/Havana", "2025-11-02T04:00:00+00:00"),
        # Samoa skipped 2011-12-30 altogether: it "starts" when the 31st does
        (D(2011, 12, 30), "Pacific/Apia", "2011-12-30T10:00:00+00:00"),
        (D(2011, 12, 31), "Pacific/Apia", "2011-12-30T10:00:00+00:00"),
    ],
)
def test_the_start_of_a_local_day(day, zone, expected):
    start = start_of_local_day(day, zone)
    assert start == dt.datetime.fromisoformat(expected)
    assert end_of_local_day(day - dt.timedelta(days=1), zone) == start
    assert local_date_of(start, zone) >= day


def test_an_instant_before_the_first_utc_instant_is_a_value_error():
    with pytest.raises(ValueError, match="out of range"):
        parse_instant("0001-01-01T00:00:00+01:00")
