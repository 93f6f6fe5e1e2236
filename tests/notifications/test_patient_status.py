"""Reminders of patients who come and go: discharged, paused, readmitted (docs/operations.md).

Ticks are driven with ``scheduler tick --at`` on a 12 January ahead of the real clock
(``DAY``), as in test_reminders.py; status changes are service calls given ``now``.
"""

import uuid
from datetime import timedelta

from diary.accounts.models import Patient, User
from diary.extensions import db
from diary.monitoring import service as monitoring

from .conftest import DAY, NEXT, utc


def change_status(clinic, client, action, at):
    with clinic.app.app_context():
        patient = db.session.get(Patient, uuid.UUID(client.user["id"]))
        provider = db.session.get(User, uuid.UUID(client.provider["id"]))
        getattr(monitoring, action)(patient, actor=provider, now=utc(at))
        db.session.commit()


def test_a_discharged_patient_gets_no_reminder_at_the_next_tick(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    change_status(clinic, pat, "discharge", f"{DAY}T09:00:00+01:00")

    assert clinic.tick(f"{DAY}T20:00:00+01:00")["reminders"].startswith("0 message(s)")
    clinic.tick(f"{NEXT}T20:00:00+01:00")
    assert clinic.mails_to(pat) == []


def test_a_paused_patient_gets_none_until_the_date_then_that_day_s(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    back = DAY + timedelta(days=3)
    clinic.settings(pat, at=f"{DAY}T09:00:00+01:00", paused_until=back)

    for offset in range(3):
        clinic.tick(f"{DAY + timedelta(days=offset)}T20:00:00+01:00")
    assert clinic.mails_to(pat) == []
    assert clinic.tick(f"{back}T20:00:00+01:00")["reminders"] == "1 message(s) queued for 1 patient(s)"
    assert len(clinic.mails_to(pat)) == 1


def test_resuming_now_brings_the_next_reminder_back(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.settings(pat, at=f"{DAY}T09:00:00+01:00", paused_until=DAY + timedelta(days=10))
    clinic.tick(f"{DAY}T20:00:00+01:00")
    assert clinic.mails_to(pat) == []
    clinic.settings(pat, at=f"{NEXT}T09:00:00+01:00", paused_until=None)
    clinic.tick(f"{NEXT}T20:00:00+01:00")
    assert len(clinic.mails_to(pat)) == 1


def test_a_readmitted_patient_gets_the_next_day_s_reminder(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    change_status(clinic, pat, "discharge", f"{DAY}T09:00:00+01:00")
    clinic.tick(f"{DAY}T20:00:00+01:00")
    change_status(clinic, pat, "readmit", f"{DAY}T21:00:00+01:00")

    # no catch-up of the evening's reminder the patient was discharged for
    assert clinic.tick(f"{DAY}T21:01:00+01:00")["reminders"].startswith("0 message(s)")
    assert clinic.mails_to(pat) == []
    assert clinic.tick(f"{NEXT}T20:00:00+01:00")["reminders"] == "1 message(s) queued for 1 patient(s)"
    assert len(clinic.mails_to(pat)) == 1
