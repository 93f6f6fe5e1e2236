from sqlalchemy import Uuid

from ..db_types import Timestamps, UTCDateTime, uuid_pk
from ..extensions import db

COMPLETED, PLANNED = "completed", "planned"
STATUSES = (COMPLETED, PLANNED)
ROUTES = ("iv", "intranasal", "intramuscular", "subcutaneous", "oral", "sublingual")


class Treatment(Timestamps, db.Model):
    __tablename__ = "treatments"
    id = uuid_pk()
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False)
    status = db.Column(db.String(16), nullable=False)
    starts_at = db.Column(UTCDateTime, nullable=False)
    local_date = db.Column(db.Date, nullable=False)
    route = db.Column(db.String(16), nullable=False)
    dose_mg = db.Column(db.Float)
    notes = db.Column(db.Text)
    side_effects = db.Column(db.JSON, nullable=False, default=list)
    recorded_by_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_by_role = db.Column(db.String(16), nullable=False)

    __table_args__ = (
        db.Index("ix_treatments_patient_starts_at", "patient_id", "starts_at"),
        db.Index("ix_treatments_status_starts_at", "status", "starts_at"),
        db.CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        db.CheckConstraint(f"route IN {ROUTES!r}", name="route"),
        db.CheckConstraint("dose_mg IS NULL OR (dose_mg > 0 AND dose_mg <= 1000)", name="dose_mg"),
    )

    @property
    def recorded_by(self):
        return {"id": self.recorded_by_id, "role": self.recorded_by_role}
