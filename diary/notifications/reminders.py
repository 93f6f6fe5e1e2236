"""Reminders: each patient's schedule, and the pass that queues the reminders that are due.

Services flush, never commit: the caller (a view, a scheduler job) owns the
transaction. The pass takes ``now`` and reads only the rows that are due, so
its cost follows the patients who are due, not the patients enrolled.

Channel choice, per reminder: Web Push to every live subscription of the
patient when they have any, otherwise email when ``email_reminders`` is on.
Never both: a reminder arrives once. If every subscription turns out to be
dead (404/410), the reminder falls back to email the same day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, or_, select, update

from ..accounts.models import ACTIVE, Patient, User
from ..checkins.models import Entry
from ..extensions import db
from ..idempotency import insert_ignoring_duplicates
from ..localtime import due_reminder_date, end_of_local_day, local_date_of, next_reminder_at, reminder_instant
from .models import EMAIL, PUSH, REMINDER, PushSubscription, ReminderSchedule
from .outbox import enqueue, message_row, reminder_key


def _next_for(
    reminder_time: time, zone: str, enabled: bool, *, now, last_reminded_on=None
) -> datetime | None:
    if not enabled:
        return None
    return next_reminder_at(reminder_time, zone, now, last_reminded_on=last_reminded_on)


def _wants_reminders(row) -> bool:
    """Reminders on, and the patient neither discharged nor gone (their account closed)."""
    return row.reminders_enabled and row.status == ACTIVE


def _reminded_through(last_reminded_on, paused_until):
    """The last day that needs no reminder: the last one sent, or the pause's last day."""
    if paused_until is None:
        return last_reminded_on
    eve = paused_until - timedelta(days=1)
    return eve if last_reminded_on is None or last_reminded_on < eve else last_reminded_on


def reschedule(patient: Patient, *, now, catch_up=True) -> ReminderSchedule:
    """Recomputes the patient's next reminder after a change of time, zone, switch or status.

    A settings change never swallows today's reminder: when today's has not
    been sent and the new settings put it in the past (a time moved earlier, a
    zone further east, a switch turned on in the evening), it is due now, as a
    late scheduler would catch it up. A new schedule (a new patient), or
    ``catch_up=False`` (a readmission), starts with the next one.
    """
    schedule = db.session.get(ReminderSchedule, patient.id)
    new = schedule is None
    if new:
        schedule = ReminderSchedule(patient_id=patient.id)
        db.session.add(schedule)
    zone, last = patient.user.timezone, schedule.last_reminded_on
    if schedule.last_reminded_at is not None:
        # The last reminder's date where the patient is now: a new zone moves it.
        last = schedule.last_reminded_on = local_date_of(schedule.last_reminded_at, zone)
    last = _reminded_through(last, patient.paused_until)
    upcoming = _next_for(
        patient.reminder_time, zone, _wants_reminders(patient), now=now, last_reminded_on=last
    )
    if upcoming is not None and not new and catch_up:
        today = due_reminder_date(patient.reminder_time, zone, now, last_reminded_on=last)
        if today is not None:
            upcoming = reminder_instant(today, patient.reminder_time, zone)
    schedule.next_reminder_at = upcoming
    db.session.flush()
    return schedule


def schedule_missing(*, now, limit=1000) -> int:
    """Schedules patients who have no schedule row (created by a bulk import or an old version)."""
    rows = db.session.execute(
        select(
            Patient.id,
            Patient.reminder_time,
            Patient.reminders_enabled,
            Patient.status,
            Patient.paused_until,
            User.timezone,
        )
        .join(User, User.id == Patient.id)
        .outerjoin(ReminderSchedule, ReminderSchedule.patient_id == Patient.id)
        .where(ReminderSchedule.patient_id.is_(None))
        .limit(limit)
    ).all()
    insert_ignoring_duplicates(
        ReminderSchedule,
        [
            {
                "patient_id": r.id,
                "next_reminder_at": _next_for(
                    r.reminder_time,
                    r.timezone,
                    _wants_reminders(r),
                    now=now,
                    last_reminded_on=_reminded_through(None, r.paused_until),
                ),
            }
            for r in rows
        ],
    )
    return len(rows)


# ----------------------------------------------------------------- reminders


@dataclass
class ReminderPass:
    due: int = 0  # schedule rows read
    reminded: int = 0  # patients who got a reminder queued
    messages: int = 0
    checked_in: int = 0
    no_channel: int = 0
    missed: int = 0  # a day that passed while the scheduler was down: not sent, by design
    lost_race: int = 0

    def add(self, other: ReminderPass) -> ReminderPass:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def summary(self) -> str:
        text = f"{self.messages} message(s) queued for {self.reminded} patient(s)"
        skipped = [
            f"{n} {why}"
            for n, why in (
                (self.checked_in, "checked in"),
                (self.no_channel, "without a channel"),
                (self.missed, "past their day"),
            )
            if n
        ]
        return text + (f"; skipped {', '.join(skipped)}" if skipped else "")


_schedules = ReminderSchedule.__table__
# Built once: the pass runs it per due patient. Matches only the value the pass read.
_CLAIM_SCHEDULE = (
    update(_schedules)
    .where(
        _schedules.c.patient_id == bindparam("p_patient"),
        _schedules.c.next_reminder_at == bindparam("p_read"),
    )
    .values(
        next_reminder_at=bindparam("p_next"),
        last_reminded_on=bindparam("p_last"),
        last_reminded_at=bindparam("p_last_at"),
    )
)


def queue_due_reminders(*, now, limit=500) -> ReminderPass:
    """One batch of the reminder pass: the patients whose next reminder has come.

    Each patient's schedule row is claimed with a conditional update of the
    value this pass read, so two passes running at once remind nobody twice;
    the outbox's dedupe key makes sure of it a second time.
    """
    result = ReminderPass()
    rows = _due_schedules(now=now, limit=limit)
    result.due = len(rows)
    if not rows:
        return result
    days = _due_days(rows, now=now)
    checked_in = _checked_in(days)
    subscriptions = _live_subscriptions(days.keys(), now=now)
    queued = []
    for row in rows:
        day = days.get(row.patient_id)
        outgoing = _outgoing(row, day, checked_in, subscriptions.get(row.patient_id, []), now, result)
        last, last_at = (day, now) if outgoing else (row.last_reminded_on, row.last_reminded_at)
        if not _claim_schedule(row, last, last_at, now=now):
            result.lost_race += 1
            continue
        if outgoing:
            result.reminded += 1
            result.messages += len(outgoing)
            queued.extend(outgoing)
    enqueue(queued)
    return result


def _due_schedules(*, now, limit) -> list:
    return db.session.execute(
        select(
            ReminderSchedule.patient_id,
            ReminderSchedule.next_reminder_at,
            ReminderSchedule.last_reminded_on,
            ReminderSchedule.last_reminded_at,
            Patient.reminder_time,
            Patient.reminders_enabled,
            Patient.email_reminders,
            Patient.status,
            Patient.paused_until,
            User.timezone,
        )
        .join(Patient, Patient.id == ReminderSchedule.patient_id)
        .join(User, User.id == Patient.id)
        .where(ReminderSchedule.next_reminder_at <= now)
        .order_by(ReminderSchedule.next_reminder_at, ReminderSchedule.patient_id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=ReminderSchedule)
    ).all()


def _due_days(rows, *, now) -> dict:
    """The local date each patient is due a reminder for, if any (none when the day has passed)."""
    days = {}
    for row in rows:
        if _wants_reminders(row):
            day = due_reminder_date(
                row.reminder_time,
                row.timezone,
                now,
                last_reminded_on=_reminded_through(row.last_reminded_on, row.paused_until),
            )
            if day is not None:
                days[row.patient_id] = day
    return days


def _outgoing(row, day, checked_in: set, subscription_ids: list, now, result: ReminderPass) -> list[dict]:
    """The messages that remind this patient of ``day``; none, counted in ``result`` by why, if they
    are not to be reminded."""
    if day is None:
        result.missed += bool(_wants_reminders(row))
    elif (row.patient_id, day) in checked_in:
        result.checked_in += 1
    else:
        outgoing = _reminder_rows(row, day, subscription_ids, now=now)
        if outgoing:
            return outgoing
        result.no_channel += 1
    return []


def _claim_schedule(row, last, last_at, *, now) -> bool:
    """Moves the patient's schedule on, if no other pass did since this one read it."""
    upcoming = _next_for(
        row.reminder_time,
        row.timezone,
        _wants_reminders(row),
        now=now,
        last_reminded_on=_reminded_through(last, row.paused_until),
    )
    won = db.session.execute(
        _CLAIM_SCHEDULE,
        {
            "p_patient": row.patient_id,
            "p_read": row.next_reminder_at,
            "p_next": upcoming,
            "p_last": last,
            "p_last_at": last_at,
        },
    ).rowcount
    return won == 1


def _checked_in(days: dict) -> set:
    if not days:
        return set()
    return set(
        db.session.execute(
            select(Entry.patient_id, Entry.local_date).where(
                Entry.patient_id.in_(days.keys()), Entry.local_date.in_(set(days.values()))
            )
        ).all()
    )


def _live_subscriptions(patient_ids, *, now) -> dict:
    found = defaultdict(list)
    if patient_ids:
        for user_id, subscription_id in db.session.execute(
            select(PushSubscription.user_id, PushSubscription.id)
            .where(
                PushSubscription.user_id.in_(list(patient_ids)),
                or_(PushSubscription.expires_at.is_(None), PushSubscription.expires_at > now),
            )
            .order_by(PushSubscription.created_at)
        ).all():
            found[user_id].append(subscription_id)
    return found


def _reminder_rows(row, day: date, subscription_ids: list, *, now) -> list[dict]:
    common = {
        "kind": REMINDER,
        "user_id": row.patient_id,
        "now": now,
        "expires_at": end_of_local_day(day, row.timezone),
    }
    # The zone rides along: the 13th in Tokyo and the 13th in Los Angeles are two days' reminders.
    day_of = {"local_date": day.isoformat(), "zone": row.timezone}
    if subscription_ids:
        return [
            message_row(
                dedupe_key=reminder_key(row.patient_id, day_of, PUSH, subscription_id),
                channel=PUSH,
                payload={**day_of, "subscription_id": str(subscription_id)},
                **common,
            )
            for subscription_id in subscription_ids
        ]
    if row.email_reminders:
        return [
            message_row(
                dedupe_key=reminder_key(row.patient_id, day_of, EMAIL),
                channel=EMAIL,
                payload=day_of,
                **common,
            )
        ]
    return []
