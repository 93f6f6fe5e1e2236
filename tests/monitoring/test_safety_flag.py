"""The safety flag and the worklist's mark for new reports (docs/api.md, "Relief monitoring").

A safety answer above 0 opens a ``safety`` flag, first on the worklist; the relief engine
never closes it; a person acknowledges it, with a note; the care team's alert is queued at
once. A note or side effect marks the patient until the care team opens the timeline.
"""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from diary.accounts.models import Patient
from diary.extensions import db
from diary.monitoring import evaluation
from diary.monitoring.flags import NOTE_REQUIRED_KINDS
from diary.monitoring.models import Flag, PatientSummary
from diary.notifications.alerts import queue_provider_alerts
from diary.notifications.models import PROVIDER_ALERT, OutboxMessage
from tests.checkins.test_checkins import post_entry

from .test_api import post_score, post_session, today_of


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BACKFILL_DAYS": 40}


def flags_of(client, pid, status=None):
    query = f"?status={status}" if status else ""
    response = client.get(f"/api/v1/patients/{pid}/flags{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def alerts_queued(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == PROVIDER_ALERT)).all()


def worklist(client):
    return {item["name"]: item for item in client.get("/api/v1/patients").get_json()["items"]}


def answer_safety(patient, value, **fields):
    response = post_entry(patient, instrument="gad7", safety=value, **fields)
    assert response.status_code in (200, 201), response.get_json()
    return response


def test_an_answer_above_0_opens_a_safety_flag_first_on_the_worklist_above_urgent(
    app, make_patient, provider, provider_client
):
    urgent = make_patient(provider, name="Abe Urgent")
    with app.app_context():  # an open urgent flag, as the engine would leave it
        db.session.add(
            Flag(
                patient_id=uuid.UUID(urgent.user["id"]),
                kind="urgent",
                occurrence="urgent:test",
                raised_on=today_of(urgent),
                raised_at=datetime.now(UTC),
                details={},
            )
        )
        db.session.commit()
    post_score(urgent, today_of(urgent) - timedelta(days=1), 18)
    safe = make_patient(provider, name="Zed Safety")
    answer_safety(safe, 0)
    worried = make_patient(provider, name="Yan Worried")
    entry = answer_safety(worried, 2).get_json()

    items = provider_client.get("/api/v1/patients").get_json()["items"]
    assert [item["name"] for item in items][:2] == ["Yan Worried", "Abe Urgent"]
    assert items[0]["open_flags"] == ["safety"] and items[1]["open_flags"] == ["urgent"]
    assert flags_of(provider_client, safe.user["id"]) == []
    [flag] = flags_of(provider_client, worried.user["id"])
    assert flag["kind"] == "safety" and flag["status"] == "open"
    assert flag["raised_on"] == entry["local_date"]
    assert flag["details"]["answer"] == 2 and flag["details"]["entry_id"] == entry["id"]


def test_the_patient_never_sees_the_flag(patient):
    answer_safety(patient, 1)
    assert patient.get("/api/v1/patients/me/timeline").get_json()["flags"] == []
    assert patient.get("/api/v1/patients/me/flags").status_code == 403


def test_the_care_teams_alert_is_queued_at_once_and_once(app, make_patient, make_provider):
    provider = make_provider(team_name="Harbour")
    colleague = make_provider(team_name="Harbour")
    patient = make_patient(provider)
    entry_id = str(uuid.uuid4())
    first = answer_safety(patient, 1, id=entry_id)
    queued = alerts_queued(app)
    assert {message.user_id for message in queued} == {uuid.UUID(provider["id"]), uuid.UUID(colleague["id"])}
    assert all(message.payload == {"count": 1} for message in queued)  # no health data to render

    again = answer_safety(patient, 1, id=entry_id, recorded_at=first.get_json()["recorded_at"])
    assert again.status_code == 200
    assert len(alerts_queued(app)) == 2
    assert len(flags_of(patient.provider_client, patient.user["id"])) == 1
    # the scheduler's pass sees the flag as alerted: nothing more
    with app.app_context():
        assert queue_provider_alerts(now=datetime.now(UTC)).flags == 0
        db.session.commit()
    assert len(alerts_queued(app)) == 2


def test_the_relief_engine_never_closes_a_safety_flag(app, patient, provider_client):
    pid = patient.user["id"]
    today = today_of(patient)
    for offset in range(10, 3, -1):
        post_score(patient, today - timedelta(days=offset), 15)
    answer_safety(patient, 3)
    post_session(provider_client, patient, today - timedelta(days=2))  # a new cycle starts
    post_score(patient, today - timedelta(days=1), 4)
    with app.app_context():
        record = db.session.get(Patient, uuid.UUID(pid))
        evaluation.refresh_patient(record, now=datetime.now(UTC) + timedelta(days=20))  # a long silence
        db.session.commit()
        [flag] = db.session.scalars(select(Flag).where(Flag.patient_id == record.id, Flag.kind == "safety"))
        assert flag.cycle_start is None
        assert (flag.status, flag.resolution) == ("open", None)
    assert worklist(provider_client)["Pat Doe"]["open_flags"][0] == "safety"


def test_only_a_person_acknowledges_it_and_only_with_a_note(patient, provider_client):
    assert "safety" in NOTE_REQUIRED_KINDS
    answer_safety(patient, 2)
    [flag] = flags_of(provider_client, patient.user["id"])
    for body in ({}, {"note": None}, {"note": "   "}):
        response = provider_client.post(f"/api/v1/flags/{flag['id']}/acknowledge", json=body)
        assert response.status_code == 422
        assert "note" in response.get_json()["error"]["fields"]
    assert flags_of(provider_client, patient.user["id"], "open")[0]["id"] == flag["id"]
    response = provider_client.post(
        f"/api/v1/flags/{flag['id']}/acknowledge", json={"note": "Called her; safety plan agreed."}
    )
    assert response.status_code == 200 and response.get_json()["status"] == "acknowledged"
    assert "safety" not in worklist(provider_client)["Pat Doe"]["open_flags"]


def test_another_answer_adds_to_the_open_flag_and_opens_a_new_one_once_acknowledged(
    app, patient, provider_client
):
    pid = patient.user["id"]
    first = answer_safety(patient, 1).get_json()
    recorded = datetime.now(UTC) - timedelta(days=15)  # two weeks before: a standard GAD-7 again
    second = answer_safety(patient, 3, recorded_at=recorded.isoformat()).get_json()
    [flag] = flags_of(provider_client, pid)
    assert flag["details"]["answer"] == 3
    assert flag["details"]["entry_ids"] == [first["id"], second["id"]]
    assert flag["details"]["answers"] == [1, 3]
    assert len(alerts_queued(app)) == 1  # the care team was told; the flag is still waiting for them

    provider_client.post(f"/api/v1/flags/{flag['id']}/acknowledge", json={"note": "Seen in clinic."})
    third = answer_safety(patient, 1, recorded_at=(datetime.now(UTC) - timedelta(days=30)).isoformat())
    assert third.status_code == 201
    kinds = [(f["kind"], f["status"]) for f in flags_of(provider_client, pid)]
    assert sorted(kinds) == [("safety", "acknowledged"), ("safety", "open")]
    assert len(alerts_queued(app)) == 2


def test_a_note_marks_the_patient_until_the_care_team_opens_the_timeline(patient, provider_client):
    pid = patient.user["id"]
    post_score(patient, today_of(patient) - timedelta(days=1), 6)
    assert worklist(provider_client)["Pat Doe"]["new_reports"] is False
    post_entry(patient, instrument="daily", note="Felt shaky after the last dose.")
    item = worklist(provider_client)["Pat Doe"]
    assert item["new_reports"] is True and item["new_reports_at"].endswith("Z")
    patient.get("/api/v1/patients/me/timeline")  # the patient's own reading changes nothing
    assert worklist(provider_client)["Pat Doe"]["new_reports"] is True
    assert provider_client.get(f"/api/v1/patients/{pid}/timeline").status_code == 200
    assert worklist(provider_client)["Pat Doe"]["new_reports"] is False


def test_a_side_effect_or_a_note_added_later_marks_the_patient(patient, provider_client):
    pid = patient.user["id"]
    post_entry(patient, instrument="daily", side_effects=["nausea"])
    assert worklist(provider_client)["Pat Doe"]["new_reports"] is True
    provider_client.get(f"/api/v1/patients/{pid}/timeline")
    entry = post_entry(patient, instrument="daily").get_json()
    assert worklist(provider_client)["Pat Doe"]["new_reports"] is False
    patient.patch(f"/api/v1/entries/{entry['id']}", json={"answers": [0] * 7})
    assert worklist(provider_client)["Pat Doe"]["new_reports"] is False
    patient.patch(f"/api/v1/entries/{entry['id']}", json={"note": "A headache all afternoon."})
    assert worklist(provider_client)["Pat Doe"]["new_reports"] is True


def test_the_mark_is_read_from_the_summary_row(app, patient):
    post_entry(patient, instrument="daily", note="A word.")
    with app.app_context():
        summary = db.session.get(PatientSummary, uuid.UUID(patient.user["id"]))
        assert summary.new_reports_at is not None
        assert isinstance(summary.new_reports_at.date(), date)


def test_deleting_the_check_in_leaves_the_flag_open(patient, provider_client):
    entry = answer_safety(patient, 2).get_json()
    assert patient.delete(f"/api/v1/entries/{entry['id']}").status_code == 204
    [flag] = flags_of(provider_client, patient.user["id"], "open")
    assert flag["kind"] == "safety" and flag["details"]["entry_id"] == entry["id"]
    assert worklist(provider_client)["Pat Doe"]["open_flags"] == ["safety"]


def test_the_answer_is_named_in_the_readers_language(make_patient, provider, provider_client):
    """A Spanish patient's answer, read by an English provider in English, and the other way round."""
    patient = make_patient(provider, language="es")
    answer_safety(patient, 2)
    [flag] = flags_of(provider_client, patient.user["id"])
    assert flag["details"]["answer"] == 2
    assert flag["details"]["answer_label"] == "More than half the days"
    provider_client.patch("/api/v1/me", json={"language": "es"})
    [flag] = flags_of(provider_client, patient.user["id"])
    assert flag["details"]["answer_label"] == "Más de la mitad de los días"


def test_the_timeline_names_the_answer_in_the_readers_language(make_patient, provider, provider_client):
    patient = make_patient(provider, language="es")
    answer_safety(patient, 1)
    provider_client.patch("/api/v1/me", json={"language": "es"})
    timeline = provider_client.get(f"/api/v1/patients/{patient.user['id']}/timeline").get_json()
    [flag] = [f for f in timeline["flags"] if f["kind"] == "safety"]
    assert (flag["details"]["answer"], flag["details"]["answer_label"]) == (1, "Varios días")
