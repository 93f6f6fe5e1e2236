from sqlalchemy import Uuid, event
from sqlalchemy.orm import Session

from ..db_types import UTCDateTime, utcnow, uuid_pk
from ..extensions import db

ACTIONS = ("read", "create", "update", "delete", "export")


class AuditEvent(db.Model):
    """One append-only row per read, write or export of a patient's data.

    It names the resource, never its content: no scores, notes or answers.
    """

    __tablename__ = "audit_events"
    id = uuid_pk()
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # No foreign keys: deleting a user or patient must not cascade into the trail
    # (HIPAA 164.312(b)); the ids stay, and the actor shows as a former user.
    actor_id = db.Column(Uuid, index=True)
    actor_role = db.Column(db.String(16), nullable=False)
    patient_id = db.Column(Uuid)
    action = db.Column(db.String(16), nullable=False)
    resource = db.Column(db.String(120), nullable=False)

    actor = db.relationship(
        "User", primaryjoin="foreign(AuditEvent.actor_id) == User.id", lazy="joined", viewonly=True
    )

    __table_args__ = (db.Index("ix_audit_events_patient_at", "patient_id", "at"),)


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised on any attempt to change or remove an audit row through the application."""


# HIPAA 164.312(b) and ASVS 16.4.2: the trail must not be rewritten. There is no
# update or delete path in the code; these listeners stop one from being added.
@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, target):
    raise AuditTrailIsAppendOnly(f"audit event {target.id} cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state):
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and getattr(table, "name", None) == AuditEvent.__tablename__:
        raise AuditTrailIsAppendOnly("audit events cannot be changed or deleted")
