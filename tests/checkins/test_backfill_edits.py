"""A patient changes or deletes a check-in only inside the backfill window; an edit with an
idempotency key is applied once however often it is sent (docs/api.md, "Check-ins")."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from diary.audit.models import AuditEvent
from diary.checkins.models import Entry
from diary.extensions import db

ANSWERS = [1, 2, 0, 3, 1, 1, 2]


def iso(instant):
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def entry_aged(app, patient, days):
    """A check-in made inside the window, then aged ``days`` days (as if time had passed)."""
    recorded = datetime.now(UTC) - timedelta(hours=1)
    body = {"answers": ANSWERS, "recorded_at": iso(recorded), "note": "first"}
    entry = patient.post("/api/v1/patients/me/entries", json=body).get_json()
    with app.app_context():
        db.session.execute(
            update(Entry)
            .where(Entry.id == uuid.UUID(entry["id"]))
            .values(
                recorded_at=recorded - timedelta(days=days),
                local_date=(recorded - timedelta(days=days)).date(),
            )
        )
        db.session.commit()
    return entry


def audit_rows(app, entry_id, action):
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.resource == f"entry:{entry_id}", AuditEvent.action == action)
        )


def test_inside_the_window_a_check_in_changes_and_goes(app, patient):
    entry = entry_aged(app, patient, days=6)
    patched = patient.patch(f"/api/v1/entries/{entry['id']}", json={"note": "changed"})
    assert patched.status_code == 200 and patched.get_json()["note"] == "changed"
    assert patient.delete(f"/api/v1/entries/{entry['id']}").status_code == 204


def test_outside_the_window_a_check_in_is_read_only(app, patient):
    entry = entry_aged(app, patient, days=8)
    for response in (
        patient.patch(f"/api/v1/entries/{entry['id']}", json={"note": "changed"}),
        patient.delete(f"/api/v1/entries/{entry['id']}"),
    ):
        assert response.status_code == 409
        error = response.get_json()["error"]
        assert error["code"] == "outside_backfill_window"
        assert "care team" in error["message"]
    items = patient.get("/api/v1/patients/me/entries").get_json()["items"]
    assert [(item["id"], item["note"]) for item in items] == [(entry["id"], "first")]
    assert audit_rows(app, entry["id"], "update") == 0 and audit_rows(app, entry["id"], "delete") == 0


def test_a_retry_of_what_is_stored_still_answers_outside_the_window(app, patient):
    entry = entry_aged(app, patient, days=8)
    same = patient.patch(f"/api/v1/entries/{entry['id']}", json={"note": "first", "answers": ANSWERS})
    assert same.status_code == 200 and same.get_json()["note"] == "first"


def test_an_edit_with_an_idempotency_key_is_applied_once(app, patient):
    entry = entry_aged(app, patient, days=1)
    key = str(uuid.uuid4())
    path = f"/api/v1/entries/{entry['id']}"
    first = patient.patch(path, json={"note": "edited offline"}, headers={"Idempotency-Key": key})
    assert first.status_code == 200 and first.get_json()["note"] == "edited offline"
    # Another edit meanwhile; then the first one's answer was lost and it is sent again.
    assert patient.patch(path, json={"note": "later"}).status_code == 200
    replay = patient.patch(path, json={"note": "edited offline"}, headers={"Idempotency-Key": key})
    assert replay.status_code == 200 and replay.get_json()["note"] == "later"
    assert audit_rows(app, entry["id"], "update") == 2


def test_a_replayed_edit_answers_after_the_check_in_aged_out(app, patient):
    entry = entry_aged(app, patient, days=1)
    key = str(uuid.uuid4())
    path = f"/api/v1/entries/{entry['id']}"
    assert patient.patch(path, json={"note": "x"}, headers={"Idempotency-Key": key}).status_code == 200
    with app.app_context():
        db.session.execute(
            update(Entry)
            .where(Entry.id == uuid.UUID(entry["id"]))
            .values(recorded_at=datetime.now(UTC) - timedelta(days=9))
        )
        db.session.commit()
    replay = patient.patch(path, json={"note": "x"}, headers={"Idempotency-Key": key})
    assert replay.status_code == 200 and replay.get_json()["note"] == "x"
    other = patient.patch(path, json={"note": "y"}, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "outside_backfill_window"


def test_an_idempotency_key_belongs_to_one_check_in(app, patient):
    first = entry_aged(app, patient, days=1)
    second = entry_aged(app, patient, days=2)
    key = str(uuid.uuid4())
    ok = patient.patch(f"/api/v1/entries/{first['id']}", json={"note": "a"}, headers={"Idempotency-Key": key})
    assert ok.status_code == 200
    again = patient.patch(
        f"/api/v1/entries/{second['id']}", json={"note": "a"}, headers={"Idempotency-Key": key}
    )
    assert again.status_code == 409
    bad = patient.patch(
        f"/api/v1/entries/{first['id']}", json={"note": "a"}, headers={"Idempotency-Key": "nope"}
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"


def test_a_refused_edit_leaves_its_key_unused(app, patient):
    entry = entry_aged(app, patient, days=8)
    key = str(uuid.uuid4())
    path = f"/api/v1/entries/{entry['id']}"
    assert patient.patch(path, json={"note": "z"}, headers={"Idempotency-Key": key}).status_code == 409
    assert patient.patch(path, json={"note": "z"}, headers={"Idempotency-Key": key}).status_code == 409


def test_an_unchanged_edit_writes_no_audit_row(app, patient):
    entry = entry_aged(app, patient, days=0)
    path = f"/api/v1/entries/{entry['id']}"
    assert patient.patch(path, json={"note": "first", "side_effects": []}).status_code == 200
    assert audit_rows(app, entry["id"], "update") == 0


def test_the_form_names_the_patients_first_day(make_patient):
    for zone in ("Pacific/Auckland", "America/Los_Angeles"):
        patient = make_patient(timezone_name=zone)
        form = patient.get("/api/v1/me/checkin-form").get_json()
        joined = datetime.now(ZoneInfo(zone)).date().isoformat()
        assert form["first_day"] == joined == form["date"]
