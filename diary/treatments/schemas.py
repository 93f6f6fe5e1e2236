from marshmallow import Schema, ValidationError, fields, validate

from ..checkins.sideeffects import SideEffects, SideEffectSeverity
from ..fields import StrictFloat, UTCDateTime
from .models import MEASURES, PRODUCTS, ROUTES, STATUSES


def _dose(value):
    if not 0 < value <= 1000:
        raise ValidationError("The dose is more than 0 and at most 1000 mg.")


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


def _measure(name):
    low, high = MEASURES[name]
    text = f"{MEASURE_TEXT[name]}: {low} to {high}"
    if name == "weight_kg":
        return StrictFloat(
            allow_none=True,
            allow_nan=False,
            validate=validate.Range(low, high, error=f"{MEASURE_TEXT[name]} is from {low} to {high}."),
            metadata={"description": text, "minimum": low, "maximum": high},
        )
    return fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(
            low, high, error=f"{MEASURE_TEXT[name]} is a whole number from {low} to {high}."
        ),
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
