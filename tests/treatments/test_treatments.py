"""Treatment sessions (docs/api.md, "Treatment sessions")."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.checkins.test_checkins import iso


def session_body(**fields):
    return {
        "status": "completed",
        "starts_at": iso(datetime.now(UTC) - timedelta(hours=3)),
        "route": "intranasal",
        "dose_mg": 35,
        **fields,
    }


def test_provider_records_a_session(patient, provider_client):
    pid = patient.user["id"]
    response = provider_client.post(
        f"/api/v1/patients/{pid}/treatments",
        json=session_body(notes="0.5 mg/kg", side_effects=["dissociation"]),
    )
    assert response.status_code == 201
    treatment = response.get_json()
    assert treatment["recorded_by"] == {"id": provider_client.user["id"], "role": "provider"}
    assert treatment["patient_id"] == pid and treatment["dose_mg"] == 35
    assert {
        "local_date",
        "created_at",
        "updated_at",
        "side_effects",
        "notes",
        "route",
        "status",
        "starts_at",
    } <= set(treatment)
    listed = patient.get("/api/v1/patients/me/treatments").get_json()["items"]
    assert [item["id"] for item in listed] == [treatment["id"]]


def test_patient_records_a_self_administered_dose(patient):
    response = patient.post(
        "/api/v1/patients/me/treatments", json=session_body(route="intranasal", dose_mg=56)
    )
    assert response.status_code == 201
    assert response.get_json()["recorded_by"]["role"] == "patient"


def test_idempotent_on_id(patient, provider_client):
    pid = patient.user["id"]
    body = session_body(id=str(uuid.uuid4()))
    assert provider_client.post(f"/api/v1/patients/{pid}/treatments", json=body).status_code == 201
    assert provider_client.post(f"/api/v1/patients/{pid}/treatments", json=body).status_code == 200
    assert (
        provider_client.post(f"/api/v1/patients/{pid}/treatments", json={**body, "dose_mg": 40}).status_code
        == 409
    )
    assert len(provider_client.get(f"/api/v1/patients/{pid}/treatments").get_json()["items"]) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "done"}, "status"),
        ({"route": "rectal"}, "route"),
        ({"dose_mg": 0}, "dose_mg"),
        ({"dose_mg": 1000.5}, "dose_mg"),
        ({"dose_mg": "35"}, "dose_mg"),  # a number, not a string that looks like one
        ({"dose_mg": True}, "dose_mg"),
        ({"starts_at": "2026-01-01T10:00"}, "starts_at"),
        ({"side_effects": ["sneezing"]}, "side_effects"),
    ],
)
def test_validation(patient, fields, field):
    response = patient.post("/api/v1/patients/me/treatments", json=session_body(**fields))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_completed_cannot_be_in_the_future_but_planned_can(patient):
    future = iso(datetime.now(UTC) + timedelta(days=3))
    assert (
        patient.post("/api/v1/patients/me/treatments", json=session_body(starts_at=future)).status_code == 422
    )
    planned = patient.post(
        "/api/v1/patients/me/treatments", json=session_body(starts_at=future, status="planned")
    )
    assert planned.status_code == 201
    # Completing a planned session that has not happened yet is refused; moving it to now works.
    tid = planned.get_json()["id"]
    assert patient.patch(f"/api/v1/treatments/{tid}", json={"status": "completed"}).status_code == 422
    done = patient.patch(
        f"/api/v1/treatments/{tid}", json={"status": "completed", "starts_at": iso(datetime.now(UTC))}
    )
    assert done.status_code == 200 and done.get_json()["status"] == "completed"


def test_who_may_change_what(patient, provider_client, make_patient):
    pid = patient.user["id"]
    by_provider = provider_client.post(f"/api/v1/patients/{pid}/treatments", json=session_body()).get_json()
    by_patient = patient.post("/api/v1/patients/me/treatments", json=session_body(route="oral")).get_json()
    assert patient.patch(f"/api/v1/treatments/{by_provider['id']}", json={"dose_mg": 1}).status_code == 403
    assert patient.delete(f"/api/v1/treatments/{by_provider['id']}").status_code == 403
    assert (
        patient.patch(f"/api/v1/treatments/{by_patient['id']}", json={"dose_mg": 50}).get_json()["dose_mg"]
        == 50
    )
    assert (
        provider_client.patch(f"/api/v1/treatments/{by_patient['id']}", json={"notes": "checked"}).status_code
        == 200
    )
    stranger = make_patient()
    for client in (stranger, stranger.provider_client):
        assert client.patch(f"/api/v1/treatments/{by_patient['id']}", json={"notes": "x"}).status_code == 404
        assert client.get(f"/api/v1/patients/{pid}/treatments").status_code == 404
        assert client.post(f"/api/v1/patients/{pid}/treatments", json=session_body()).status_code == 404
    assert provider_client.delete(f"/api/v1/treatments/{by_patient['id']}").status_code == 204
