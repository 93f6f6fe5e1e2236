from marshmallow import Schema, ValidationError, fields, validate

from ..checkins.sideeffects import SideEffects, SideEffectSeverity
from ..fields import StrictFloat, UTCDateTime
from ..i18n import N_
from ..validation_texts import Range
from .models import MEASURES, PRODUCTS, ROUTES, STATUSES


def _dose(value):
    if not 0 < value <= 1000:
        raise ValidationError(N_("The dose is more than 0 and at most 1000 mg."))


MEASURE_TEXT = {
    "weight_kg": "Body weight in kg",
    "systolic_before": "Systolic blood pressure before the dose, mmHg",
    "diastolic_before": "Diastolic blood pressure before the dose, mmHg",
    "heart_rate_before": "Heart rate before the dose, beats a minute",
    "systolic_after": "Systolic blood pressure after the dose, mmHg",
    "diastolic_after": "Diastolic blood pressure after the dose, mmHg",
    "heart_rate_after": "Heart rate after the dose, beats a minute",
    "sedation_moaas": "Sedation on the MOAA/S, 0 (no response) to 5 (alert) (Chernik 1990)",
    "dissociation_cadss6": "Dissociation on the CADSS-6, total 0-24 (Rodrigues 2021)",
    "observation_minutes": "Minutes observed after the dose",
}

#: What a measure out of its range answers (a whole sentence each, for translation).
MEASURE_RANGE = {
    "weight_kg": N_("Body weight in kg is from %(min)s to %(max)s."),
    "systolic_before": N_(
        "Systolic blood pressure before the dose, mmHg is a whole number from %(min)s to %(max)s."
    ),
    "diastolic_before": N_(
        "Diastolic blood pressure before the dose, mmHg is a whole number from %(min)s to %(max)s."
    ),
    "heart_rate_before": N_(
        "Heart rate before the dose, beats a minute is a whole number from %(min)s to %(max)s."
    ),
    "systolic_after": N_(
        "Systolic blood pressure after the dose, mmHg is a whole number from %(min)s to %(max)s."
    ),
    "diastolic_after": N_(
        "Diastolic blood pressure after the dose, mmHg is a whole number from %(min)s to %(max)s."
    ),
    "heart_rate_after": N_(
        "Heart rate after the dose, beats a minute is a whole number from %(min)s to %(max)s."
    ),
    "sedation_moaas": N_(
        "Sedation on the MOAA/S, 0 (no response) to 5 (alert) (Chernik 1990) is a whole number "
        "from %(min)s to %(max)s."
    ),
    "dissociation_cadss6": N_(
        "Dissociation on the CADSS-6, total 0-24 (Rodrigues 2021) is a whole number from %(min)s to %(max)s."
    ),
    "observation_minutes": N_("Minutes observed after the dose is a whole number from %(min)s to %(max)s."),
}


def _measure(name):
    low, high = MEASURES[name]
    text = f"{MEASURE_TEXT[name]}: {low} to {high}"
    if name == "weight_kg":
        return StrictFloat(
            allow_none=True,
            allow_nan=False,
            validate=Range(low, high, error=MEASURE_RANGE[name]),
            metadata={"description": text, "minimum": low, "maximum": high},
        )
    return fields.Integer(
        strict=True,
        allow_none=True,
        validate=Range(low, high, error=MEASURE_RANGE[name]),
        metadata={"description": text},
    )


class SessionRecordSchema(Schema):
    """The care team's record of a session (docs/api.md, "The session record"): all optional."""

    product = fields.String(allow_none=True, validate=validate.OneOf(PRODUCTS))
    weight_kg = _measure("weight_kg")
    systolic_before = _measure("systolic_before")
    diastolic_before = _measure("diastolic_before")
    heart_rate_before = _measure("heart_rate_before")
    systolic_after = _measure("systolic_after")
    diastolic_after = _measure("diastolic_after")
    heart_rate_after = _measure("heart_rate_after")
    sedation_moaas = _measure("sedation_moaas")
    dissociation_cadss6 = _measure("dissociation_cadss6")
    observation_minutes = _measure("observation_minutes")
    discharge_ready = fields.Boolean(
        allow_none=True,
        metadata={"description": "Ready to go home (true), not yet (false), not judged (null)"},
    )
    discharge_ready_at = UTCDateTime(
        allow_none=True, metadata={"description": "When judged ready (only with discharge_ready true)"}
    )


class TreatmentInSchema(SessionRecordSchema):
    id = fields.UUID(metadata={"description": "Client-generated; makes the call idempotent"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    starts_at = UTCDateTime(required=True)
    route = fields.String(
        required=True,
        validate=validate.OneOf(ROUTES),
        metadata={"description": "A patient's own dose: not iv or intramuscular"},
    )
    dose_mg = StrictFloat(
        allow_none=True, allow_nan=False, validate=_dose, metadata={"exclusiveMinimum": 0, "maximum": 1000}
    )
    notes = fields.String(allow_none=True, validate=validate.Length(max=4000))
    side_effects = SideEffects()
    side_effect_severity = SideEffectSeverity()


class TreatmentPatchSchema(TreatmentInSchema):
    class Meta:
        exclude = ("id",)

    status = fields.String(validate=validate.OneOf(STATUSES))
    starts_at = UTCDateTime()
    route = fields.String(validate=validate.OneOf(ROUTES))


class RecordedBySchema(Schema):
    id = fields.UUID(allow_none=True)
    role = fields.String()


class TreatmentSchema(Schema):
    id = fields.UUID()
    patient_id = fields.UUID()
    status = fields.String()
    starts_at = UTCDateTime()
    local_date = fields.Date()
    route = fields.String()
    dose_mg = fields.Float(allow_none=True)
    notes = fields.String(allow_none=True)
    side_effects = fields.List(fields.String())
    side_effect_severity = fields.Dict(keys=fields.String(), values=fields.String())
    product = fields.String(allow_none=True)
    weight_kg = fields.Float(allow_none=True)
    mg_per_kg = fields.Float(
        allow_none=True, metadata={"description": "dose_mg / weight_kg, to 2 decimals (computed)"}
    )
    systolic_before = fields.Integer(allow_none=True)
    diastolic_before = fields.Integer(allow_none=True)
    heart_rate_before = fields.Integer(allow_none=True)
    systolic_after = fields.Integer(allow_none=True)
    diastolic_after = fields.Integer(allow_none=True)
    heart_rate_after = fields.Integer(allow_none=True)
    sedation_moaas = fields.Integer(allow_none=True)
    dissociation_cadss6 = fields.Integer(allow_none=True)
    observation_minutes = fields.Integer(allow_none=True)
    discharge_ready = fields.Boolean(allow_none=True)
    discharge_ready_at = UTCDateTime(allow_none=True)
    recorded_by = fields.Nested(RecordedBySchema)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class TreatmentListSchema(Schema):
    items = fields.List(fields.Nested(TreatmentSchema))
