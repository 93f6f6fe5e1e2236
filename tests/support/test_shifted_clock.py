"""DIARY_TEST_NOW, read by tests/support/shifted_clock.py."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.shifted_clock import shifted_now

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_the_shifted_clock_takes_days_or_an_instant():
    assert shifted_now("+365d", now=NOW) == NOW + timedelta(days=365)
    assert shifted_now("2027-01-13T00:00:00Z", now=NOW) == datetime(2027, 1, 13, tzinfo=UTC)
    assert shifted_now("2027-01-13T09:00:00+09:00", now=NOW) == datetime(2027, 1, 13, tzinfo=UTC)
    with pytest.raises(ValueError, match="offset"):
        shifted_now("2027-01-13T00:00:00", now=NOW)
