"""Bulk seeding for benchmarks: many patients with daily entries, in few statements."""

import random
import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert

from diary.accounts import passwords
from diary.accounts.models import CareTeam, Patient, User, care_team_members
from diary.checkins.models import Entry
from diary.extensions import analyze, db
from tests.conftest import PASSWORD


def seed_patients(count, *, days, with_logins=False, seed=7, team_name="Bench team"):
    """``count`` patients on one care team (with a provider), each with ``days`` daily entries.

    Returns ``[(patient_id, email)]``; the password of everyone is ``PASSWORD``.
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

    users, patients, entries, result = [], [], [], []
    for number in range(count):
        patient_id = uuid.uuid4()
        email = f"patient-{number}-{patient_id.hex[:6]}@bench.test"
        users.append(
            {
                "id": patient_id,
                "email": email,
                "name": f"Patient {number:06d}",
                "role": "patient",
                "password_hash": password_hash,
                "timezone": "UTC",
                "created_at": now,
                "updated_at": now,
                "password_changed_at": now,
                "mfa_enabled": False,
                "mfa_required": False,
            }
        )
        patients.append(
            {
                "id": patient_id,
                "care_team_id": team.id,
                "reminder_time": time(20, 0),
                "reminders_enabled": True,
                "email_reminders": True,
            }
        )
        for day in range(days):
            recorded = now - timedelta(days=day, hours=1)
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
            _flush(users, patients, entries)
    _flush(users, patients, entries)
    db.session.commit()
    analyze()
    return result if with_logins else [pid for pid, _ in result]


def _flush(users, patients, entries):
    # Core inserts on the tables: one executemany each (the ORM's bulk path runs a statement per row here).
    if users:
        db.session.execute(insert(User.__table__), users)
        db.session.execute(insert(Patient.__table__), patients)
    if entries:
        db.session.execute(insert(Entry.__table__), entries)
    users.clear()
    patients.clear()
    entries.clear()
