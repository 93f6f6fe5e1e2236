"""A patient's diary written straight into the database, dated as a test needs,
and re-evaluated as of any instant: ``refresh_patient(..., now=...)`` takes time
as a parameter, so no clock is patched.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from diary.accounts.models import Patient
from diary.checkins.models import Entry
from diary.extensions import db
from diary.monitoring import evaluation as monitoring
from diary.monitoring.models import Flag, PatientSummary
from diary.treatments.models import Treatment

# the v1 worked example (docs/relief.md): 7 baseline days, a session on day 0, days 1..20.
WORKED_BASELINE = [16, 15, 17, 16, 16, 15, 17]
WORKED_AFTER = [9, 6, 5, 5, 4, 5, 5, 6, 5, 5, 6, 7, 8, 9, 10, 11, 12, 12, 13, 14]


def answers_for(total):
    """Seven GAD-7 answers (0..3) adding up to ``total``."""
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    return (answers + [0] * 7)[:7]


class Diary:
    """One patient's entries, sessions and flags, in their own time zone."""

    def __init__(self, app, client):
        self.app = app
        self.client = client
        self.id = uuid.UUID(client.user["id"])
        self.zone = ZoneInfo(client.user["timezone"])

    def at(self, day, hour=12):
        """The UTC instant of ``hour`` o'clock local time on ``day``."""
        return datetime.combine(day, time(hour), tzinfo=self.zone).astimezone(UTC)

    def today(self):
        return datetime.now(self.zone).date()

    def patient(self):
        return db.session.get(Patient, self.id)

    def score(self, day, total, hour=12, instrument="daily"):
        with self.app.app_context():
            entry = Entry(
                patient_id=self.id,
                recorded_at=self.at(day, hour),
                local_date=day,
                instrument=instrument,
                answers=answers_for(total),
                side_effects=[],
            )
            db.session.add(entry)
            db.session.commit()
            return entry.id

    def scores(self, first_day, totals):
        for offset, total in enumerate(totals):
            if total is not None:
                self.score(first_day + timedelta(days=offset), total)

    def session(self, day, status="completed", hour=10, by="provider"):
        with self.app.app_context():
            treatment = Treatment(
                patient_id=self.id,
                status=status,
                starts_at=self.at(day, hour),
                local_date=day,
                route="iv",
                recorded_by_role=by,
                side_effects=[],
            )
            db.session.add(treatment)
            db.session.commit()
            return treatment.id

    def worked_example(self, day0):
        self.scores(day0 - timedelta(days=7), WORKED_BASELINE)
        self.session(day0)
        self.scores(day0 + timedelta(days=1), WORKED_AFTER)

    def refresh(self, day, hour=12):
        """Re-evaluates as of ``hour`` o'clock on local ``day``; returns the summary as a dict."""
        with self.app.app_context():
            summary = monitoring.refresh_patient(self.patient(), now=self.at(day, hour))
            db.session.commit()
            return summary_dict(summary)

    def flags(self):
        """``[(kind, status, raised_on, resolution)]`` in the order raised."""
        with self.app.app_context():
            return [
                (flag.kind, flag.status, flag.raised_on, flag.resolution)
                for flag in db.session.scalars(
                    select(Flag).where(Flag.patient_id == self.id).order_by(Flag.raised_on, Flag.kind)
                )
            ]

    def flag_rows(self):
        with self.app.app_context():
            flags = db.session.scalars(
                select(Flag).where(Flag.patient_id == self.id).order_by(Flag.raised_on, Flag.kind)
            ).all()
            db.session.expunge_all()
            return flags

    def summary(self):
        with self.app.app_context():
            return summary_dict(db.session.get(PatientSummary, self.id))


def summary_dict(summary):
    return {column.name: getattr(summary, column.name) for column in PatientSummary.__table__.columns}


def flag_set(flags):
    return {(kind, status) for kind, status, _day, _why in flags}


@pytest.fixture
def diary(app, make_patient, provider):
    """A registered patient (Europe/Berlin) of ``provider``, with an empty diary."""

    def make(name="Pat Doe", timezone_name="Europe/Berlin"):
        return Diary(app, make_patient(provider, name=name, timezone_name=timezone_name))

    return make


D0 = date(2026, 3, 1)  # day 0 of the service tests' worked example
