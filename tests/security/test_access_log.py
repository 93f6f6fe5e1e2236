"""The patient's access log reads as lines: one per person, action, kind and local day, with a count."""

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select

from diary.audit.models import AuditEvent
from diary.extensions import db
from tests.conftest import login

BERLIN = ZoneInfo("Europe/Berlin")


def lines(client, **query):
    response = client.get("/api/v1/me/access-log", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_a_visit_is_a_few_lines_with_counts_across_two_providers_two_kinds_and_two_days(
    app, make_provider, patient
):
    pid, vale = patient.user["id"], make_provider(name="Dr Vale", team_name="Dr. Ada Hale's care team")
    hale, vale_client = patient.provider_client, login(app, vale["email"], vale["password"])
    for path in ("timeline", "timeline", "entries", "flags"):  # one visit: the timeline's reads, twice
        assert hale.get(f"/api/v1/patients/{pid}/{path}").status_code == 200
    assert vale_client.get(f"/api/v1/patients/{pid}/timeline").status_code == 200
    for _ in range(2):
        assert hale.get(f"/api/v1/patients/{pid}/export.csv?kind=entries").status_code == 200
    assert hale.get(f"/api/v1/patients/{pid}/fhir").status_code == 200
    yesterday = datetime.now(BERLIN).date() - timedelta(days=1)
    with app.app_context():
        noon = datetime.combine(yesterday, time(12), BERLIN)
        db.session.add_all(
            AuditEvent(
                at=noon + timedelta(minutes=minute),
                actor_id=uuid.UUID(vale["id"]),
                actor_role="provider",
                patient_id=uuid.UUID(pid),
                action="read",
                resource="timeline",
            )
            for minute in (0, 5)
        )
        db.session.commit()
        rows = db.session.scalar(select(func.count()).where(AuditEvent.patient_id == uuid.UUID(pid)))

    items = [item for item in lines(patient) if item["actor"]["role"] == "provider"]
    today = datetime.now(BERLIN).date().isoformat()
    assert [(i["day"], i["actor"]["name"], i["action"], i["resource"], i["count"]) for i in items] == [
        (today, "Dr. Ada Hale", "export", "export:fhir", 1),
        (today, "Dr. Ada Hale", "export", "export:entries.csv", 2),
        (today, "Dr Vale", "read", "diary", 1),
        (today, "Dr. Ada Hale", "read", "diary", 2),  # two opens: timeline twice, entries and flags once
        (yesterday.isoformat(), "Dr Vale", "read", "diary", 2),
    ]
    two = items[-1]
    assert two["first_at"] < two["last_at"] == two["at"]
    assert rows >= 11  # the trail itself keeps every row: 4 + 1 + 2 + 1 reads and exports, 2 yesterday


def test_another_patients_log_holds_none_of_it(make_patient, patient):
    stranger = make_patient(provider=patient.provider)
    pid = patient.user["id"]
    patient.provider_client.get(f"/api/v1/patients/{pid}/timeline")
    assert [i["resource"] for i in lines(stranger)] == ["account"]
    assert "diary" in [i["resource"] for i in lines(patient)]


def test_the_log_is_three_queries_however_many_rows(app, patient):
    pid = uuid.UUID(patient.user["id"])
    with app.app_context():
        db.session.add_all(
            AuditEvent(
                actor_role="system",
                patient_id=pid,
                action="read",
                resource="entries",
                at=datetime.now(BERLIN) - timedelta(days=n % 40),
            )
            for n in range(200)
        )
        db.session.commit()
    statements = []

    def count(*_args, **_kw):
        statements.append(1)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            body = patient.get("/api/v1/me/access-log").get_json()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(body["items"]) >= 31 and body["next_before"] is not None
    assert len(statements) <= 8  # the session's user, then the newest day, the lines, the older rows
