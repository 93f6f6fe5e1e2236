from marshmallow import Schema, ValidationError, fields, validate, validates

from .. import gad7
from ..fields import LocalDate, UTCDateTime
from .models import SIDE_EFFECTS


def _no_repeats(values):
    if len(values) != len(set(values)):
        raise ValidationError("List each side effect once.")


class SideEffects(fields.List):
    def __init__(self, **kwargs):
        super().__init__(fields.String(validate=validate.OneOf(SIDE_EFFECTS)), validate=_no_repeats, **kwargs)


class EntryInSchema(Schema):
    id = fields.UUID(metadata={"description": "Client-generated; makes the call idempotent"})
    recorded_at = UTCDateTime(metadata={"description": "Default: now"})
    answers = fields.List(
        fields.Integer(strict=True),
        required=True,
        metadata={"description": "GAD-7 items 1..7 in order, each 0..3", "minItems": 7, "maxItems": 7},
    )
    difficulty = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 3))
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))
    side_effects = SideEffects()

    @validates("answers")
    def _answers(self, value, **kwargs):
        problems = gad7.validate_answers(value)
        if problems:
            raise ValidationError(problems)


class EntryPatchSchema(EntryInSchema):
    class Meta:
        exclude = ("id",)

    answers = fields.List(fields.Integer(strict=True), metadata={"minItems": 7, "maxItems": 7})


class EntrySchema(Schema):
    id = fields.UUID()
    patient_id = fields.UUID()
    recorded_at = UTCDateTime()
    local_date = fields.Date()
    answers = fields.List(fields.Integer())
    total = fields.Integer()
    severity = fields.String(validate=validate.OneOf(gad7.SEVERITIES))
    difficulty = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    side_effects = fields.List(fields.String())
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class EntryListSchema(Schema):
    items = fields.List(fields.Nested(EntrySchema))


class DateRangeSchema(Schema):
    from_ = LocalDate(data_key="from", metadata={"description": "First local date, inclusive"})
    to = LocalDate(metadata={"description": "Last local date, inclusive"})
