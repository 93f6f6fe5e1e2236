from datetime import date

from sqlalchemy import Uuid, select
from sqlalchemy.orm import column_property

from .. import relief
from ..accounts.models import User
from ..db_types import UTCDateTime, uuid_pk
from ..extensions import db

#: Flags raised by what a patient reports, not by the relief engine: ``safety`` (an answer
#: above 0 to the safety question) and ``side_effect`` (a side effect or a home dose the care
#: team should hear of). The engine never raises or closes them; only a person does.
REPORTED_KINDS = ("safety", "side_effect")
#: The flags the care team sees: the relief engine's events, and the reported ones.
FLAG_KINDS = relief.FLAG_KINDS + REPORTED_KINDS
#: The worklist's order (docs/api.md, "Relief monitoring"): an open flag of an earlier
#: group ranks a patient higher; plan_maintenance and non_response share a rank.
URGENCY = {
    "safety": 0,
    "urgent": 1,
    "side_effect": 2,
    "wearing_off": 3,
    "data_gap": 4,
    "plan_maintenance": 5,
    "non_response": 5,
}
#: The order of a patient's ``open_flags``: most urgent first.
FLAG_ORDER = (
    "safety",
    "urgent",
    "side_effect",
    "wearing_off",
    "data_gap",
    "plan_maintenance",
    "non_response",
)
NO_FLAG_RANK = 6
#: Sorts after every real date, so "no suggested session" comes last on both databases.
NO_DATE = date(9999, 12, 31)
OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
FLAG_STATUSES = (OPEN, ACKNOWLEDGED, RESOLVED)
#: Flags that bring a provider alert email (issue: scheduler). A ``safety`` flag's is queued
#: the moment it opens (``notifications.alerts.queue_alert_now``); the pass is its safety net.
ALERTING_KINDS = ("safety", "urgent", "wearing_off")


class Flag(db.Model):
    """A relief event the care team should see, raised by the replay of the relief rules (docs/relief.md).

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
    # Who acknowledged it, by name (read only when asked for: not by the reconciliation).
    acknowledged_by_name = column_property(
        select(User.name).where(User.id == acknowledged_by_id).correlate_except(User).scalar_subquery(),
        deferred=True,
    )
    resolved_at = db.Column(UTCDateTime)
    # Why it resolved: new_cycle, logging_resumed, superseded or withdrawn (its event
    # vanished from the replay after the data changed; it reopens if the event returns).
    resolution = db.Column(db.String(24))
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


class PatientSummary(db.Model):
    """One row per patient: what the worklist shows and sorts by, kept current by
    ``monitoring.evaluation.refresh_patient`` so the worklist never replays a history.

    ``next_evaluation_at`` is the UTC instant of the patient's next local
    midnight: the scheduler re-evaluates only the rows it has passed.
    ``urgency_date`` is ``suggested_session_by`` or :data:`NO_DATE`, so one
    index serves the worklist's whole order on both databases.
    """

    __tablename__ = "patient_summaries"
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    care_team_id = db.Column(Uuid, db.ForeignKey("care_teams.id", ondelete="CASCADE"), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    last_entry_at = db.Column(UTCDateTime)
    latest_score = db.Column(db.SmallInteger)
    latest_severity = db.Column(db.String(16))
    status = db.Column(db.String(24), nullable=False, default="no_treatment")
    open_flags = db.Column(db.JSON, nullable=False, default=list)
    urgency_rank = db.Column(db.SmallInteger, nullable=False, default=NO_FLAG_RANK)
    urgency_date = db.Column(db.Date, nullable=False, default=NO_DATE)
    predicted_wear_off_date = db.Column(db.Date)
    suggested_session_by = db.Column(db.Date)
    next_planned_session = db.Column(UTCDateTime)
    # When the patient last reported a note or side effect no one on the care team has seen yet
    # (NULL: nothing new); cleared when a care-team member opens their timeline.
    new_reports_at = db.Column(UTCDateTime)
    # The Assessment as of evaluated_on (its JSON shape), served by the timeline.
    assessment = db.Column(db.JSON)
    evaluated_on = db.Column(db.Date)
    evaluated_at = db.Column(UTCDateTime)
    next_evaluation_at = db.Column(UTCDateTime, nullable=False)

    __table_args__ = (
        db.Index(
            "ix_patient_summaries_worklist",
            "care_team_id",
            "urgency_rank",
            "urgency_date",
            "name",
            "patient_id",
        ),
        db.Index("ix_patient_summaries_next_evaluation_at", "next_evaluation_at"),
        db.CheckConstraint(f"urgency_rank BETWEEN 0 AND {NO_FLAG_RANK}", name="urgency_rank"),
    )


class ClinicPrior(db.Model):
    """The wear-off durations of a care team's cycles of one kind of course, for the
    relief forecast's clinic prior (``prior_durations``): refreshed by the scheduler's
    ``clinic_priors`` job, read by every evaluation, never computed per request.

    ``durations`` is ``[[patient id, days], ...]``, oldest first: a patient's own
    cycles are left out of their prior when it is read.
    """

    __tablename__ = "clinic_priors"
    care_team_id = db.Column(Uuid, db.ForeignKey("care_teams.id", ondelete="CASCADE"), primary_key=True)
    course_kind = db.Column(db.String(8), primary_key=True)  # "single" (one session) or "course"
    durations = db.Column(db.JSON, nullable=False, default=list)
    refreshed_at = db.Column(UTCDateTime, nullable=False)  # when its durations last changed

    __table_args__ = (db.CheckConstraint("course_kind IN ('single', 'course')", name="course_kind"),)


SINGLE, INDUCTION, MAINTENANCE = "single_session", "induction", "maintenance"
COURSE_TYPES = (SINGLE, INDUCTION, MAINTENANCE)


class ReliefCycle(db.Model):
    """One treatment cycle (a course and the relief after it), written by every refresh.

    The clinic's outcomes are counted from these rows in a few queries, never by
    replaying histories per request. ``duration_days`` is the days from the
    course's last session to the wear-off (``wore_off``) or, censored, to the
    next course or the patient's today; NULL for a non-response cycle.
    ``after_wear_off`` is, for a course after the first, whether it started
    after the previous cycle had worn off. ``fixed_day_score`` is the daily score
    nearest to day ``FIXED_RESPONSE_DAY`` after the course's last session (cycles.py),
    for the response at a fixed time point; NULL when there is none.
    """

    __tablename__ = "relief_cycles"
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    cycle_start = db.Column(db.Date, primary_key=True)
    care_team_id = db.Column(Uuid, db.ForeignKey("care_teams.id", ondelete="CASCADE"), nullable=False)
    course_index = db.Column(db.SmallInteger, nullable=False)
    course_type = db.Column(db.String(16), nullable=False)
    sessions = db.Column(db.SmallInteger, nullable=False)
    route = db.Column(db.String(16))
    last_session = db.Column(db.Date, nullable=False)
    duration_days = db.Column(db.Integer)
    wore_off = db.Column(db.Boolean, nullable=False, default=False)
    wear_off_date = db.Column(db.Date)
    non_response = db.Column(db.Boolean, nullable=False, default=False)
    baseline = db.Column(db.Float)
    nadir = db.Column(db.Float)
    after_wear_off = db.Column(db.Boolean)
    fixed_day_score = db.Column(db.SmallInteger)

    __table_args__ = (
        db.Index("ix_relief_cycles_team_start", "care_team_id", "cycle_start"),
        db.CheckConstraint(f"course_type IN {COURSE_TYPES!r}", name="course_type"),
    )


class ReliefCheckpoint(db.Model):
    """The relief replay's state at the patient's open course (``relief.Checkpoint``):
    the next evaluation resumes there and walks the open cycle alone. Only a cache:
    a missing or stale row costs one full replay, never a wrong result.
    Written by a refresh only when the checkpoint moved (a new course, an edit of the past)."""

    __tablename__ = "relief_checkpoints"
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    state = db.Column(db.JSON, nullable=False)
