"""Acknowledging a flag with a note, and undoing it (docs/api.md, "Relief monitoring")."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from diary.audit.models import AuditEvent
from diary.db_types import utcnow
from diary.extensions import db
from diary.monitoring.flags import NOTE_REQUIRED_KINDS, UNDO_WINDOW
from diary.monitoring.models import Flag

from .test_api import backfill_worked_example, post_session, today_of


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BACKFILL_DAYS": 40}


@pytest.fixture
def open_flag(patient, provider_client):
    backfill_worked_example(patient, provider_client)
    pid = patient.user["id"]
    [flag] = provider_client.get(f"/api/v1/patients/{pid}/flags?status=open").get_json()["items"]
    return flag


def acknowledge(client, flag, body=None, **kwargs):
    return client.post(f"/api/v1/flags/{flag['id']}/acknowledge", json=body or {}, **kwargs)


def undo(client, flag, **kwargs):
    return client.post(f"/api/v1/flags/{flag['id']}/unacknowledge", **kwargs)


def worklist_row(client):
    [row] = client.get("/api/v1/patients").get_json()["items"]
    return row


def age_acknowledgement(app, flag, minutes):
    with app.app_context():
        db.session.execute(
            update(Flag)
            .where(Flag.id == uuid.UUID(flag["id"]))
            .values(acknowledged_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()


def test_the_note_is_stored_and_shown_with_the_flag_the_timeline_and_the_worklist(
    patient, provider_client, provider, open_flag
):
    pid = patient.user["id"]
    body = acknowledge(provider_client, open_flag, {"note": "  Called, booked for Tuesday "}).get_json()
    assert body["acknowledge_note"] == "Called, booked for Tuesday"
    assert body["acknowledged_by_name"] == provider["name"]
    [listed] = provider_client.get(f"/api/v1/patients/{pid}/flags?status=acknowledged").get_json()["items"]
    assert listed["acknowledge_note"] == "Called, booked for Tuesday"
    assert listed["acknowledged_by_name"] == provider["name"]
    timeline = provider_client.get(f"/api/v1/patients/{pid}/timeline").get_json()
    [shown] = [f for f in timeline["flags"] if f["id"] == open_flag["id"]]
    assert shown == listed  # one shape for the flag, wherever it is read
    row = worklist_row(provider_client)
    assert row["open_flags"] == []
    assert row["acknowledged"] == {
        "kind": open_flag["kind"],
        "by": provider["name"],
        "at": body["acknowledged_at"],
        "note": "Called, booked for Tuesday",
    }
    # A patient never sees flags or their notes.
    assert patient.get("/api/v1/patients/me/timeline").get_json()["flags"] == []


def test_without_a_note_the_note_is_null_and_the_worklist_says_nothing_until_acknowledged(
    provider_client, open_flag
):
    assert worklist_row(provider_client)["acknowledged"] is None
    body = acknowledge(provider_client, open_flag).get_json()
    assert body["acknowledge_note"] is None and body["status"] == "acknowledged"
    assert worklist_row(provider_client)["acknowledged"]["note"] is None


def test_undo_inside_the_window_opens_the_flag_again(app, patient, provider_client, open_flag):
    pid = patient.user["id"]
    assert open_flag["undo_until"] is None and open_flag["note_required"] is False
    acknowledged = acknowledge(provider_client, open_flag, {"note": "Left a message"}).get_json()
    # The server says until when, so the app never keeps its own copy of the window.
    at, until = (datetime.fromisoformat(acknowledged[k]) for k in ("acknowledged_at", "undo_until"))
    assert until - at == UNDO_WINDOW
    response = undo(provider_client, open_flag)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "open"
    assert (body["acknowledged_by"], body["acknowledged_at"], body["acknowledge_note"]) == (None, None, None)
    row = worklist_row(provider_client)
    assert row["open_flags"] == [open_flag["kind"]] and row["acknowledged"] is None
    assert undo(provider_client, open_flag).get_json() == body  # idempotent
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent.resource).where(
                AuditEvent.patient_id == uuid.UUID(pid), AuditEvent.action == "update"
            )
        ).all()
    assert rows.count(f"flag:{open_flag['id']}") >= 2  # the acknowledgement and its undoing
    # Acknowledged again, afresh.
    again = acknowledge(provider_client, open_flag, {"note": "Booked"}).get_json()
    assert again["status"] == "acknowledged" and again["acknowledge_note"] == "Booked"


def test_undo_after_the_window_is_a_conflict(app, provider_client, open_flag):
    acknowledge(provider_client, open_flag)
    minutes = UNDO_WINDOW.total_seconds() / 60
    age_acknowledgement(app, open_flag, minutes + 1)
    response = undo(provider_client, open_flag)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert worklist_row(provider_client)["open_flags"] == []
    age_acknowledgement(app, open_flag, minutes - 1)
    assert undo(provider_client, open_flag).status_code == 200


def test_undo_of_a_flag_resolved_meanwhile_is_a_conflict(patient, provider_client, open_flag):
    pid = patient.user["id"]
    acknowledge(provider_client, open_flag)
    post_session(provider_client, patient, today_of(patient), hour=0)  # a new cycle resolves it
    [flag] = [
        f
        for f in provider_client.get(f"/api/v1/patients/{pid}/flags?status=resolved").get_json()["items"]
        if f["id"] == open_flag["id"]
    ]
    response = undo(provider_client, open_flag)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"
    [still] = [
        f
        for f in provider_client.get(f"/api/v1/patients/{pid}/flags?status=resolved").get_json()["items"]
        if f["id"] == open_flag["id"]
    ]
    assert still == flag


def test_only_the_acknowledger_undoes(app, provider, provider_client, open_flag, make_provider):
    from tests.conftest import login

    colleague = make_provider(name="Dr. Bo Kim", team_name=f"{provider['name']}'s care team")
    colleague_client = login(app, colleague["email"], colleague["password"])
    acknowledge(provider_client, open_flag)
    response = undo(colleague_client, open_flag)
    assert response.status_code == 409
    assert undo(provider_client, open_flag).status_code == 200


def test_other_teams_and_patients_cannot_reach_the_undo(
    app, patient, provider_client, open_flag, make_provider
):
    from tests.conftest import login

    stranger = make_provider(name="Dr. Out Side")
    stranger_client = login(app, stranger["email"], stranger["password"])
    acknowledge(provider_client, open_flag)
    assert undo(stranger_client, open_flag).status_code == 404
    assert acknowledge(stranger_client, open_flag, {"note": "x"}).status_code == 404
    assert provider_client.post(f"/api/v1/flags/{uuid.uuid4()}/unacknowledge").status_code == 404
    assert undo(patient, open_flag).status_code == 403
    missing = undo(provider_client, open_flag, csrf=False)
    assert missing.status_code == 403 and missing.get_json()["error"]["code"] == "csrf_failed"
    assert worklist_row(provider_client)["open_flags"] == []  # nothing of that changed it


def add_safety_flag(app, patient):
    with app.app_context():
        flag = Flag(
            patient_id=uuid.UUID(patient.user["id"]),
            kind="safety",
            occurrence=f"safety:{uuid.uuid4()}",
            raised_on=today_of(patient),
            raised_at=utcnow(),
            details={},
            status="open",
        )
        db.session.add(flag)
        db.session.commit()
        return {"id": str(flag.id), "kind": "safety"}


def test_a_safety_flag_needs_a_note(app, patient, provider_client):
    assert "safety" in NOTE_REQUIRED_KINDS
    flag = add_safety_flag(app, patient)
    for body in ({}, {"note": None}, {"note": "   "}):
        response = acknowledge(provider_client, flag, body)
        assert response.status_code == 422, body
        error = response.get_json()["error"]
        assert error["code"] == "validation_error" and "note" in error["fields"]
    [still] = provider_client.get(f"/api/v1/patients/{patient.user['id']}/flags?status=open").get_json()[
        "items"
    ]
    assert still["id"] == flag["id"] and still["acknowledged_at"] is None and still["note_required"] is True
    response = acknowledge(provider_client, flag, {"note": "Called; safety plan reviewed"})
    assert response.status_code == 200
    assert response.get_json()["acknowledge_note"] == "Called; safety plan reviewed"
    # Acknowledged already: asking again without a note is the same answer, not a 422.
    assert acknowledge(provider_client, flag).get_json() == response.get_json()


def acknowledged_flag(app, patient, provider, note):
    with app.app_context():
        now = utcnow()
        db.session.add(
            Flag(
                patient_id=uuid.UUID(patient.user["id"]),
                kind="side_effect",
                occurrence=f"side_effect:{uuid.uuid4()}",
                raised_on=today_of(patient),
                raised_at=now,
                details={},
                status="acknowledged",
                acknowledged_by_id=uuid.UUID(provider["id"]),
                acknowledged_at=now,
                acknowledge_note=note,
            )
        )
        db.session.commit()


def worklist_statements(app, client):
    from sqlalchemy import event

    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        items = client.get("/api/v1/patients").get_json()["items"]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return items, len(statements)


def test_the_worklist_reads_the_page_acknowledgements_in_one_query(
    app, make_patient, provider, provider_client
):
    """No query per patient: two patients with notes cost what five do."""
    patients = [make_patient(provider, name=f"Pat {n}") for n in range(5)]
    for pat in patients[:2]:
        acknowledged_flag(app, pat, provider, f"Called {pat.user['name']}")
    provider_client.get("/api/v1/patients")  # the first read records sightings; the rest as any day
    items, few = worklist_statements(app, provider_client)
    assert sum(1 for item in items if item["acknowledged"]) == 2
    for pat in patients[2:]:
        acknowledged_flag(app, pat, provider, "Booked")
    items, many = worklist_statements(app, provider_client)
    notes = {item["name"]: item["acknowledged"]["note"] for item in items}
    assert notes["Pat 0"] == "Called Pat 0" and notes["Pat 4"] == "Booked"
    assert many == few
