from sqlalchemy import Uuid

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
    actor_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_role = db.Column(db.String(16), nullable=False)
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"))
    action = db.Column(db.String(16), nullable=False)
    resource = db.Column(db.String(120), nullable=False)

    actor = db.relationship("User", lazy="joined")

    __table_args__ = (db.Index("ix_audit_events_patient_at", "patient_id", "at"),)
