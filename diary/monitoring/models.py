from sqlalchemy import Uuid

from ..db_types import UTCDateTime, uuid_pk
from ..extensions import db

FLAG_KINDS = ("wearing_off", "non_response", "urgent", "data_gap", "plan_maintenance")
OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
FLAG_STATUSES = (OPEN, ACKNOWLEDGED, RESOLVED)
#: Flags that bring a provider alert email (issue: scheduler).
ALERTING_KINDS = ("urgent", "wearing_off")


class Flag(db.Model):
    """A relief event the care team should see, raised by the replay of RELIEF.md.

    ``occurrence`` makes a flag unique per patient: ``<kind>:<cycle start>`` for
    the kinds that happen once per treatment cycle, ``data_gap:<raised_on>`` for
    gaps, which may recur. Re-evaluating a patient therefore never duplicates one.
    """

    __tablename__ = "flags"
    id = uuid_pk()
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False)
    kind = db.Column(db.String(24), nullable=False)
    status = db.Column(db.String(16), nullable=False, default=OPEN)
    occurrence = db.Column(db.String(64), nullable=False)
    cycle_start = db.Column(db.Date)
    raised_on = db.Column(db.Date, nullable=False)
    raised_at = db.Column(UTCDateTime, nullable=False)
    details = db.Column(db.JSON, nullable=False, default=dict)
    acknowledged_by_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at = db.Column(UTCDateTime)
    acknowledge_note = db.Column(db.Text)
    resolved_at = db.Column(UTCDateTime)
    # Set when the care team's alert email for this flag was queued (never twice).
    provider_alerted_at = db.Column(UTCDateTime)

    __table_args__ = (
        db.UniqueConstraint("patient_id", "occurrence", name="uq_flags_patient_occurrence"),
        # At most one open flag of a kind per patient.
        db.Index(
            "uq_flags_one_open_per_kind",
            "patient_id",
            "kind",
            unique=True,
            sqlite_where=db.text("status = 'open'"),
            postgresql_where=db.text("status = 'open'"),
        ),
        db.Index("ix_flags_patient_status", "patient_id", "status"),
        db.Index("ix_flags_unalerted", "kind", "provider_alerted_at"),
        db.CheckConstraint(f"kind IN {FLAG_KINDS!r}", name="kind"),
        db.CheckConstraint(f"status IN {FLAG_STATUSES!r}", name="status"),
    )
