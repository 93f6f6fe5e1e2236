"""Writing the audit trail. Callers are services, inside their own transaction."""
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
