"""diary/signals.py: lower features send, monitoring and notifications listen,
inside the sender's transaction."""

import uuid
from datetime import time

from blinker import NamedSignal

from diary import create_app, signals
from diary.accounts import service as accounts
from diary.accounts.models import Patient
from diary.checkins import service as checkins
from diary.db_types import utcnow
from diary.extensions import db
from diary.monitoring.models import PatientSummary
from diary.notifications.models import ReminderSchedule

ANSWERS = [2, 2, 2, 2, 2, 2, 2]


def _patient(patient_client):
    return db.session.get(Patient, uuid.UUID(patient_client.user["id"]))


def test_each_handler_is_connected_once_however_many_apps_are_built(app, app_config):
    def receivers():
        return {
            name: len(signal.receivers)
            for name, signal in vars(signals).items()
            if isinstance(signal, NamedSignal)
        }

    before = receivers()
    create_app(app_config)
    assert (
        receivers()
        == before
        == {
            "patient_data_changed": 1,
            "patient_registered": 2,
            "settings_changed": 1,
            "invite_to_send": 1,
            "password_reset_to_send": 1,
            "entry_stored": 1,
            "safety_flag_raised": 1,
        }
    )


def test_a_check_in_is_evaluated_in_its_own_transaction(app, patient):
    with app.app_context():
        pat = _patient(patient)
        before = db.session.get(PatientSummary, pat.id).latest_score
        checkins.create_entry(pat, {"answers": ANSWERS}, actor=pat.user, now=utcnow())
        # Sent, handled and flushed before the service returned: the same session sees it, uncommitted.
        assert db.session.get(PatientSummary, pat.id).latest_score == sum(ANSWERS)
        db.session.rollback()
        # Rolled back with the check-in: it was the same transaction.
        assert db.session.get(PatientSummary, pat.id).latest_score == before


def test_a_settings_change_reschedules_in_its_own_transaction(app, patient):
    with app.app_context():
        pat = _patient(patient)
        stored = db.session.get(ReminderSchedule, pat.id).next_reminder_at
        assert stored is not None
        new_time = time(6, 0) if pat.reminder_time != time(6, 0) else time(7, 0)
        accounts.update_settings(pat, {"reminder_time": new_time}, now=utcnow())
        assert db.session.get(ReminderSchedule, pat.id).next_reminder_at not in (None, stored)
        db.session.rollback()
        assert db.session.get(ReminderSchedule, pat.id).next_reminder_at == stored
