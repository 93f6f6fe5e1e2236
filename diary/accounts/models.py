from datetime import time

from flask_login import UserMixin
from sqlalchemy import Uuid, false, true

from ..db_types import Timestamps, UTCDateTime, utcnow, uuid_pk
from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES

PATIENT, PROVIDER = "patient", "provider"
ROLES = (PATIENT, PROVIDER)
#: A patient's stored status; ``paused`` is shown, never stored: an active patient
#: whose ``paused_until`` is after their local today (``Patient.status_on``).
ACTIVE, PAUSED, DISCHARGED = "active", "paused", "discharged"
PATIENT_STATUSES = (ACTIVE, DISCHARGED)


class CareTeam(Timestamps, db.Model):
    __tablename__ = "care_teams"
    id = uuid_pk()
    name = db.Column(db.String(200), nullable=False)


care_team_members = db.Table(
    "care_team_members",
    db.Column("care_team_id", Uuid, db.ForeignKey("care_teams.id", ondelete="CASCADE"), primary_key=True),
    db.Column(
        "provider_id", Uuid, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class User(UserMixin, Timestamps, db.Model):
    __tablename__ = "users"
    id = uuid_pk()
    # Stored lower-cased, so the unique index makes emails case-insensitive.
    email = db.Column(db.String(254), nullable=False, unique=True)
    name = db.Column(db.String(200), nullable=False)
    role = db.Column(db.String(16), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    timezone = db.Column(db.String(64), nullable=False, default="UTC")
    # The language this person reads (diary/i18n.py): screens, emails, pushes, error messages.
    language = db.Column(
        db.String(8), nullable=False, default=DEFAULT_LANGUAGE, server_default=DEFAULT_LANGUAGE
    )
    mfa_secret = db.Column(db.String(64))
    mfa_enabled = db.Column(db.Boolean, nullable=False, default=False)
    mfa_required = db.Column(db.Boolean, nullable=False, default=False)
    mfa_last_step = db.Column(db.BigInteger)  # TOTP time step of the last code accepted: no replays
    password_changed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # Clinic administration (docs/api.md, "Clinic administration"): staff only.
    is_admin = db.Column(db.Boolean, nullable=False, default=False, server_default=false())
    # An account turned off refuses logins and has no sessions; its records stay.
    active = db.Column(db.Boolean, nullable=False, default=True, server_default=true())
    last_login_at = db.Column(UTCDateTime)
    # Closed by the patient (POST /me/close): no login; the record stays for the clinic.
    closed_at = db.Column(UTCDateTime)

    # Loaded with the user: every patient request needs it, and it is one row.
    patient = db.relationship("Patient", back_populates="user", uselist=False, lazy="joined")
    care_teams = db.relationship("CareTeam", secondary=care_team_members)

    __table_args__ = (
        db.CheckConstraint(f"role IN {ROLES!r}", name="role"),
        db.CheckConstraint(f"language IN {LANGUAGES!r}", name="language"),
    )

    @property
    def is_patient(self):
        return self.role == PATIENT

    @property
    def is_provider(self):
        return self.role == PROVIDER


class Patient(db.Model):
    """The patient side of a user: care team, reminder settings, clinical intake."""

    __tablename__ = "patients"
    id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    care_team_id = db.Column(Uuid, db.ForeignKey("care_teams.id"), nullable=False, index=True)
    reminder_time = db.Column(db.Time, nullable=False, default=time(20, 0))
    reminders_enabled = db.Column(db.Boolean, nullable=False, default=True)
    email_reminders = db.Column(db.Boolean, nullable=False, default=True)
    intake_baseline = db.Column(db.SmallInteger)
    # Set by notifications when the mail server refused a reminder for good (5xx),
    # cleared when one is delivered: the patient and the care team are told.
    email_reminders_failed_at = db.Column(UTCDateTime)
    status = db.Column(db.String(16), nullable=False, default=ACTIVE, server_default=ACTIVE)
    status_changed_at = db.Column(UTCDateTime)
    discharge_reason = db.Column(db.Text)
    # No reminders before this local date; the open pause of ``pauses``, kept here for the reminder pass.
    paused_until = db.Column(db.Date)
    # The home-dose schedule the care team set: at most ``home_doses_max`` doses the patient
    # records in any ``home_doses_days`` days (both or neither; docs/api.md, "Home doses").
    home_doses_max = db.Column(db.SmallInteger)
    home_doses_days = db.Column(db.SmallInteger)

    user = db.relationship("User", back_populates="patient", lazy="joined", innerjoin=True)
    care_team = db.relationship("CareTeam")

    __table_args__ = (
        db.CheckConstraint(f"status IN {PATIENT_STATUSES!r}", name="patient_status"),
        db.CheckConstraint(
            "(home_doses_max IS NULL AND home_doses_days IS NULL) OR "
            "(home_doses_max BETWEEN 0 AND 50 AND home_doses_days BETWEEN 1 AND 90)",
            name="home_dose_schedule",
        ),
    )

    @property
    def name(self):
        return self.user.name

    @property
    def timezone(self):
        return self.user.timezone

    def status_on(self, today) -> str:
        return shown_status(self.status, self.paused_until, today)


class PatientPause(db.Model):
    """A pause of reminders, ``starts_on`` up to the day before ``ends_on`` (local dates).

    Kept after it ends: the relief replay reads every pause, so a silence in a
    past pause never becomes a ``data_gap`` when the history is replayed.
    """

    __tablename__ = "patient_pauses"
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    starts_on = db.Column(db.Date, primary_key=True)
    ends_on = db.Column(db.Date, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)

    __table_args__ = (db.CheckConstraint("ends_on >= starts_on", name="pause_order"),)


def shown_status(status, paused_until, today) -> str:
    """``active``, ``paused`` (active, with ``paused_until`` after ``today``) or ``discharged``."""
    if status == ACTIVE and paused_until is not None and paused_until > today:
        return PAUSED
    return status


class Invite(Timestamps, db.Model):
    """A single-use invite: a patient's to one care team, or (``role`` provider) a staff member's."""

    __tablename__ = "invites"
    code = db.Column(db.String(16), primary_key=True)
    # A patient's care team; a staff invite has none (its teams are ``team_ids``).
    care_team_id = db.Column(Uuid, db.ForeignKey("care_teams.id", ondelete="CASCADE"))
    created_by_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    name = db.Column(db.String(200))
    email = db.Column(db.String(254))
    expires_at = db.Column(UTCDateTime, nullable=False)
    used_at = db.Column(UTCDateTime)
    used_by_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at = db.Column(UTCDateTime)
    sends = db.Column(db.Integer, nullable=False, default=0, server_default="0")  # emails queued for it
    last_sent_at = db.Column(UTCDateTime)
    role = db.Column(db.String(16), nullable=False, default=PATIENT, server_default=PATIENT)
    admin = db.Column(db.Boolean, nullable=False, default=False, server_default=false())
    # A staff invite's care teams, as id strings: teams are never deleted, and registration
    # keeps those that still exist.
    team_ids = db.Column(db.JSON)
    # A patient's first language; NULL: the browser's at registration.
    language = db.Column(db.String(8))

    __table_args__ = (
        db.CheckConstraint(f"language IS NULL OR language IN {LANGUAGES!r}", name="language"),
        db.CheckConstraint(f"role IN {ROLES!r}", name="invite_role"),
        db.CheckConstraint(f"role = '{PROVIDER}' OR care_team_id IS NOT NULL", name="invite_team"),
    )

    # What this request did with the invite's email, (status, reason), for the answer; not stored.
    sent_now = None

    def pending(self, now) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class AuthSession(db.Model):
    """A server-side login session; the cookie carries its token, we store its hash."""

    __tablename__ = "auth_sessions"
    token_hash = db.Column(db.String(64), primary_key=True)
    user_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    revoked_at = db.Column(UTCDateTime)

    user = db.relationship("User", lazy="joined", innerjoin=True)


class ClinicSettings(db.Model):
    """The clinic's settings: one row (id 1), made with the first administrator
    (``users create-provider --admin``). Without it every setting reads as before
    it existed: MFA required of nobody but those created with ``--require-mfa``."""

    __tablename__ = "clinic_settings"
    id = db.Column(db.SmallInteger, primary_key=True, default=1)
    mfa_required = db.Column(db.Boolean, nullable=False, default=True)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (db.CheckConstraint("id = 1", name="single_row"),)


class PasswordReset(db.Model):
    """A request to reset a password, and then, for an active account, the token emailed for it.

    The request is stored as it came (``issued_at`` NULL) and answered the same way
    whether or not the email has an account; the scheduler issues the token later
    (``resets.issue_password_resets``), so the answer's timing tells nothing either.
    Only the token's SHA-256 is kept.
    """

    __tablename__ = "password_resets"
    id = uuid_pk()
    email = db.Column(db.String(254), nullable=False)  # normalised, as asked for
    requested_at = db.Column(UTCDateTime, nullable=False)
    issued_at = db.Column(UTCDateTime, index=True)
    user_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash = db.Column(db.String(64), unique=True)
    expires_at = db.Column(UTCDateTime)
    used_at = db.Column(UTCDateTime)
    voided_at = db.Column(UTCDateTime)  # a newer reset of the account was issued

    def usable(self, now) -> bool:
        return (
            self.token_hash is not None
            and self.used_at is None
            and self.voided_at is None
            and self.expires_at is not None
            and self.expires_at > now
        )
