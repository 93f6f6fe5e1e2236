"""Seeding the demo clinic: one provider (its administrator), their care team and its patients.

The demo is seeding, not anyone's action: it writes no audit rows. Rows go in
with bulk inserts (a year of check-ins for a thousand patients is a few hundred
thousand rows), the shared password is hashed once, and each patient is then
evaluated by ``monitoring.evaluation.refresh_patient`` like any other, so flags and the
worklist come from the same code as for real patients.

Like every service this flushes and never commits: the command commits once,
so an interrupted run leaves nothing behind and a second run finds all or none.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select

from .. import gad7
from ..accounts import passwords
from ..accounts import service as accounts
from ..accounts.models import PATIENT, PROVIDER, CareTeam, ClinicSettings, Patient, User
from ..checkins.models import ITEM_COLUMNS, Entry
from ..extensions import db
from ..localtime import local_date_of, start_of_local_day
from ..monitoring.evaluation import refresh_patient
from ..notifications import reminders
from ..treatments.models import Treatment
from . import histories

PROVIDER_EMAIL = "demo.provider@afterglow.test"
PROVIDER_NAME = "Dr. Robin Vale"
TEAM_NAME = "Afterglow demo clinic"
#: Every demo account's password: printed, so anyone trying the demo can log in. It
#: shares no word with the demo emails and names, which the password rules refuse.
PASSWORD = "quiet-harbour-2026"
#: The patient whose login is printed: a long history, relief, a session booked.
FEATURED_ARCHETYPE = "maintenance_booked"

DEFAULT_PATIENTS, DEFAULT_DAYS = 12, 180
PATIENTS_PER_BATCH = 100
ROWS_PER_INSERT = 5000


def patient_email(number: int) -> str:
    return f"demo.patient{number:02d}@afterglow.test"


def featured_number(count: int) -> int | None:
    """The number of the demo patient whose login is shown, among ``count`` patients."""
    for number in range(1, count + 1):
        if histories.archetype_for(number).name == FEATURED_ARCHETYPE:
            return number
    return 1 if count else None


@dataclass
class DemoClinic:
    provider: User
    created: bool  # False: it was already there, and nothing was added
    patients: int
    featured: User | None  # a demo patient to log in as

    @property
    def password_changed(self) -> bool:
        """Someone changed the demo provider's password since it was seeded (one slow check)."""
        return not passwords.verify_password(self.provider.password_hash, PASSWORD)

    @property
    def featured_archetype(self) -> histories.Archetype | None:
        if self.featured is None:
            return None
        number = int(self.featured.email.split("@")[0].removeprefix("demo.patient"))
        return histories.archetype_for(number)


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def find_provider() -> User | None:
    return accounts.find_user_by_email(PROVIDER_EMAIL)


def _team_id(provider: User):
    if not provider.care_teams:  # taken off their team by hand: give them the demo team back
        provider.care_teams.append(CareTeam(name=TEAM_NAME))
        db.session.flush()
    return provider.care_teams[0].id


def _patient_ids(team_id) -> list:
    return db.session.scalars(select(Patient.id).where(Patient.care_team_id == team_id)).all()


def clinic(provider: User, *, created: bool) -> DemoClinic:
    count = len(_patient_ids(_team_id(provider)))
    number = featured_number(count)
    featured = accounts.find_user_by_email(patient_email(number)) if number else None
    return DemoClinic(provider, created, count, featured)


def remove_patients(provider: User) -> int:
    """Deletes the demo care team's patients and, by the database's cascades, all their data."""
    ids = _patient_ids(_team_id(provider))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        db.session.execute(
            delete(User).where(User.id.in_(chunk)), execution_options={"synchronize_session": False}
        )
    db.session.expire_all()
    return len(ids)


def seed(
    *, patients=DEFAULT_PATIENTS, days=DEFAULT_DAYS, seed=0, reset=False, now, progress=None
) -> DemoClinic:
    """The demo clinic: created when missing, else left as it is (or, with ``reset``,
    its patients replaced). ``progress(n)`` is called as patients are added."""
    provider = find_provider()
    if provider is not None and not reset:
        return clinic(provider, created=False)
    if provider is None:
        # The demo clinic's administrator; the clinic keeps MFA optional, so `make run` stays one step.
        provider = accounts.create_provider(PROVIDER_EMAIL, PROVIDER_NAME, PASSWORD, admin=True)
        provider.care_teams[0].name = TEAM_NAME
        db.session.get(ClinicSettings, 1).mfa_required = False
        db.session.flush()
        password_hash = provider.password_hash  # argon2 is slow on purpose: one hash for everyone
    else:
        remove_patients(provider)
        password_hash = passwords.hash_password(PASSWORD)
    team_id, provider_id = _team_id(provider), provider.id

    batch = _Batch(team_id, provider_id, password_hash, now)
    generated = histories.clinic(patients, days=days, seed=seed)
    while chunk := list(islice(generated, PATIENTS_PER_BATCH)):
        ids = batch.insert(chunk)
        for patient in db.session.scalars(select(Patient).where(Patient.id.in_(ids))).unique():
            refresh_patient(patient, now=now)
            if progress:
                progress(1)
        db.session.flush()
        db.session.expunge_all()  # the identity map would hold every patient and flag
    while reminders.schedule_missing(now=now, limit=1000) == 1000:
        pass
    db.session.flush()
    provider = db.session.get(User, provider_id)
    return clinic(provider, created=True)


class _Batch:
    """Turns demo histories into rows and inserts them in bulk."""

    def __init__(self, team_id, provider_id, password_hash, now):
        self.team_id, self.provider_id, self.password_hash, self.now = (
            team_id,
            provider_id,
            password_hash,
            now,
        )

    def insert(self, demo_patients) -> list:
        """Inserts the patients' accounts, check-ins and sessions; returns their ids."""
        users, patients, entries, treatments = [], [], [], []
        for demo in demo_patients:
            patient_id = uuid.uuid4()
            zone = ZoneInfo(demo.timezone)
            clock = _Clock(local_date_of(self.now, zone), zone, self.now)
            users.append(self._user(demo, patient_id, clock.at(demo.enrolled_day, 9 * 60)))
            patients.append(self._patient(demo, patient_id))
            entries.extend(_entries(demo, patient_id, clock))
            treatments.extend(self._treatments(demo, patient_id, clock))
        # Table inserts, not ORM bulk inserts: those group rows by which values
        # are None, and a diary's optional fields would split them into many.
        for model, rows in ((User, users), (Patient, patients), (Entry, entries), (Treatment, treatments)):
            for start in range(0, len(rows), ROWS_PER_INSERT):
                db.session.execute(insert(model.__table__), rows[start : start + ROWS_PER_INSERT])
        return [row["id"] for row in users]

    def _user(self, demo, patient_id, enrolled) -> dict:
        return {
            "id": patient_id,
            "email": patient_email(demo.number),
            "name": demo.name,
            "role": PATIENT,
            "password_hash": self.password_hash,
            "timezone": demo.timezone,
            "language": demo.language,
            "mfa_enabled": False,
            "mfa_required": False,
            "password_changed_at": enrolled,
            "created_at": enrolled,
            "updated_at": enrolled,
        }

    def _patient(self, demo, patient_id) -> dict:
        return {
            "id": patient_id,
            "care_team_id": self.team_id,
            "reminders_enabled": True,
            "email_reminders": True,
            "reminder_time": time(demo.reminder_minute // 60, demo.reminder_minute % 60),
            "intake_baseline": demo.intake_baseline,
        }

    def _treatments(self, demo, patient_id, clock) -> list[dict]:
        rows = []
        for session in demo.sessions:
            starts_at = clock.at(session.day, session.minute)
            recorded = (
                min(starts_at + timedelta(hours=3), self.now)
                if session.status == histories.COMPLETED
                else self.now
            )
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "patient_id": patient_id,
                    "status": session.status,
                    "starts_at": starts_at,
                    "local_date": clock.date(session.day),
                    "route": session.route,
                    "dose_mg": session.dose_mg,
                    "notes": session.notes,
                    "side_effects": list(session.side_effects),
                    "recorded_by_id": self.provider_id,
                    "recorded_by_role": PROVIDER,
                    "created_at": recorded,
                    "updated_at": recorded,
                }
            )
        return rows


def _entries(demo, patient_id, clock) -> list[dict]:
    """The patient's check-in rows, each on the instrument due that day: the standard
    GAD-7 where it is due, as for a real patient."""
    rows, standard_days = [], []
    for entry in demo.entries:
        recorded_at = clock.at(entry.day, entry.minute)
        local_date = clock.date(entry.day)
        instrument = gad7.due_instrument(local_date, standard_days[-1:])
        if instrument == gad7.STANDARD:
            standard_days.append(local_date)
        rows.append(
            {
                "id": uuid.uuid4(),
                "patient_id": patient_id,
                "recorded_at": recorded_at,
                "instrument": instrument,
                "language": demo.language,
                "local_date": local_date,
                **dict(zip(ITEM_COLUMNS, entry.answers, strict=True)),
                "total": entry.total,
                "difficulty": entry.difficulty,
                "note": entry.note,
                "side_effects": list(entry.side_effects),
                "created_at": recorded_at,
                "updated_at": recorded_at,
            }
        )
    return rows


class _Clock:
    """Day offsets and local minutes of one patient, as dates and UTC instants."""

    def __init__(self, today, zone, now):
        self.today, self.zone, self.now = today, zone, now
        self.midnight = start_of_local_day(today, zone)

    def date(self, day):
        return self.today + timedelta(days=day)

    def at(self, day, minute):
        local = datetime.combine(self.date(day), time(minute // 60, minute % 60), tzinfo=self.zone)
        instant = local.astimezone(UTC)
        if instant > self.now and day <= 0:
            # Today's check-in, planned for later than it is now: earlier today instead.
            instant = self.midnight + (self.now - self.midnight) * 3 / 4
        return instant
