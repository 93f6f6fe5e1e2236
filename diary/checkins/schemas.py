from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from .. import gad7
from ..fields import LocalDate, UTCDateTime
from .models import INSTRUMENTS, SIDE_EFFECTS
from .sideeffects import SideEffects, SideEffectSeverity


class EntryInSchema(Schema):
    id = fields.UUID(metadata={"description": "Client-generated; makes the call idempotent"})
    recorded_at = UTCDateTime(metadata={"description": "Default: now"})
    instrument = fields.String(
        validate=validate.OneOf(INSTRUMENTS),
        metadata={
            "description": "daily (the 24-hour adaptation) or gad7 (the standard); default: what is due on the check-in's local date"
        },
    )
    answers = fields.List(
        fields.Integer(strict=True),
        required=True,
        metadata={
            "description": "GAD-7 items 1..7 in order, each 0..3, as answered on the instrument's form",
            "minItems": 7,
            "maxItems": 7,
        },
    )
    difficulty = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 3))
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))
    side_effects = SideEffects()
    side_effect_severity = SideEffectSeverity()

    @validates_schema(skip_on_field_errors=False)  # a wrong answer is reported beside a too-long note
    def _answers(self, data, **kwargs):
        if "answers" not in data or data.get("instrument", gad7.DAILY) not in INSTRUMENTS:
            return
        problems = gad7.validate_answers(data["answers"], data.get("instrument", gad7.DAILY))
        if problems:
            raise ValidationError(problems, field_name="answers")


class EntryPatchSchema(EntryInSchema):
    """An entry keeps its instrument: its answers mean what that form said."""

    class Meta:
        exclude = ("id", "instrument")

    answers = fields.List(fields.Integer(strict=True), metadata={"minItems": 7, "maxItems": 7})


class EntryEditHeadersSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    key = fields.UUID(
        data_key="Idempotency-Key",
        load_default=None,
        metadata={"description": "A client-generated id for this edit: a replay is applied once"},
    )


class EntrySchema(Schema):
    id = fields.UUID()
    patient_id = fields.UUID()
    recorded_at = UTCDateTime()
    local_date = fields.Date()
    instrument = fields.String(validate=validate.OneOf(INSTRUMENTS))
    answers = fields.List(fields.Integer())
    total = fields.Integer()
    severity = fields.String(validate=validate.OneOf(gad7.SEVERITIES))
    difficulty = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    side_effects = fields.List(fields.String())
    side_effect_severity = fields.Dict(keys=fields.String(), values=fields.String())
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class EntryListSchema(Schema):
    items = fields.List(fields.Nested(EntrySchema))


class DateRangeSchema(Schema):
    from_ = LocalDate(data_key="from", metadata={"description": "First local date, inclusive"})
    to = LocalDate(metadata={"description": "Last local date, inclusive"})


class AnswerOptionSchema(Schema):
    question = fields.String()
    answers = fields.List(fields.String())


class SideEffectLabelSchema(Schema):
    code = fields.String(validate=validate.OneOf(SIDE_EFFECTS))
    label = fields.String()


class BandSchema(Schema):
    name = fields.String(validate=validate.OneOf(gad7.SEVERITIES))
    from_ = fields.Integer(data_key="from", attribute="from")
    to = fields.Integer()
    label = fields.String(metadata={"description": "Plain words for a patient"})


class CheckinFormSchema(Schema):
    instrument = fields.String(validate=validate.OneOf(INSTRUMENTS))
    title = fields.String()
    validated = fields.Boolean(metadata={"description": "false for the daily adaptation"})
    stem = fields.String()
    items = fields.List(fields.String(), metadata={"minItems": 7, "maxItems": 7})
    answers = fields.List(
        fields.String(),
        metadata={"description": "The labels of the answers 0..3", "minItems": 4, "maxItems": 4},
    )
    difficulty = fields.Nested(AnswerOptionSchema)
    side_effects = fields.List(fields.Nested(SideEffectLabelSchema))
    guide = fields.String(metadata={"description": "What the bands mean for this instrument, for a patient"})
    max_total = fields.Integer()
    bands = fields.List(fields.Nested(BandSchema))


class SupportSchema(Schema):
    clinic = fields.String(
        allow_none=True,
        metadata={"description": "How to reach the clinic (DIARY_CLINIC_CONTACT); null: not configured"},
    )
    crisis = fields.String(metadata={"description": "A crisis line (DIARY_CRISIS_LINE)"})


class DueCheckinFormSchema(CheckinFormSchema):
    date = fields.Date(metadata={"description": "The local date the form is due on"})
    backfill_days = fields.Integer(
        metadata={"description": "How many days back a check-in may be made or changed"}
    )
    first_day = fields.Date(
        metadata={"description": "The local date the patient joined: their diary's first day"}
    )
    support = fields.Nested(SupportSchema)


class CheckinFormQuerySchema(Schema):
    date = LocalDate(metadata={"description": "The local date of the check-in; default: the patient's today"})
