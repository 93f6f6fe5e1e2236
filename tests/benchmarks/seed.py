"""Bulk seeding for benchmarks: many patients with daily entries, in few statements."""

import random
import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert

from diary.accounts import passwords
from diary.accounts.models import CareTeam, Patient, User, care_team_members
from diary.checkins.models import Entry
from diary.extensions import analyze, db
from diary.treatments.models import Treatment
from tests.conftest import PASSWORD

from .loadtest import patient_user_row, session_row


def seed_patients(count, *, days, with_logins=False, seed=7, team_name="Bench team", session_every=None):
    """``count`` patients on one care team (with a provider), each with ``days`` daily entries
    dated across the past ``days`` days.

    With ``session_every``, each patient also has a completed session every that many
    days from a week or two after their first entry, and their scores follow relief:
    about 15 before the first session, about 5 after each, rising from the tenth day.
    Without it the answers are uniform noise. Returns ``[(patient_id, email)]``; the
    password of everyone is ``PASSWORD``.
    """
    rng = random.Random(seed)
    password_hash = passwords.hash_password(PASSWORD)
    now = datetime.now(UTC)
    team = CareTeam(name=team_name)
    db.session.add(team)
    provider = User(
        email=f"provider-{uuid.uuid4().hex[:8]}@bench.test",
        name="Bench Provider",
        role="provider",
        password_hash=password_hash,
    )
    db.session.add(provider)
    db.session.flush()
    db.session.execute(insert(care_team_members), [{"care_team_id": team.id, "provider_id": provider.id}])

    users, patients, entries, sessions, result = [], [], [], [], []
    for number in range(count):
        patient_id = uuid.uuid4()
        email = f"patient-{number}-{patient_id.hex[:6]}@bench.test"
        users.append(patient_user_row(patient_id, email, f"Patient {number:06d}", password_hash, now))
        patients.append(
            {
                "id": patient_id,
                "care_team_id": team.id,
                "reminder_time": time(20, 0),
                "reminders_enabled": True,
                "email_reminders": True,
            }
        )
        session_days = set()
        if session_every:
            first = days - rng.randint(7, 14)  # a week or two of diary before the first session
            session_days = set(range(first, 0, -session_every))
            for back in session_days:
                starts = now - timedelta(days=back, hours=3)
                sessions.append(session_row(patient_id, starts, now, route="intranasal"))
        since_session = None
        for day in range(days - 1, -1, -1):  # oldest first
            if day in session_days:
                since_session = 0
            elif since_session is not None:
                since_session += 1
            recorded = now - timedelta(days=day, hours=1)
            if session_every:
                level = 15 if since_session is None else 5 + max(since_session - 10, 0) * 0.8
                total = max(0, min(21, round(level + rng.gauss(0, 1.5))))
                answers = [total // 7 + (1 if i < total % 7 else 0) for i in range(7)]
            else:
                answers = [rng.randint(0, 3) for _ in range(7)]
            entries.append(
                {
                    "id": uuid.uuid4(),
                    "patient_id": patient_id,
                    "recorded_at": recorded,
                    "local_date": recorded.date(),
                    **{f"item_{i + 1}": a for i, a in enumerate(answers)},
                    "total": sum(answers),
                    "side_effects": [],
                    "created_at": now,
                    "updated_at": now,
                }
            )
        result.append((patient_id, email))
        if len(entries) >= 20000 or len(users) >= 5000:  # bounded memory, also with days=0
            _flush(users, patients, entries, sessions)
    _flush(users, patients, entries, sessions)
    db.session.commit()
    analyze()
    return result if with_logins else [pid for pid, _ in result]


def _flush(users, patients, entries, sessions):
    # Core inserts on the tables: one executemany each (the ORM's bulk path runs a statement per row here).
    if users:
        db.session.execute(insert(User.__table__), users)
        db.session.execute(insert(Patient.__table__), patients)
    for table, rows in ((Entry.__table__, entries), (Treatment.__table__, sessions)):
        if rows:
            db.session.execute(insert(table), rows)
    for rows in (users, patients, entries, sessions):
        rows.clear()
