from marshmallow import Schema, fields, validate

from ..fields import UTCDateTime, page_limit
from .models import ACTIONS


class ActorSchema(Schema):
    id = fields.UUID(allow_none=True, metadata={"description": "null for the system (the scheduler)"})
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": "patient, provider or system"})


class AccessLogItemSchema(Schema):
    id = fields.UUID(required=True, metadata={"description": "Pass as `before` to read on"})
    at = UTCDateTime(required=True)
    actor = fields.Nested(ActorSchema, required=True)
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    resource = fields.String(required=True, metadata={"example": "entries"})


class AccessLogSchema(Schema):
    items = fields.List(fields.Nested(AccessLogItemSchema), required=True)
    next_before = fields.UUID(
        allow_none=True,
        metadata={"description": "The `before` value for the next, older page; null on the last page"},
    )


class AccessLogQuerySchema(Schema):
    limit = page_limit("Events")
    before = fields.UUID(metadata={"description": "Only events older than this one (an item's id)"})
