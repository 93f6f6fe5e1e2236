"""The shared marshmallow fields: dates and times stay in a range no arithmetic can overflow."""

from datetime import UTC, date, datetime

import pytest
from marshmallow import Schema, ValidationError

from diary.fields import LocalDate, StrictBoolean, UTCDateTime


class Example(Schema):
    at = UTCDateTime()
    day = LocalDate()
    flag = StrictBoolean()


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31T23:00:00Z",
        "0001-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
        "3000-01-01T00:00:00Z",
    ],
)
def test_datetimes_beyond_the_range_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        Example().load({"at": value})
    assert "1900-01-01" in refused.value.messages["at"][0]


def test_datetimes_in_the_range_are_utc():
    assert Example().load({"at": "1900-01-01T09:00:00+09:00"})["at"] == datetime(1900, 1, 1, tzinfo=UTC)
    assert Example().load({"at": "2999-12-31T23:59:59Z"})["at"] == datetime(
        2999, 12, 31, 23, 59, 59, tzinfo=UTC
    )


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_local_dates_beyond_the_range_are_refused(value):
    with pytest.raises(ValidationError):
        Example().load({"day": value})


def test_local_dates_in_the_range():
    assert Example().load({"day": "1900-01-01"})["day"] == date(1900, 1, 1)
    assert Example().load({"day": "2999-12-31"})["day"] == date(2999, 12, 31)


@pytest.mark.parametrize("value", [1, 0, 1.0, "true", "yes", None])
def test_strict_boolean_takes_only_true_and_false(value):
    with pytest.raises(ValidationError):
        Example().load({"flag": value})


def test_strict_boolean_true_and_false():
    assert Example().load({"flag": True})["flag"] is True and Example().load({"flag": False})["flag"] is False
