"""The outbox: every message is a row, claimed with a lease, sent, and settled once.

A message moves ``pending`` → ``sending`` (claimed: ``attempts`` + 1, a lease)
→ ``sent`` | ``pending`` again (a transient failure, with backoff) | ``failed``
(permanent, or out of attempts) | ``cancelled`` (no longer wanted: the day is
over, the patient checked in, the subscription is gone).

Claims are safe on both databases. PostgreSQL skips rows another worker has
locked (``FOR UPDATE SKIP LOCKED``); on SQLite, which ignores that clause,
every claim is a conditional update that matches only the state the worker
read, so of two workers reading the same row exactly one wins it. A worker that
dies holding a claim loses nothing: once ``lease_until`` passes, the row is
claimable again. Settling a row is conditional on the claim (``status`` and
``attempts``), so a worker whose lease was taken over cannot overwrite the
newer claim's outcome.

These functions flush, but for ``deliver_due``, the delivery pass: it commits
each claim before it sends and each outcome after, and so never holds a
transaction open across the network.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, select, update

from ..accounts.models import Invite, PasswordReset, Patient, User
from ..checkins.models import Entry
from ..db_types import utcnow
from ..extensions import db
from ..idempotency import insert_ignoring_duplicates
from . import delivery
from .models import (
    CANCELLED,
    EMAIL,
    ERROR_LENGTH,
    FAILED,
    INVITE,
    PASSWORD_RESET,
    PENDING,
    PUSH,
    REMINDER,
    SENDING,
    SENT,
    OutboxMessage,
    PushSubscription,
)

log = logging.getLogger("diary.outbox")

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
RETRY_AFTER_CAP = timedelta(hours=6)
RETENTION = timedelta(days=30)  # settled messages are kept this long, for their last_error


def message_row(*, dedupe_key, kind, channel, user_id, payload, now, expires_at=None) -> dict:
    return {
        "dedupe_key": dedupe_key,
        "kind": kind,
        "channel": channel,
        "user_id": user_id,
        "payload": payload,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "expires_at": expires_at,
        "created_at": now,
    }


def enqueue(rows: list[dict]) -> None:
    """Queues messages; one whose dedupe key is already stored is left as it is."""
    insert_ignoring_duplicates(OutboxMessage, rows)


# ------------------------------------------------------------------ claiming


@dataclass
class Claim:
    """A message this worker holds, with what sending it needs (read before the network)."""

    id: object
    attempts: int
    kind: str
    channel: str
    user_id: object
    payload: dict
    expires_at: datetime | None
    dedupe_key: str = ""
    email: str | None = None
    subscription: dict | None = None
    subscription_id: object = None
    checked_in: bool = False  # reminders: the patient has checked in on that local date
    reminders_on: bool = True
    email_reminders_on: bool = True  # reminders: the patient still wants them by email
    invite: dict | None = None  # invitations: the invite's code, name, email and expiry, while it is pending
    language: str | None = None  # the recipient's (an invitation's: the invite's), for the words
    timezone: str = "UTC"  # the recipient's (an invitation's: the inviting provider's), for times
    reset_usable: bool = False  # password resets: the token is neither used, voided nor expired


@dataclass
class ClaimBatch:
    claims: list[Claim] = field(default_factory=list)
    cancelled: int = 0
    failed: int = 0


_outbox = OutboxMessage.__table__
# Built once, run per row: each matches only the state this worker read (or claimed).
_CLAIM = (
    update(_outbox)
    .where(
        _outbox.c.id == bindparam("p_id"),
        _outbox.c.status == bindparam("p_status"),
        _outbox.c.attempts == bindparam("p_attempts"),
        _outbox.c.next_attempt_at == bindparam("p_read"),
    )
    .values(
        status=SENDING,
        attempts=_outbox.c.attempts + 1,
        lease_until=bindparam("p_lease"),
        next_attempt_at=bindparam("p_lease"),
    )
)


def claim_due(now: datetime, *, due_by: datetime | None = None, limit: int = 20) -> ClaimBatch:
    """Claims up to ``limit`` messages due by ``due_by`` (default ``now``); settles the obsolete ones instead.

    ``now`` is the clock of the lease and of expiry: a ``scheduler tick --at`` a past
    instant picks what was due then, but leases its rows as of now, so a scheduler
    running beside it does not take them over while they are being sent.
    """
    rows = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.next_attempt_at,
            OutboxMessage.kind,
            OutboxMessage.channel,
            OutboxMessage.user_id,
            OutboxMessage.payload,
            OutboxMessage.expires_at,
            OutboxMessage.dedupe_key,
        )
        .where(OutboxMessage.next_attempt_at <= (due_by or now), OutboxMessage.status.in_((PENDING, SENDING)))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    batch = ClaimBatch()
    for row in rows:
        won = db.session.execute(
            _CLAIM,
            {
                "p_id": row.id,
                "p_status": row.status,
                "p_attempts": row.attempts,
                "p_read": row.next_attempt_at,
                "p_lease": now + LEASE,
            },
        ).rowcount
        if won != 1:
            continue
        claim = Claim(
            row.id,
            row.attempts + 1,
            row.kind,
            row.channel,
            row.user_id,
            dict(row.payload or {}),
            row.expires_at,
            row.dedupe_key,
        )
        if row.status == SENDING and row.attempts >= MAX_ATTEMPTS:
            # A worker died holding it this many times: it will not get through.
            settle(claim, FAILED, now=now, error="abandoned by a worker too often")
            batch.failed += 1
            continue
        batch.claims.append(claim)
    _load_recipients(batch.claims, now=now)
    kept = []
    for claim in batch.claims:
        reason = _obsolete(claim, now)
        if reason:
            settle(claim, CANCELLED, now=now, error=reason)
            batch.cancelled += 1
        else:
            kept.append(claim)
    batch.claims = kept
    return batch


def _load_recipients(claims: list[Claim], *, now) -> None:
    if not claims:
        return
    users = {
        user.id: user
        for user in db.session.execute(
            select(User.id, User.email, User.language, User.timezone).where(
                User.id.in_({c.user_id for c in claims})
            )
        )
    }
    subscriptions = _subscriptions_of(claims)
    checked_in, enabled, by_email = _reminder_states(claims)
    invites = _pending_invites(claims, now=now)
    usable_resets = _usable_resets(claims, now=now)
    for claim in claims:
        user = users.get(claim.user_id)
        if user is not None:
            claim.email, claim.language, claim.timezone = user.email, user.language, user.timezone
        claim.reset_usable = claim.payload.get("reset") in usable_resets
        if claim.kind == INVITE:  # addressed to the inviting provider; written to the invitee
            claim.invite = invites.get(claim.payload.get("invite"))
            claim.email = claim.invite["email"] if claim.invite is not None else None
            claim.language = claim.invite["language"] if claim.invite is not None else None
        subscription = subscriptions.get(_uuid(claim.payload.get("subscription_id")))
        if subscription is not None and subscription.user_id == claim.user_id:
            claim.subscription, claim.subscription_id = subscription.as_webpush(), subscription.id
        if claim.kind == REMINDER:
            claim.checked_in = (claim.user_id, claim.payload.get("local_date")) in checked_in
            claim.reminders_on = claim.user_id in enabled
            claim.email_reminders_on = claim.user_id in by_email


def _subscriptions_of(claims: list[Claim]) -> dict:
    """The push subscriptions the claims name, by id (those that still exist)."""
    ids = {_uuid(c.payload.get("subscription_id")) for c in claims if c.channel == PUSH} - {None}
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(select(PushSubscription).where(PushSubscription.id.in_(ids)))}


def _reminder_states(claims: list[Claim]) -> tuple[set, set, set]:
    """For the reminders among the claims: ``(patient, local date)`` pairs checked in, and the
    patients with reminders on, and with them on by email."""
    reminded = {(c.user_id, c.payload.get("local_date")) for c in claims if c.kind == REMINDER}
    checked_in, enabled, by_email = set(), set(), set()
    if not reminded:
        return checked_in, enabled, by_email
    patient_ids = {pid for pid, _ in reminded}
    days = {date.fromisoformat(day) for _, day in reminded if day}
    checked_in = {
        (pid, day.isoformat())
        for pid, day in db.session.execute(
            select(Entry.patient_id, Entry.local_date).where(
                Entry.patient_id.in_(patient_ids), Entry.local_date.in_(days)
            )
        ).all()
    }
    for pid, email_on in db.session.execute(
        select(Patient.id, Patient.email_reminders).where(
            Patient.id.in_(patient_ids), Patient.reminders_enabled.is_(True)
        )
    ):
        enabled.add(pid)
        if email_on:
            by_email.add(pid)
    return checked_in, enabled, by_email


def _pending_invites(claims: list[Claim], *, now) -> dict:
    """The invites the claims name that are still pending: their code, name, email, expiry and
    language, by code."""
    codes = {c.payload.get("invite") for c in claims if c.kind == INVITE} - {None}
    if not codes:
        return {}
    return {
        i.code: {
            "code": i.code,
            "name": i.name,
            "email": i.email,
            "expires_at": i.expires_at,
            "language": i.language,
        }
        for i in db.session.scalars(select(Invite).where(Invite.code.in_(codes)))
        if i.pending(now)
    }


def _usable_resets(claims: list[Claim], *, now) -> set[str]:
    """The password resets the claims name that can still be used (not used, voided or expired), by id."""
    ids = {_uuid(c.payload.get("reset")) for c in claims if c.kind == PASSWORD_RESET} - {None}
    if not ids:
        return set()
    return {
        str(reset.id)
        for reset in db.session.scalars(select(PasswordReset).where(PasswordReset.id.in_(ids)))
        if reset.usable(now)
    }


def _obsolete(claim: Claim, now) -> str | None:
    if claim.expires_at is not None and claim.expires_at <= now:
        return "expired before it could be delivered"
    if claim.kind == INVITE and claim.invite is None:
        return "invite used, revoked or expired"
    if claim.kind == PASSWORD_RESET and not claim.reset_usable:
        return "password reset used, voided or expired"
    if claim.email is None:
        return "recipient no longer exists"
    if claim.channel == PUSH and claim.subscription is None:
        return "push subscription removed"
    if claim.kind == REMINDER:
        if claim.checked_in:
            return "patient checked in"
        if not claim.reminders_on:
            return "reminders turned off"
        if claim.channel == EMAIL and not claim.email_reminders_on:
            return "email reminders turned off"
    return None


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


# ------------------------------------------------------------------ settling


def backoff(attempts: int, message_id, retry_after: float | None = None) -> timedelta:
    """Exponential from a minute, capped at an hour, with a little jitter per message."""
    delay = min(BACKOFF_BASE * (2 ** max(0, attempts - 1)), BACKOFF_CAP)
    delay += delay * ((getattr(message_id, "int", 0) % 100) / 1000)  # up to +10 %, stable per message
    if retry_after:
        delay = max(delay, min(timedelta(seconds=retry_after), RETRY_AFTER_CAP))
    return delay


def settle(
    claim: Claim, status: str, *, now, error: str | None = None, retry_at: datetime | None = None
) -> bool:
    """Records the outcome of a claim; False when the claim was lost to another worker."""
    values = {
        "status": status,
        "lease_until": None,
        "next_attempt_at": retry_at if status == PENDING else None,
    }
    if status == SENT:
        values["sent_at"] = now  # the last error, if any, stays: it tells why it came late
    else:
        values["last_error"] = error[:ERROR_LENGTH] if error else None
    won = db.session.execute(
        update(_outbox)
        .where(_outbox.c.id == claim.id, _outbox.c.status == SENDING, _outbox.c.attempts == claim.attempts)
        .values(**values)
    ).rowcount
    if won != 1:
        log.warning("outbox claim lost before it was settled", extra={"message_id": str(claim.id)})
    return won == 1


def renew(claim: Claim, *, now) -> bool:
    """Just before sending: is the claim still this worker's? Renews its lease if so.

    A batch is claimed at once and sent one message after another. Should the
    batch outlast the lease (a slow mail server), another worker may have taken
    over a message not yet started: its claim counted another attempt, and this
    worker must not send it too.
    """
    lease = now + LEASE
    won = db.session.execute(
        update(_outbox)
        .where(_outbox.c.id == claim.id, _outbox.c.status == SENDING, _outbox.c.attempts == claim.attempts)
        .values(lease_until=lease, next_attempt_at=lease)
    ).rowcount
    return won == 1


def release(claim: Claim, *, now) -> bool:
    """Gives back a claim that was never sent (a clean shutdown): due again at once, the
    attempt not counted, so the next worker need not wait for the lease to run out."""
    won = db.session.execute(
        update(_outbox)
        .where(_outbox.c.id == claim.id, _outbox.c.status == SENDING, _outbox.c.attempts == claim.attempts)
        .values(status=PENDING, attempts=claim.attempts - 1, lease_until=None, next_attempt_at=now)
    ).rowcount
    return won == 1


def record(claim: Claim, outcome: delivery.Outcome, *, now) -> str:
    """Settles a claim after ``send``; returns the status it ended in."""
    if outcome.status == SENT:
        if settle(claim, SENT, now=now) and claim.channel == EMAIL and claim.kind == REMINDER:
            _email_reminders_work(claim.user_id)
        return SENT
    if outcome.status == PENDING:
        if claim.attempts >= MAX_ATTEMPTS and not outcome.configuration:
            settle(claim, FAILED, now=now, error=outcome.error)
            return FAILED
        # A configuration error is the operator's to fix; retry at the capped pace until they do.
        attempts = MAX_ATTEMPTS if outcome.configuration else claim.attempts
        settle(
            claim,
            PENDING,
            now=now,
            error=outcome.error,
            retry_at=now + backoff(attempts, claim.id, outcome.retry_after),
        )
        return PENDING
    if (
        settle(claim, FAILED, now=now, error=outcome.error)
        and claim.channel == EMAIL
        and claim.kind == REMINDER
    ):
        _email_reminders_refused(claim.user_id, now=now)
    if outcome.subscription_gone and claim.subscription_id is not None:
        _forget_subscription(claim, now=now)
    return FAILED


def _email_reminders_refused(patient_id, *, now) -> None:
    """The mail server refused a reminder for good (5xx): the patient's settings and the care team say so."""
    db.session.execute(
        update(Patient)
        .where(Patient.id == patient_id, Patient.email_reminders_failed_at.is_(None))
        .values(email_reminders_failed_at=now)
        .execution_options(synchronize_session=False)
    )


def _email_reminders_work(patient_id) -> None:
    db.session.execute(
        update(Patient)
        .where(Patient.id == patient_id, Patient.email_reminders_failed_at.is_not(None))
        .values(email_reminders_failed_at=None)
        .execution_options(synchronize_session=False)
    )


def _forget_subscription(claim: Claim, *, now) -> None:
    """The push service says the subscription is dead: delete it and, for a reminder, fall back to email."""
    db.session.execute(
        delete(PushSubscription)
        .where(PushSubscription.id == claim.subscription_id)
        .execution_options(synchronize_session=False)
    )
    if claim.kind != REMINDER:
        return
    remaining = db.session.scalar(
        select(PushSubscription.id).where(PushSubscription.user_id == claim.user_id).limit(1)
    )
    patient = db.session.get(Patient, claim.user_id)
    day_of = {key: claim.payload[key] for key in ("local_date", "zone") if claim.payload.get(key)}
    if remaining is None and patient is not None and patient.email_reminders and "local_date" in day_of:
        enqueue(
            [
                message_row(
                    dedupe_key=reminder_key(claim.user_id, day_of, EMAIL),
                    kind=REMINDER,
                    channel=EMAIL,
                    user_id=claim.user_id,
                    payload=day_of,
                    now=now,
                    expires_at=claim.expires_at,
                )
            ]
        )


# ------------------------------------------------------------------ delivery


@dataclass
class DeliveryPass:
    sent: int = 0
    pending: int = 0  # to retry
    failed: int = 0
    cancelled: int = 0
    released: int = 0  # given back unsent at a shutdown
    taken: int = 0  # taken over by another worker, which sends them

    def summary(self) -> str:
        text = f"{self.sent} sent, {self.pending} to retry, {self.failed} failed, {self.cancelled} cancelled"
        text += f", {self.released} released at shutdown" if self.released else ""
        return text + (f", {self.taken} taken over by another worker" if self.taken else "")


def deliver_due(
    now: datetime,
    settings: delivery.DeliverySettings,
    *,
    stop: threading.Event,
    batch_size: int = 20,
    max_batches: int = 1000,
) -> DeliveryPass:
    """Sends what the outbox holds, committing the claim before and the outcome after each send.

    ``now`` decides what is due (a tick ``--at`` simulates an instant). Leases and
    retry times run on the later of that instant and the real clock: a tick ``--at``
    a past instant must not hand out leases that have already expired, which a live
    scheduler would take over and send a second time. Once ``stop`` is set, the
    message in hand is finished and the rest released.
    """
    result = DeliveryPass()
    started = time.monotonic()
    for _ in range(max_batches):
        if stop.is_set():
            break
        due_by = now + timedelta(seconds=time.monotonic() - started)
        batch_now = max(due_by, utcnow())
        batch = claim_due(batch_now, due_by=due_by, limit=batch_size)
        db.session.commit()
        result.cancelled += batch.cancelled
        result.failed += batch.failed
        _deliver(batch.claims, settings, now=batch_now, stop=stop, result=result)
        if not (batch.claims or batch.cancelled or batch.failed):
            break  # nothing left; a fallback queued by this pass was picked up by the loop
    return result


def _deliver(claims: list[Claim], settings, *, now, stop: threading.Event, result: DeliveryPass) -> None:
    for index, claim in enumerate(claims):
        if stop.is_set():  # a clean shutdown: what is not sent yet goes back for the next scheduler
            result.released += sum(release(unsent, now=utcnow()) for unsent in claims[index:])
            db.session.commit()
            return
        if not renew(claim, now=max(now, utcnow())):
            db.session.commit()
            result.taken += 1  # another worker took it over: it sends it, not this one
            continue
        db.session.commit()  # the renewed lease, before the network
        outcome = delivery.send(claim, settings, now=now)
        status = record(claim, outcome, now=now)
        db.session.commit()
        setattr(result, status, getattr(result, status) + 1)
        if outcome.configuration:
            delivery.log.warning("a notification channel is misconfigured: %s", outcome.error)


def purge_settled(*, before, limit=1000) -> int:
    """Deletes up to ``limit`` settled messages created before ``before``; live ones stay.

    Safe for dedupe: every key names a date or a set of already-alerted flags,
    so nothing computes an old key again.
    """
    ids = (
        select(OutboxMessage.id)
        .where(OutboxMessage.created_at < before, OutboxMessage.status.in_((SENT, FAILED, CANCELLED)))
        .limit(limit)
    )
    return db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.id.in_(ids.scalar_subquery()))
        .execution_options(synchronize_session=False)
    ).rowcount


def reminder_key(patient_id, day: dict, channel, subscription_id=None) -> str:
    """One reminder per local date and zone (``day``: a reminder's payload, ``local_date``
    and ``zone``); a message queued before the zone rode along has none in its key."""
    local = f"{day['local_date']}@{day['zone']}" if day.get("zone") else day["local_date"]
    key = f"reminder:{patient_id}:{local}:{channel}"
    return f"{key}:{subscription_id}" if subscription_id else key
