from marshmallow import Schema, fields, validate

from .service import CSV_KINDS


class CsvQuerySchema(Schema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(CSV_KINDS),
        metadata={"description": "`entries`: one row per check-in; `treatments`: one row per session"},
    )


class CalendarFeedSchema(Schema):
    url = fields.String(metadata={"description": "Subscribe a calendar app to this; it needs no login"})
    webcal_url = fields.String(
        metadata={"description": "The same feed with the webcal:// scheme, which opens the calendar app"}
    )
