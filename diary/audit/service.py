"""Writing and reading the audit trail. Writers are services, inside their own transaction."""

import uuid

from sqlalchemy import and_, insert, or_, select

from ..db_types import utcnow
from ..extensions import db
from .models import AuditEvent


def record(actor, action, resource, patient_id=None, at=None):
    """Append one audit row for ``actor`` (a User, or None for the system)."""
    db.session.add(
        AuditEvent(
            at=at or utcnow(),
            actor_id=getattr(actor, "id", None),
            actor_role=getattr(actor, "role", "system"),
            patient_id=patient_id,
            action=action,
            resource=resource,
        )
    )


def record_read(actor, resource, patient_id, at=None):
    """A read is recorded when someone other than the patient makes it."""
    if actor is not None and actor.id != patient_id:
        record(actor, "read", resource, patient_id, at=at)


def record_reads(actor, resource, patient_ids, at=None):
    """One read row per patient shown at once (a worklist page), in one INSERT."""
    at = at or utcnow()
    actor_id, role = actor.id, actor.role  # once: ``actor`` is often current_user, a proxy
    rows = [
        {
            "id": uuid.uuid4(),
            "at": at,
            "actor_id": actor_id,
            "actor_role": role,
            "patient_id": patient_id,
            "action": "read",
            "resource": resource,
        }
        for patient_id in patient_ids
        if patient_id != actor_id
    ]
    if rows:
        db.session.execute(insert(AuditEvent), rows)


def record_sightings(actor, resource, patient_ids, *, since, at=None):
    """One read row per patient shown to ``actor`` since ``since`` (a worklist's day): the first sight.

    A provider who opens the worklist fifty times a day appears once a day in
    each patient's access log, not fifty times; the look-up reads the
    patients' own index (patient, instant) for the page's patients only.
    """
    actor_id = actor.id  # once: ``actor`` is often current_user, a proxy
    wanted = {patient_id for patient_id in patient_ids if patient_id != actor_id}
    if not wanted:
        return
    seen = db.session.scalars(
        select(AuditEvent.patient_id).where(
            AuditEvent.patient_id.in_(wanted),
            AuditEvent.at >= since,
            AuditEvent.actor_id == actor_id,
            AuditEvent.action == "read",
            AuditEvent.resource == resource,
        )
    ).all()
    unseen = wanted.difference(seen)
    record_reads(actor, resource, [patient_id for patient_id in patient_ids if patient_id in unseen], at=at)


def _newest_first(query):
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def access_log(patient_id, *, limit, before=None):
    """The patient's events, newest first; ``before`` is the id of the last event already seen."""
    query = select(AuditEvent).where(AuditEvent.patient_id == patient_id)
    if before is not None:
        cursor = db.session.get(AuditEvent, before)
        if cursor is None or cursor.patient_id != patient_id:
            return []
        query = query.where(
            or_(AuditEvent.at < cursor.at, and_(AuditEvent.at == cursor.at, AuditEvent.id < cursor.id))
        )
    return db.session.scalars(_newest_first(query).limit(limit)).all()


def events_between(since, until=None):
    """Every event from ``since`` (inclusive) to ``until`` (exclusive), oldest first, streamed."""
    query = select(AuditEvent).where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    query = query.order_by(AuditEvent.at, AuditEvent.id).execution_options(yield_per=500)
    return db.session.scalars(query)
