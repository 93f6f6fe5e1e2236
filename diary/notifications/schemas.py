from marshmallow import EXCLUDE, Schema, fields, validate

from ..fields import UTCDateTime


class PublicKeySchema(Schema):
    public_key = fields.String(
        required=True,
        metadata={"description": "The VAPID application server key (uncompressed P-256 point), base64url"},
    )


class PushKeysSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    p256dh = fields.String(required=True, validate=validate.Length(min=1, max=128))
    auth = fields.String(required=True, validate=validate.Length(min=1, max=64))


class PushSubscriptionInSchema(Schema):
    """What the browser's ``PushSubscription.toJSON()`` gives; fields it may add later are ignored."""

    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=2048))
    expirationTime = fields.Float(
        allow_none=True, metadata={"description": "Milliseconds since 1970, or null"}
    )  # noqa: N815 (the browser's name)
    keys = fields.Nested(PushKeysSchema, required=True)


class PushSubscriptionSchema(Schema):
    id = fields.UUID(dump_only=True)
    endpoint = fields.String(dump_only=True)
    expires_at = UTCDateTime(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class PushEndpointSchema(Schema):
    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=2048))
