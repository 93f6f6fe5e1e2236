"""Check-ins (docs/api.md, "Check-ins")."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

ANSWERS = [1, 2, 0, 3, 1, 1, 2]


def iso(instant):
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def post_entry(client, pid="me", **fields):
    return client.post(f"/api/v1/patients/{pid}/entries", json={"answers": ANSWERS, **fields})


def test_create_entry(patient):
    response = post_entry(patient, difficulty=1, note="Calm morning", side_effects=["nausea", "headache"])
    assert response.status_code == 201
    entry = response.get_json()
    assert entry["total"] == 10 and entry["severity"] == "moderate"
    assert entry["answers"] == ANSWERS
    assert entry["patient_id"] == patient.user["id"]
    assert entry["recorded_at"].endswith("Z") and entry["created_at"].endswith("Z")
    assert set(entry) == {
        "id",
        "patient_id",
        "recorded_at",
        "local_date",
        "answers",
        "total",
        "severity",
        "difficulty",
        "note",
        "side_effects",
        "side_effect_severity",
        "created_at",
        "updated_at",
        "instrument",
        "safety",
        "language",
        "crisis",
    }


@pytest.mark.parametrize(
    ("answers", "severity"),
    [([0] * 7, "minimal"), ([1, 1, 1, 1, 1, 0, 0], "mild"), ([3, 3, 3, 3, 3, 0, 0], "severe")],
)
def test_severity_bands(patient, answers, severity):
    assert post_entry(patient, answers=answers).get_json()["severity"] == severity


def test_local_date_is_in_the_patients_zone(make_patient):
    auckland = make_patient(timezone_name="Pacific/Auckland")
    recorded = datetime.now(UTC).replace(hour=13, minute=0, second=0, microsecond=0) - timedelta(days=1)
    entry = post_entry(auckland, recorded_at=iso(recorded)).get_json()
    assert (
        entry["local_date"] == (recorded + timedelta(hours=12)).date().isoformat()
        or entry["local_date"] == (recorded + timedelta(hours=13)).date().isoformat()
    )


def test_replay_with_same_id_is_idempotent(patient):
    entry_id = str(uuid.uuid4())
    recorded_at = iso(datetime.now(UTC) - timedelta(hours=1))
    first = post_entry(patient, id=entry_id, recorded_at=recorded_at, note="x")
    again = post_entry(patient, id=entry_id, recorded_at=recorded_at, note="x")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json() == first.get_json()
    assert len(patient.get("/api/v1/patients/me/entries").get_json()["items"]) == 1


def test_same_id_with_other_content_is_409(patient):
    entry_id = str(uuid.uuid4())
    assert post_entry(patient, id=entry_id).status_code == 201
    conflict = post_entry(patient, id=entry_id, answers=[3] * 7)
    assert conflict.status_code == 409 and conflict.get_json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"answers": [1] * 6}, "answers"),
        ({"answers": [1] * 8}, "answers"),
        ({"answers": [1, 2, 3, 4, 0, 0, 0]}, "answers"),
        ({"answers": [1, 2, 3, -1, 0, 0, 0]}, "answers"),
        ({"answers": [1, 2, "3", 1, 0, 0, 0]}, "answers"),
        ({"answers": [1, 2, 1.5, 1, 0, 0, 0]}, "answers"),
        ({"answers": [True, 2, 1, 1, 0, 0, 0]}, "answers"),
        ({"answers": None}, "answers"),
        ({"difficulty": 4}, "difficulty"),
        ({"note": "x" * 2001}, "note"),
        ({"side_effects": ["nausea", "nausea"]}, "side_effects"),
        ({"side_effects": ["hiccups"]}, "side_effects"),
        ({"recorded_at": "2026-01-01T10:00:00"}, "recorded_at"),
        ({"recorded_at": "yesterday"}, "recorded_at"),
        ({"id": "not-a-uuid"}, "id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_validation_errors(patient, fields, field):
    response = post_entry(patient, **fields)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert any(key == field or key.startswith(field + ".") for key in error["fields"]), error


def test_missing_answers_is_422(patient):
    response = patient.post("/api/v1/patients/me/entries", json={})
    assert response.status_code == 422 and "answers" in response.get_json()["error"]["fields"]


def test_recorded_at_window(patient):
    now = datetime.now(UTC)
    assert post_entry(patient, recorded_at=iso(now + timedelta(minutes=4))).status_code == 201
    assert post_entry(patient, recorded_at=iso(now + timedelta(minutes=6))).status_code == 422
    assert post_entry(patient, recorded_at=iso(now - timedelta(days=6, hours=23))).status_code == 201
    too_old = post_entry(patient, recorded_at=iso(now - timedelta(days=7, minutes=1)))
    assert too_old.status_code == 422 and "recorded_at" in too_old.get_json()["error"]["fields"]


def test_backfill_window_is_configurable(app, patient):
    app.config["BACKFILL_DAYS"] = 30
    assert post_entry(patient, recorded_at=iso(datetime.now(UTC) - timedelta(days=20))).status_code == 201


def test_a_stored_check_in_replayed_after_its_backfill_window_answers_the_stored_entry(app, patient):
    # The phone never got the answer; its outbox retries once the check-in is older than the window.
    entry_id = str(uuid.uuid4())
    recorded_at = iso(datetime.now(UTC) - timedelta(days=6, hours=23))
    first = post_entry(patient, id=entry_id, recorded_at=recorded_at)
    assert first.status_code == 201
    app.config["BACKFILL_DAYS"] = 1  # as good as a retry two days later
    again = post_entry(patient, id=entry_id, recorded_at=recorded_at)
    assert again.status_code == 200, again.get_json()
    assert again.get_json() == first.get_json()
    # Not a way around the window: other content, or a new id, is still refused.
    changed = post_entry(patient, id=entry_id, recorded_at=recorded_at, answers=[3] * 7)
    assert changed.status_code == 422 and "recorded_at" in changed.get_json()["error"]["fields"]
    assert post_entry(patient, recorded_at=recorded_at).status_code == 422
    assert len(patient.get("/api/v1/patients/me/entries").get_json()["items"]) == 1


def test_body_rules(patient):
    not_json = patient.post(
        "/api/v1/patients/me/entries", data="answers=1", content_type="application/x-www-form-urlencoded"
    )
    assert not_json.status_code == 415 and not_json.get_json()["error"]["code"] == "unsupported_media_type"
    malformed = patient.post("/api/v1/patients/me/entries", data="{not json", content_type="application/json")
    assert malformed.status_code == 400 and malformed.get_json()["error"]["code"] == "bad_request"
    huge = patient.post("/api/v1/patients/me/entries", json={"answers": ANSWERS, "note": "x" * 70000})
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "payload_too_large"


def test_list_range_and_order(patient):
    now = datetime.now(UTC)
    for hours in (30, 2, 50):
        post_entry(patient, recorded_at=iso(now - timedelta(hours=hours)))
    items = patient.get("/api/v1/patients/me/entries").get_json()["items"]
    assert [item["recorded_at"] for item in items] == sorted(item["recorded_at"] for item in items)
    today = items[-1]["local_date"]
    only_today = patient.get(f"/api/v1/patients/me/entries?from={today}&to={today}").get_json()["items"]
    assert all(item["local_date"] == today for item in only_today) and only_today
    assert patient.get("/api/v1/patients/me/entries?from=2023-01-01&to=2025-01-02").status_code == 422
    assert patient.get("/api/v1/patients/me/entries?from=2024-01-01&to=2025-12-31").status_code == 200
    assert patient.get("/api/v1/patients/me/entries?from=2025-02-01&to=2025-01-01").status_code == 422
    assert patient.get("/api/v1/patients/me/entries?from=notadate").status_code == 422


def test_patch_and_delete_own_entry(patient):
    entry = post_entry(patient).get_json()
    patched = patient.patch(f"/api/v1/entries/{entry['id']}", json={"answers": [0] * 7, "note": "better"})
    assert patched.status_code == 200
    assert patched.get_json()["total"] == 0 and patched.get_json()["note"] == "better"
    assert patient.patch(f"/api/v1/entries/{entry['id']}", json={"answers": [9] * 7}).status_code == 422
    assert patient.delete(f"/api/v1/entries/{entry['id']}").status_code == 204
    assert patient.delete(f"/api/v1/entries/{entry['id']}").status_code == 404
    assert patient.get("/api/v1/patients/me/entries").get_json()["items"] == []


def test_access_rules(make_patient, make_provider, patient, provider_client):
    entry = post_entry(patient).get_json()
    pid = patient.user["id"]
    stranger = make_patient()  # another patient on another care team
    other_provider = stranger.provider_client
    # The care team reads; strangers see nothing at all.
    assert provider_client.get(f"/api/v1/patients/{pid}/entries").status_code == 200
    for client in (stranger, other_provider):
        response = client.get(f"/api/v1/patients/{pid}/entries")
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert stranger.patch(f"/api/v1/entries/{entry['id']}", json={"note": "x"}).status_code == 404
    assert stranger.delete(f"/api/v1/entries/{entry['id']}").status_code == 404
    assert post_entry(stranger, pid=pid).status_code == 404
    assert stranger.get("/api/v1/patients/not-a-uuid/entries").status_code == 404
    # Providers cannot write a patient's check-ins: the role lacks the function.
    assert post_entry(provider_client, pid=pid).status_code == 403
    assert provider_client.patch(f"/api/v1/entries/{entry['id']}", json={"note": "x"}).status_code == 403
    assert provider_client.get("/api/v1/patients/me/entries").status_code == 404


def test_every_wrong_field_is_reported_at_once(patient):
    response = post_entry(patient, answers=[9, 0, 0, 0, 0, 0, 0], note="x" * 3000)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) >= {"answers", "note"}, fields


def test_a_range_is_at_most_731_dates_both_ends_counted(patient):
    to = datetime.now(UTC).date() - timedelta(days=1)

    def listed(days):
        start = to - timedelta(days=days - 1)
        return patient.get(f"/api/v1/patients/me/entries?from={start}&to={to}")

    assert listed(731).status_code == 200
    too_long = listed(732)
    assert too_long.status_code == 422 and "to" in too_long.get_json()["error"]["fields"]
