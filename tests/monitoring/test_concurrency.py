"""Check-ins arriving at once: each re-evaluation waits for the one before, so the last sees everything."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from diary.db_types import utcnow
from diary.extensions import db
from diary.monitoring import evaluation as monitoring
from diary.monitoring.models import Flag
from tests.conftest import login

from .conftest import Diary, answers_for, summary_dict
from .test_api import local_noon, post_session, today_of

# Serial: nine threads race for SQLite's write lock, each waiting at most its busy timeout.
pytestmark = pytest.mark.serial


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BACKFILL_DAYS": 40}


BURST = [6, 5, 5, 6, 7, 9, 16, 17, 18]  # days 1..9 after the session: urgent on day 8


def test_a_burst_of_check_ins_leaves_the_same_state_as_one_evaluation(app, patient, provider_client):
    pat = Diary(app, patient)
    day0 = today_of(patient) - timedelta(days=12)
    post_session(provider_client, patient, day0)
    pat.scores(day0 - timedelta(days=7), [12] * 7)

    clients = [login(app, patient.user["email"]) for _ in BURST]
    for client in clients:
        client.token()
    start, failures = threading.Barrier(len(clients)), []

    def check_in(client, offset, total):
        start.wait()
        body = {
            "recorded_at": local_noon(patient, day0 + timedelta(days=offset)),
            "answers": answers_for(total),
            "instrument": "daily",
        }
        response = client.post("/api/v1/patients/me/entries", json=body)
        if response.status_code != 201:
            failures.append((response.status_code, response.get_json()))

    threads = [
        threading.Thread(target=check_in, args=(client, n, total))
        for n, (client, total) in enumerate(zip(clients, BURST, strict=True), start=1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []

    after_burst, flags_after_burst = pat.summary(), pat.flags()
    with app.app_context():
        summary = summary_dict(monitoring.refresh_patient(pat.patient(), now=utcnow()))
        db.session.commit()
        occurrences = db.session.scalars(select(Flag.occurrence).where(Flag.patient_id == pat.id)).all()
    assert len(occurrences) == len(set(occurrences))
    assert pat.flags() == flags_after_burst
    assert ("urgent", "open") in {(kind, status) for kind, status, _day, _why in flags_after_burst}
    for field in ("latest_score", "status", "open_flags", "urgency_rank", "assessment", "last_entry_at"):
        assert after_burst[field] == summary[field], field
