"""Treatment session routes (docs/api.md, "Treatment sessions")."""

from flask_login import current_user
from flask_smorest import Blueprint

from ..accounts.access import patient_for, reachable
from ..accounts.models import Patient
from ..db_types import utcnow
from ..errors import ErrorSchema
from ..extensions import db
from . import service
from .models import Treatment
from .schemas import TreatmentInSchema, TreatmentListSchema, TreatmentPatchSchema, TreatmentSchema

blp = Blueprint(
    "treatments", __name__, url_prefix="/api/v1", description="Treatment sessions, completed and planned"
)


def _treatment_and_patient(treatment_id):
    treatment = reachable(db.session.get(Treatment, treatment_id))
    return treatment, db.session.get(Patient, treatment.patient_id)


@blp.post("/patients/<pid>/treatments")
@blp.arguments(TreatmentInSchema)
@blp.response(201, TreatmentSchema, description="Stored")
@blp.alt_response(
    200, schema=TreatmentSchema, description="The same id and content again: the stored session"
)
@blp.alt_response(409, schema=ErrorSchema, description="The same id with other content")
def create_treatment(body, pid):
    patient = patient_for(pid)
    treatment, created = service.create_treatment(patient, body, actor=current_user, now=utcnow())
    db.session.commit()
    return treatment, 201 if created else 200


@blp.get("/patients/<pid>/treatments")
@blp.response(200, TreatmentListSchema)
def list_treatments(pid):
    patient = patient_for(pid)
    items = service.list_treatments(patient, actor=current_user, now=utcnow())
    db.session.commit()
    return {"items": items}


@blp.patch("/treatments/<uuid:treatment_id>")
@blp.arguments(TreatmentPatchSchema)
@blp.response(200, TreatmentSchema)
def update_treatment(changes, treatment_id):
    treatment, patient = _treatment_and_patient(treatment_id)
    treatment = service.update_treatment(treatment, patient, changes, actor=current_user, now=utcnow())
    db.session.commit()
    return treatment


@blp.delete("/treatments/<uuid:treatment_id>")
@blp.response(204)
def delete_treatment(treatment_id):
    treatment, patient = _treatment_and_patient(treatment_id)
    service.delete_treatment(treatment, patient, actor=current_user, now=utcnow())
    db.session.commit()
