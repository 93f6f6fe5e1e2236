from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from .. import gad7
from ..fields import LocalDate, UTCDateTime
from ..i18n import LANGUAGES
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
    safety = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(0, 3),
        metadata={
            "description": "The answer to the safety question (the PHQ-9's item 9), 0..3: with gad7 only, "
            "and only when the clinic asks it"
        },
    )
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
        # The safety answer stands as given: it has raised a flag and told the care team.
        exclude = ("id", "instrument", "safety")

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
    safety = fields.Integer(allow_none=True, metadata={"description": "The safety answer 0..3, or null"})
    side_effect_severity = fields.Dict(keys=fields.String(), values=fields.String())
    language = fields.String(
        dump_only=True,
        validate=validate.OneOf(LANGUAGES),
        metadata={
            "description": "The language the questions were shown in (the patient's at check-in); "
            "the answers are the numbers, whatever the language"
        },
    )
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class CrisisSchema(Schema):
    message = fields.String(metadata={"description": "What to do now, for the patient"})
    line = fields.String(
        metadata={"description": "The crisis line (DIARY_CRISIS_LINE, or DIARY_CRISIS_LINE_ES in Spanish)"}
    )


class StoredEntrySchema(EntrySchema):
    crisis = fields.Nested(
        CrisisSchema,
        allow_none=True,
        metadata={"description": "Crisis help, when the safety answer is above 0; shown at once"},
    )


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
    language = fields.String(
        validate=validate.OneOf(LANGUAGES),
        metadata={
            "description": "The language of every text here: the patient's (GET /me/checkin-form), "
            "else the reader's (GET /checkin-forms/{instrument})"
        },
    )
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


class SafetyQuestionSchema(Schema):
    question = fields.String()
    answers = fields.List(fields.String(), metadata={"minItems": 4, "maxItems": 4})
    crisis = fields.Nested(
        CrisisSchema, metadata={"description": "What the PWA shows at once after an answer above 0"}
    )


class SupportSchema(Schema):
    clinic = fields.String(
        allow_none=True,
        metadata={
            "description": "How to reach the clinic (DIARY_CLINIC_CONTACT, or DIARY_CLINIC_CONTACT_ES "
            "in Spanish); null: not configured"
        },
    )
    crisis = fields.String(
        metadata={"description": "A crisis line (DIARY_CRISIS_LINE, or DIARY_CRISIS_LINE_ES in Spanish)"}
    )
    crisis_message = fields.String(
        metadata={"description": "The crisis help's words after a safety answer above 0 (offline too)"}
    )


class DueCheckinFormSchema(CheckinFormSchema):
    date = fields.Date(metadata={"description": "The local date the form is due on"})
    backfill_days = fields.Integer(
        metadata={"description": "How many days back a check-in may be made or changed"}
    )
    first_day = fields.Date(
        metadata={"description": "The local date the patient joined: their diary's first day"}
    )
    support = fields.Nested(SupportSchema)
    safety = fields.Nested(
        SafetyQuestionSchema,
        allow_none=True,
        metadata={"description": "The safety question, with gad7 unless the clinic turned it off; else null"},
    )


class CheckinFormQuerySchema(Schema):
    date = LocalDate(metadata={"description": "The local date of the check-in; default: the patient's today"})
