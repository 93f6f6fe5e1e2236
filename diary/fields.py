"""Marshmallow fields shared by every feature's schemas."""
from datetime import timezone

from marshmallow import ValidationError, fields


class UTCDateTime(fields.AwareDateTime):
    """RFC 3339 with an offset on input (naive is refused); UTC with ``Z`` on output."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", "2026-11-27T08:30:00Z")
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.endswith(("z", "Z")):
            value = value[:-1] + "+00:00"
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.astimezone(timezone.utc)


class HourMinute(fields.Time):
    """``HH:MM`` on both sides."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", "20:00")
        super().__init__(format="%H:%M", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
            raise ValidationError("Use the form HH:MM, for example 20:00.")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """Only JSON ``true`` and ``false``; no "yes" or 1."""

    truthy = {True}
    falsy = {False}
