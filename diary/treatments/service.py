"""Treatment session operations: create (idempotent), list, update, delete."""

from sqlalchemy import select

from .. import signals
from ..audit import service as audit
from ..checkins import sideeffects
from ..checkins.service import FUTURE_TOLERANCE
from ..errors import ApiError, validation_error
from ..extensions import db
from ..i18n import N_
from ..idempotency import create_once
from ..localtime import local_date_of
from .models import CLINIC_FIELDS, CLINIC_ROUTES, COMPLETED, RECORD_FIELDS, Treatment

FIELDS = ("status", "starts_at", "route", "dose_mg", "notes", *RECORD_FIELDS)
ONLY_TEAM = N_("Only the care team records this, at the clinic.")


def _check(values, given, *, actor, now):
    """Problems with a session as it would be stored (``values``: every field; ``given``: the
    names the request sent), as a 422."""
    problems = {}
    if values["status"] == COMPLETED and values["starts_at"] > now + FUTURE_TOLERANCE:
        problems["starts_at"] = [N_("A completed session cannot start in the future. Record it as planned.")]
    if actor.is_patient:
        problems.update(_patient_problems(values, given))
    problems.update(_record_problems(values))
    if problems:
        raise validation_error(problems)


def _patient_problems(values, given) -> dict:
    """A patient records the doses they took themselves: not by infusion or injection (a session
    they book may be the clinic's), and without the care team's observations."""
    problems = {name: [ONLY_TEAM] for name in CLINIC_FIELDS if name in given and values.get(name) is not None}
    recorded = values["status"] == COMPLETED and given & {"route", "status"}
    if recorded and values["route"] in CLINIC_ROUTES:
        problems["route"] = [
            N_(
                "A dose you took yourself is intranasal, oral, sublingual or other; "
                "your care team records infusions and injections."
            )
        ]
    return problems


def _record_problems(values) -> dict:
    problems = {}
    for moment in ("before", "after"):
        systolic, diastolic = values.get(f"systolic_{moment}"), values.get(f"diastolic_{moment}")
        if systolic is not None and diastolic is not None and diastolic >= systolic:
            problems[f"diastolic_{moment}"] = [N_("The diastolic pressure is lower than the systolic.")]
    ready_at = values.get("discharge_ready_at")
    if ready_at is not None and values.get("discharge_ready") is not True:
        problems["discharge_ready_at"] = [N_("Give a time only with discharge_ready true.")]
    elif ready_at is not None and ready_at < values["starts_at"]:
        problems["discharge_ready_at"] = [N_("Ready to go home comes after the session starts.")]
    return problems


def _matches(treatment, data):
    return (
        treatment.patient_id == data["patient_id"]
        and all(getattr(treatment, name) == data.get(name) for name in FIELDS)
        and sideeffects.same(treatment, data)
    )


def create_treatment(patient, data, *, actor, now):
    """Stores a session; returns ``(treatment, created)``."""
    _check({name: data.get(name) for name in FIELDS}, set(data), actor=actor, now=now)
    treatment = Treatment(
        id=data.get("id"),
        patient_id=patient.id,
        local_date=local_date_of(data["starts_at"], patient.timezone),
        recorded_by_id=actor.id,
        recorded_by_role=actor.role,
        created_at=now,
        updated_at=now,
        **{name: data.get(name) for name in FIELDS},
    )
    sideeffects.store(treatment, data)
    treatment, created = create_once(
        Treatment, treatment, lambda existing: _matches(existing, {**data, "patient_id": patient.id})
    )
    if created:
        audit.record(actor, "create", f"treatment:{treatment.id}", patient.id, at=now)
        signals.patient_data_changed.send(patient, now=now, record=treatment)
    return treatment, created


def check_may_change(treatment, actor):
    """Providers change any session of their patients; a patient only what they recorded."""
    if actor.is_patient and treatment.recorded_by_id != actor.id:
        raise ApiError(403, message=N_("Only your care team can change this session."))


def update_treatment(treatment, patient, changes, *, actor, now):
    check_may_change(treatment, actor)
    values = {name: changes.get(name, getattr(treatment, name)) for name in FIELDS}
    _check(values, set(changes), actor=actor, now=now)
    for name in FIELDS:
        if name in changes:
            setattr(treatment, name, changes[name])
    sideeffects.store(treatment, changes)
    treatment.local_date = local_date_of(treatment.starts_at, patient.timezone)
    treatment.updated_at = now
    audit.record(actor, "update", f"treatment:{treatment.id}", patient.id, at=now)
    db.session.flush()
    signals.patient_data_changed.send(patient, now=now, record=treatment)
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
