"""The outbox, push subscriptions and each patient's next reminder."""

from sqlalchemy import Uuid

from ..db_types import UTCDateTime, utcnow, uuid_pk
from ..extensions import db

EMAIL, PUSH = "email", "push"
CHANNELS = (EMAIL, PUSH)
REMINDER, PROVIDER_ALERT, INVITE = "reminder", "provider_alert", "invite"
PASSWORD_RESET = "password_reset"
KINDS = (REMINDER, PROVIDER_ALERT, INVITE, PASSWORD_RESET)
PENDING, SENDING, SENT, FAILED, CANCELLED = "pending", "sending", "sent", "failed", "cancelled"
STATUSES = (PENDING, SENDING, SENT, FAILED, CANCELLED)
ERROR_LENGTH = 300  # of a message's last_error


class ReminderSchedule(db.Model):
    """When a patient's next reminder is due, so a pass reads only the patients who are due.

    ``next_reminder_at`` is NULL while reminders are off. ``last_reminded_on`` is
    the patient's local date of the last reminder queued: one per local date.
    ``last_reminded_at`` is when it was queued: after a change of zone, the date
    it falls on where the patient is now (a flight west must not skip a day, nor
    a flight east remind twice in one).
    """

    __tablename__ = "reminder_schedules"
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    next_reminder_at = db.Column(UTCDateTime, index=True)
    last_reminded_on = db.Column(db.Date)
    last_reminded_at = db.Column(UTCDateTime)


class PushSubscription(db.Model):
    """A browser's ``PushSubscription``: where to push and the keys to encrypt for."""

    __tablename__ = "push_subscriptions"
    id = uuid_pk()
    user_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    endpoint = db.Column(db.String(2048), nullable=False, unique=True)
    p256dh = db.Column(db.String(128), nullable=False)
    auth = db.Column(db.String(64), nullable=False)
    expires_at = db.Column(UTCDateTime)  # the browser's expirationTime, when it gave one
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    def as_webpush(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class OutboxMessage(db.Model):
    """One message to one recipient on one channel, delivered at most once.

    ``dedupe_key`` names the message (``reminder:<patient>:<local date>:email``),
    so however many passes compute it, it is stored once. ``payload`` holds only
    what delivery needs to rebuild the text (a date, a count, a subscription id):
    never health data. ``next_attempt_at`` is NULL once the message is settled,
    so the claim query reads live rows only; while a row is ``sending`` it equals
    ``lease_until``, after which another worker may take the row over.
    """

    __tablename__ = "outbox_messages"
    id = uuid_pk()
    dedupe_key = db.Column(db.String(200), nullable=False, unique=True)
    kind = db.Column(db.String(24), nullable=False)
    channel = db.Column(db.String(8), nullable=False)
    user_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    payload = db.Column(db.JSON, nullable=False, default=dict)
    status = db.Column(db.String(12), nullable=False, default=PENDING)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime, index=True)
    lease_until = db.Column(UTCDateTime)
    expires_at = db.Column(UTCDateTime)  # a reminder is pointless once its local day is over
    last_error = db.Column(db.String(ERROR_LENGTH))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    sent_at = db.Column(UTCDateTime)

    __table_args__ = (
        db.CheckConstraint(f"channel IN {CHANNELS!r}", name="channel"),
        db.CheckConstraint(f"kind IN {KINDS!r}", name="kind"),
        db.CheckConstraint(f"status IN {STATUSES!r}", name="status"),
    )
