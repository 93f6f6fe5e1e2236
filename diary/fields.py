"""Marshmallow fields shared by every feature's schemas."""

import re
from datetime import UTC, date, datetime, time

from marshmallow import ValidationError, fields, validate

from .i18n import N_
from .localtime import utc_text

#: Items per page of every paged route: the default, and the most a client may ask for.
PAGE_LIMIT, MAX_PAGE_LIMIT = 100, 500


# Inputs are kept far from datetime's limits, so that a zone offset, a local
# midnight or a window of days computed from them can never overflow (a 500).
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)
EARLIEST = datetime.combine(EARLIEST_DATE, time(), UTC)
LATEST = datetime.combine(LATEST_DATE, time(23, 59, 59, 999999), UTC)
OUT_OF_RANGE = N_("Give a date between 1900-01-01 and 2999-12-31.")


class UTCDateTime(fields.AwareDateTime):
    """RFC 3339 with an offset on input (naive is refused); UTC with ``Z`` on output."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", "2026-11-27T08:30:00Z")
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return utc_text(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.endswith(("z", "Z")):
            value = value[:-1] + "+00:00"
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            result = result.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
            raise ValidationError(OUT_OF_RANGE) from None
        if not EARLIEST <= result <= LATEST:
            raise ValidationError(OUT_OF_RANGE)
        return result


class LocalDate(fields.Date):
    """An ISO date (a patient's local date), between 1900-01-01 and 2999-12-31."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DATE <= result <= LATEST_DATE:
            raise ValidationError(OUT_OF_RANGE)
        return result


class HourMinute(fields.String):
    """``HH:MM`` on both sides, a ``datetime.time`` inside.

    A String rather than a Time: apispec documents a Time with a custom format
    as ``"format": null, "pattern": null``, which is not valid OpenAPI.
    """

    PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

    def __init__(self, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("example", "20:00")
        metadata.setdefault("pattern", self.PATTERN)
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(self.PATTERN, value):
            raise ValidationError(N_("Use the form HH:MM, for example 20:00."))
        return time(int(value[:2]), int(value[3:]))


class StrictBoolean(fields.Boolean):
    """Only JSON ``true`` and ``false``; no "yes", 1 or 0.

    Set membership is not enough: ``1 in {True}`` holds in Python, so identity is checked.
    """

    truthy = {True}
    falsy = {False}

    def _deserialize(self, value, attr, data, **kwargs):
        if value is True or value is False:
            return value
        raise self.make_error("invalid", input=value)


class StrictFloat(fields.Float):
    """Only a JSON number; no "5" (marshmallow's Float takes numeric strings), and no boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


def page_limit(what: str = "Items") -> fields.Integer:
    """The ``limit`` query parameter of a paged route."""
    return fields.Integer(
        load_default=PAGE_LIMIT,
        validate=validate.Range(1, MAX_PAGE_LIMIT),
        metadata={"description": f"{what} per page (default {PAGE_LIMIT}, at most {MAX_PAGE_LIMIT})"},
    )
