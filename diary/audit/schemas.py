from marshmallow import Schema, fields, validate

from ..fields import UTCDateTime, page_limit
from .models import ACTIONS


class ActorSchema(Schema):
    id = fields.UUID(allow_none=True, metadata={"description": "null for the system (the scheduler)"})
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": "patient, provider or system"})


class AccessLogItemSchema(Schema):
    day = fields.Date(required=True, metadata={"description": "The local date, in the patient's time zone"})
    at = UTCDateTime(required=True, metadata={"description": "The latest of the line's accesses (`last_at`)"})
    first_at = UTCDateTime(required=True)
    last_at = UTCDateTime(required=True)
    count = fields.Integer(required=True, metadata={"description": "How many accesses the line stands for"})
    actor = fields.Nested(ActorSchema, required=True)
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    resource = fields.String(
        required=True,
        metadata={
            "description": "The kind of access: `diary` (the timeline, check-ins, sessions and flags "
            "read together), `entries`, `treatments`, `flags`, an export such as `export:entries.csv`, …",
            "example": "diary",
        },
    )


class AccessLogSchema(Schema):
    items = fields.List(fields.Nested(AccessLogItemSchema), required=True)
    next_before = fields.Date(
        allow_none=True,
        metadata={"description": "The `before` value for the next, older page; null on the last page"},
    )


class AccessLogQuerySchema(Schema):
    limit = page_limit("Lines")
    before = fields.Date(metadata={"description": "Only days before this local date (`next_before`)"})
