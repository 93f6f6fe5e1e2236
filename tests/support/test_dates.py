"""The helpers that derive test dates from the real clock."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.dates import clock_change, next_date

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_next_date_is_at_least_ahead_of_now():
    assert next_date(1, 12, now=NOW) == date(2027, 1, 12)
    assert next_date(12, 10, now=NOW) == date(2027, 12, 10)  # 3 days ahead is too close
    assert next_date(12, 14, now=NOW) == date(2026, 12, 14)
    assert next_date(1, 12, now=datetime(2027, 1, 6, tzinfo=UTC)) == date(2028, 1, 12)


def test_clock_changes_are_zoneinfos():
    assert clock_change("America/New_York", forward=True, now=NOW) == datetime(2027, 3, 14, 7, tzinfo=UTC)
    assert clock_change("Europe/Berlin", forward=False, now=NOW) == datetime(2027, 10, 31, 1, tzinfo=UTC)
    assert clock_change("Europe/Berlin", forward=True, now=NOW) == datetime(2027, 3, 28, 1, tzinfo=UTC)
    # Lord Howe Island moves its clocks by half an hour, at 02:00 local standard time.
    assert clock_change("Australia/Lord_Howe", forward=False, now=NOW) == datetime(2027, 4, 3, 15, tzinfo=UTC)
    with pytest.raises(LookupError):
        clock_change("Asia/Tokyo", forward=True, now=NOW)


def test_a_change_is_found_on_the_second_and_never_too_close():
    for days in range(0, 366, 5):
        now = NOW + timedelta(days=days, minutes=17 * days)
        for zone in ("America/New_York", "Europe/Berlin", "Australia/Sydney"):
            for forward in (True, False):
                instant = clock_change(zone, forward=forward, now=now)
                tz = ZoneInfo(zone)
                before, after = (instant - timedelta(seconds=1)).astimezone(tz), instant.astimezone(tz)
                assert (after.utcoffset() > before.utcoffset()) == forward
                assert instant >= now + timedelta(days=7)


def test_the_january_day_has_no_clock_change_in_the_zones_the_tests_use():
    for year_ahead in range(3):
        day = next_date(1, 12, now=NOW + timedelta(days=365 * year_ahead))
        for zone, hours in {
            "Europe/Berlin": 1,
            "Europe/London": 0,
            "America/New_York": -5,
            "America/Los_Angeles": -8,
            "Asia/Tokyo": 9,
        }.items():
            for offset in range(-1, 3):
                noon = datetime.combine(day + timedelta(days=offset), datetime.min.time(), ZoneInfo(zone))
                assert noon.utcoffset() == timedelta(hours=hours), (zone, day)
