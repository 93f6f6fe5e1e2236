"""A patient closes their account; an operator erases it afterwards (docs/operations.md)."""

import uuid

from sqlalchemy import func, select

from diary.accounts.models import User
from diary.audit.models import AuditEvent
from diary.checkins.models import Entry
from diary.extensions import db
from tests.conftest import PASSWORD, login
from tests.support.api_client import ApiClient

ANSWERS = [1, 2, 1, 0, 2, 1, 1]


def close(client, password=PASSWORD):
    return client.post("/api/v1/me/close", json={"password": password})


def test_a_wrong_password_closes_nothing(patient):
    response = close(patient, "not the password at all")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"
    assert patient.get("/api/v1/me/settings").status_code == 200


def test_closing_ends_every_session_and_refuses_logins(app, patient):
    elsewhere = login(app, patient.user["email"])
    assert close(patient).status_code == 204
    for client in (patient, elsewhere):
        assert client.get("/api/v1/me/settings").status_code == 401
    refused = ApiClient(app.test_client()).post(
        "/api/v1/auth/login", json={"email": patient.user["email"], "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "account_closed"
    wrong = ApiClient(app.test_client()).post(
        "/api/v1/auth/login", json={"email": patient.user["email"], "password": "a wrong password"}
    )
    assert wrong.status_code == 401  # nothing learnt without the password


def test_the_care_team_keeps_the_record_and_sees_it_closed(patient, provider_client):
    pid = patient.user["id"]
    assert patient.post("/api/v1/patients/me/entries", json={"answers": ANSWERS}).status_code == 201
    close(patient)
    timeline = provider_client.get(f"/api/v1/patients/{pid}/timeline").get_json()
    assert timeline["patient"]["closed_by_patient"] is True
    assert timeline["patient"]["status"] == "discharged"
    assert len(timeline["days"]) == 1
    rows = provider_client.get("/api/v1/patients", query_string={"filter": "discharged"}).get_json()["items"]
    assert [(r["id"], r["closed_by_patient"]) for r in rows] == [(pid, True)]
    readmit = provider_client.post(f"/api/v1/patients/{pid}/readmit")
    assert readmit.status_code == 409 and readmit.get_json()["error"]["code"] == "account_closed"


def count(app, model, **where):
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def test_erase_deletes_the_health_data_and_keeps_the_audit_trail(app, runner, patient):
    pid = uuid.UUID(patient.user["id"])
    patient.post("/api/v1/patients/me/entries", json={"answers": ANSWERS})
    close(patient)
    audited = count(app, AuditEvent, patient_id=pid)

    result = runner.invoke(args=["users", "erase", patient.user["email"], "--yes"])
    assert result.exit_code == 0, result.output
    assert count(app, User, id=pid) == 0
    assert count(app, Entry, patient_id=pid) == 0
    # the trail is append-only: its rows stay, naming an id that no longer resolves, plus the erasure
    assert count(app, AuditEvent, patient_id=pid) == audited + 1
    with app.app_context():
        erasure = db.session.scalars(
            select(AuditEvent).where(AuditEvent.patient_id == pid, AuditEvent.action == "delete")
        ).all()
        assert [(e.resource, e.actor_id) for e in erasure] == [("account", None)]


def test_erase_refuses_an_account_that_was_not_closed(app, runner, patient):
    result = runner.invoke(args=["users", "erase", patient.user["email"], "--yes"])
    assert result.exit_code != 0 and "closed" in result.output
    assert count(app, User, id=uuid.UUID(patient.user["id"])) == 1


def test_erase_asks_first_without_yes(app, runner, patient):
    close(patient)
    result = runner.invoke(args=["users", "erase", patient.user["email"]], input="n\n")
    assert result.exit_code != 0
    assert count(app, User, id=uuid.UUID(patient.user["id"])) == 1
