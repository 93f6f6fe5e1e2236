"""Treatment session operations: create (idempotent), list, update, delete."""

from sqlalchemy import select

from .. import signals
from ..audit import service as audit
from ..checkins.service import FUTURE_TOLERANCE
from ..errors import ApiError, validation_error
from ..extensions import db
from ..idempotency import create_once
from ..localtime import local_date_of
from .models import COMPLETED, Treatment

FIELDS = ("status", "starts_at", "route", "dose_mg", "notes", "side_effects")


def _check(status, starts_at, *, now):
    if status == COMPLETED and starts_at > now + FUTURE_TOLERANCE:
        raise validation_error(
            {"starts_at": ["A completed session cannot start in the future. Record it as planned."]}
        )


def _matches(treatment, data):
    return treatment.patient_id == data["patient_id"] and all(
        sorted(getattr(treatment, name) or []) == sorted(data.get(name) or [])
        if name == "side_effects"
        else getattr(treatment, name) == data.get(name)
        for name in FIELDS
    )


def create_treatment(patient, data, *, actor, now):
    """Stores a session; returns ``(treatment, created)``."""
    _check(data["status"], data["starts_at"], now=now)
    treatment = Treatment(
        id=data.get("id"),
        patient_id=patient.id,
        local_date=local_date_of(data["starts_at"], patient.timezone),
        recorded_by_id=actor.id,
        recorded_by_role=actor.role,
        created_at=now,
        updated_at=now,
        **{name: data.get(name) for name in FIELDS if name != "side_effects"},
        side_effects=list(data.get("side_effects") or []),
    )
    treatment, created = create_once(
        Treatment, treatment, lambda existing: _matches(existing, {**data, "patient_id": patient.id})
    )
    if created:
        audit.record(actor, "create", f"treatment:{treatment.id}", patient.id, at=now)
        signals.patient_data_changed.send(patient, now=now)
    return treatment, created


def check_may_change(treatment, actor):
    """Providers change any session of their patients; a patient only what they recorded."""
    if actor.is_patient and treatment.recorded_by_id != actor.id:
        raise ApiError(403, message="Only your care team can change this session.")


def update_treatment(treatment, patient, changes, *, actor, now):
    check_may_change(treatment, actor)
    _check(changes.get("status", treatment.status), changes.get("starts_at", treatment.starts_at), now=now)
    for name in FIELDS:
        if name in changes:
            setattr(treatment, name, list(changes[name] or []) if name == "side_effects" else changes[name])
    treatment.local_date = local_date_of(treatment.starts_at, patient.timezone)
    treatment.updated_at = now
    audit.record(actor, "update", f"treatment:{treatment.id}", patient.id, at=now)
    db.session.flush()
    signals.patient_data_changed.send(patient, now=now)
    return treatment


def delete_treatment(treatment, patient, *, actor, now):
    check_may_change(treatment, actor)
    db.session.delete(treatment)
    audit.record(actor, "delete", f"treatment:{treatment.id}", patient.id, at=now)
    db.session.flush()
    signals.patient_data_changed.send(patient, now=now)


def list_treatments(patient, *, actor, now, start=None, end=None):
    audit.record_read(actor, "treatments", patient.id, at=now)
    query = select(Treatment).where(Treatment.patient_id == patient.id)
    if start is not None:
        query = query.where(Treatment.local_date >= start)
    if end is not None:
        query = query.where(Treatment.local_date <= end)
    return db.session.scalars(query.order_by(Treatment.starts_at, Treatment.id)).all()
