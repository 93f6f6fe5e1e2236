"""Monitoring operations behind the API: the intake baseline, listing and acknowledging flags.

Services flush, never commit: the caller owns the transaction.
"""

from __future__ import annotations

from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from .. import signals
from ..accounts.models import ACTIVE, DISCHARGED, Patient
from ..audit import service as audit
from ..errors import ApiError, validation_error
from ..extensions import db
from ..i18n import N_
from .evaluation import locked_summary, refresh_patient
from .flags import NOTE_REQUIRED_KINDS, UNDO_WINDOW, set_open_flags
from .models import ACKNOWLEDGED, OPEN, Flag


def set_intake_baseline(patient, changes, *, actor, now) -> Patient:
    if "intake_baseline" in changes and changes["intake_baseline"] != patient.intake_baseline:
        patient.intake_baseline = changes["intake_baseline"]
        db.session.flush()
        signals.patient_data_changed.send(patient, now=now)
    if "intake_baseline" in changes or "home_dose_schedule" not in changes:
        audit.record(actor, "update", "intake_baseline", patient.id, at=now)
    if "home_dose_schedule" in changes:
        set_home_dose_schedule(patient, changes["home_dose_schedule"], actor=actor, now=now)
    return patient


def set_home_dose_schedule(patient, schedule, *, actor, now) -> Patient:
    """At most ``max_doses`` home doses in any ``per_days`` days, or none (docs/api.md, "Home doses").
    Doses recorded before are judged when the next one is recorded or changed."""
    patient.home_doses_max = schedule and schedule["max_doses"]
    patient.home_doses_days = schedule and schedule["per_days"]
    audit.record(actor, "update", "home_dose_schedule", patient.id, at=now)
    db.session.flush()
    return patient


def list_flags(patient, *, status=None, actor, now) -> list[Flag]:
    audit.record_read(actor, "flags", patient.id, at=now)
    query = select(Flag).where(Flag.patient_id == patient.id).options(undefer(Flag.acknowledged_by_name))
    if status is not None:
        query = query.where(Flag.status == status)
    return db.session.scalars(query.order_by(Flag.raised_on, Flag.raised_at, Flag.id)).all()


def acknowledge_flag(flag, *, note=None, actor, now) -> Flag:
    """Marks an open flag acknowledged by ``actor``, with an optional note (required for the
    kinds in NOTE_REQUIRED_KINDS). Idempotent; a resolved flag keeps its status but records who
    acknowledged it (the provider saw it as it resolved)."""
    patient = db.session.get(Patient, flag.patient_id)
    summary = locked_summary(patient, now)
    db.session.refresh(flag)  # as committed, now that the patient is ours
    note = note.strip() if note else None
    if flag.acknowledged_at is None:
        if flag.kind in NOTE_REQUIRED_KINDS and not note:
            raise validation_error(
                {"note": [N_("Say what was done (for example: called the patient, safety plan reviewed).")]},
                message=N_("This flag needs a note to be acknowledged."),
            )
        flag.acknowledged_by_id, flag.acknowledged_at = actor.id, now
        flag.acknowledge_note = note
        if flag.status == OPEN:
            flag.status = ACKNOWLEDGED
    audit.record(actor, "update", f"flag:{flag.id}", flag.patient_id, at=now)
    return _flag_changed(flag, summary, patient)


def unacknowledge_flag(flag, *, actor, now) -> Flag:
    """Undoes ``actor``'s acknowledgement within UNDO_WINDOW: the flag is open again, as if never
    acknowledged. 409 after the window, for someone else's acknowledgement, for a flag that
    resolved meanwhile, or while another flag of its kind is open. Idempotent on an open flag."""
    patient = db.session.get(Patient, flag.patient_id)
    summary = locked_summary(patient, now)
    db.session.refresh(flag)
    if flag.status == OPEN:  # undone already: the same answer, and a row in the trail like acknowledge's
        audit.record(actor, "update", f"flag:{flag.id}", flag.patient_id, at=now)
        return _flag_changed(flag, summary, patient)
    if flag.status != ACKNOWLEDGED:
        raise ApiError(
            409, "conflict", N_("This flag has closed since it was acknowledged; it cannot be undone.")
        )
    if flag.acknowledged_by_id != actor.id:
        raise ApiError(409, "conflict", N_("Only the person who acknowledged this flag can undo it."))
    if now - flag.acknowledged_at > UNDO_WINDOW:
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        message = ngettext(
            "An acknowledgement can be undone for %(num)d minute only.",
            "An acknowledgement can be undone for %(num)d minutes only.",
            minutes,
        )
        raise ApiError(409, "conflict", message)
    try:
        with db.session.begin_nested():
            flag.status = OPEN
            flag.acknowledged_by_id = flag.acknowledged_at = flag.acknowledge_note = None
            db.session.flush()
    except IntegrityError:
        db.session.refresh(flag)
        raise ApiError(
            409, "conflict", N_("Another flag of this kind is open now; this one stays acknowledged.")
        ) from None
    audit.record(actor, "update", f"flag:{flag.id}", flag.patient_id, at=now)
    return _flag_changed(flag, summary, patient)


def _flag_changed(flag, summary, patient) -> Flag:
    """The summary's open flags as stored now; the flag with its acknowledger's name read afresh."""
    db.session.flush()
    set_open_flags(
        summary,
        db.session.scalars(select(Flag.kind).where(Flag.patient_id == patient.id, Flag.status == OPEN)).all(),
    )
    db.session.flush()
    db.session.refresh(flag, ["acknowledged_by_name"])
    return flag


def discharge(patient, *, reason=None, actor, now) -> Patient:
    """The care team discharges the patient: reminders stop, open flags close as ``discharged``,
    no new flag is raised, the worklist leaves them out (unless asked for). Idempotent."""
    if patient.status != DISCHARGED:
        patient.status, patient.status_changed_at = DISCHARGED, now
        patient.discharge_reason = reason
    audit.record(actor, "update", "discharge", patient.id, at=now)
    return _status_changed(patient, now)


def readmit(patient, *, actor, now) -> Patient:
    """Active again: reminders resume with the next one due, flags come from new events. Idempotent;
    an account its patient closed stays closed (409)."""
    if patient.user.closed_at is not None:
        raise ApiError(409, "account_closed", N_("The patient closed this account; it cannot be readmitted."))
    if patient.status != ACTIVE:
        patient.status, patient.status_changed_at, patient.discharge_reason = ACTIVE, now, None
    audit.record(actor, "update", "readmit", patient.id, at=now)
    return _status_changed(patient, now)


def _status_changed(patient, now) -> Patient:
    db.session.flush()
    signals.settings_changed.send(patient, now=now, changes=frozenset({"status"}))
    refresh_patient(patient, now=now)
    return patient
