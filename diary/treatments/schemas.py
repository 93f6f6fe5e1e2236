from marshmallow import Schema, ValidationError, fields, validate

from ..checkins.schemas import SideEffects
from ..fields import StrictFloat, UTCDateTime
from .models import ROUTES, STATUSES


def _dose(value):
    if not 0 < value <= 1000:
        raise ValidationError("The dose is more than 0 and at most 1000 mg.")


class TreatmentInSchema(Schema):
    id = fields.UUID(metadata={"description": "Client-generated; makes the call idempotent"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    starts_at = UTCDateTime(required=True)
    route = fields.String(required=True, validate=validate.OneOf(ROUTES))
    dose_mg = StrictFloat(
        allow_none=True, allow_nan=False, validate=_dose, metadata={"exclusiveMinimum": 0, "maximum": 1000}
    )
    notes = fields.String(allow_none=True, validate=validate.Length(max=4000))
    side_effects = SideEffects()


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
    recorded_by = fields.Nested(RecordedBySchema)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class TreatmentListSchema(Schema):
    items = fields.List(fields.Nested(TreatmentSchema))
