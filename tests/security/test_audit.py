"""The audit trail and the patient's access log (ASVS 16.1-16.4; HIPAA 164.312(b), (c)(1))."""

import json
import os
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, insert, select, update

from diary.audit.models import AuditEvent, AuditTrailIsAppendOnly
from diary.db_types import utcnow
from diary.extensions import db

ANSWERS = [1, 2, 1, 0, 2, 1, 1]


def check_in(client, note=None):
    response = client.post("/api/v1/patients/me/entries", json={"answers": ANSWERS, "note": note})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def access_log(client, **query):
    response = client.get("/api/v1/me/access-log", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_provider_reads_and_patient_writes_show_in_the_access_log(patient):
    check_in(patient)
    patient.get(f"/api/v1/patients/{patient.user['id']}/entries")  # the patient's own read: not listed
    patient.provider_client.get(f"/api/v1/patients/{patient.user['id']}/entries")
    items = access_log(patient)["items"]
    assert [(item["action"], item["resource"], item["count"]) for item in items[:2]] == [
        ("read", "diary", 1),
        ("create", "entries", 1),
    ]
    read = items[0]
    assert read["actor"] == {
        "id": patient.provider["id"],
        "name": patient.provider["name"],
        "role": "provider",
    }
    assert read["at"].endswith("Z") and read["at"] == read["last_at"] == read["first_at"]
    assert items[1]["actor"]["id"] == patient.user["id"] and items[1]["actor"]["role"] == "patient"
    assert not [
        item for item in items if item["action"] == "read" and item["actor"]["id"] == patient.user["id"]
    ]


def test_the_trail_names_resources_never_their_content(app, patient):
    check_in(patient, note="I felt the panic coming back at work")
    patient.patch("/api/v1/me/settings", json={"reminder_time": "08:15"})
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent)).all()
    text = json.dumps([[row.action, row.resource] for row in rows])
    assert "panic" not in text and "08:15" not in text
    assert ["update", "settings"] in json.loads(text)


def test_access_log_pages_by_whole_days_newest_first(app, patient):
    pid = uuid.UUID(patient.user["id"])
    start = utcnow() - timedelta(days=3)
    with app.app_context():
        # Two kinds on each of three days (Berlin days: the patient's zone; midday UTC is midday there).
        for days in (0, 1, 2):
            for resource in ("r1", "r2"):
                db.session.add(
                    AuditEvent(
                        at=start.replace(hour=12) + timedelta(days=days),
                        actor_role="system",
                        patient_id=pid,
                        action="read",
                        resource=resource,
                    )
                )
        db.session.commit()
    everything = access_log(patient, limit=500)["items"]
    assert [item["day"] for item in everything] == sorted((item["day"] for item in everything), reverse=True)
    pages, before = [], None
    while True:
        page = access_log(patient, limit=3, **({"before": before} if before else {}))
        pages.append(page["items"])
        before = page["next_before"]
        if before is None:
            break
    lines = [(item["day"], item["resource"]) for page in pages for item in page]
    assert lines == [(item["day"], item["resource"]) for item in everything]
    for page in pages:  # whole days: no day is split across pages
        assert not {item["day"] for item in page} & {
            item["day"] for other in pages if other is not page for item in other
        }
    system = [item for item in everything if item["actor"]["role"] == "system"]
    assert system[0]["actor"] == {"id": None, "name": "Afterglow", "role": "system"}


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 501}, {"limit": "many"}, {"before": "not-a-day"}])
def test_access_log_query_validation(patient, query):
    response = patient.get("/api/v1/me/access-log", query_string=query)
    assert response.status_code == 422


def test_access_log_lines_count_rows_and_the_trail_keeps_every_one(app, patient):
    pid = uuid.UUID(patient.user["id"])
    with app.app_context():
        db.session.add_all(
            AuditEvent(actor_role="system", patient_id=pid, action="read", resource="entries")
            for _ in range(120)
        )
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 120
    [line] = [item for item in access_log(patient)["items"] if item["actor"]["role"] == "system"]
    assert line["count"] == 120 and line["resource"] == "diary"


def test_access_log_is_for_patients_and_only_their_own(api, make_patient, provider_client, patient):
    stranger = make_patient()
    check_in(patient)
    patient.provider_client.get(f"/api/v1/patients/{patient.user['id']}/timeline")
    assert access_log(stranger)["items"][0]["resource"] == "account"  # registering is their only event
    assert all(item["actor"]["id"] == stranger.user["id"] for item in access_log(stranger)["items"])
    assert provider_client.get("/api/v1/me/access-log").status_code == 403
    assert api.get("/api/v1/me/access-log").status_code == 401


def test_audit_rows_cannot_be_changed_or_deleted(app, patient):
    check_in(patient)
    with app.app_context():
        row = db.session.scalars(select(AuditEvent)).first()
        row.resource = "something else"
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalars(select(AuditEvent)).first())
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        for statement in (
            update(AuditEvent).values(resource="x"),
            delete(AuditEvent),
            delete(AuditEvent.__table__),
        ):
            with pytest.raises(AuditTrailIsAppendOnly):
                db.session.execute(statement)
            db.session.rollback()
        assert db.session.scalars(select(AuditEvent.resource)).all() != ["something else"]


def test_cli_exports_json_lines_for_an_auditor(app, runner, patient, tmp_path):
    check_in(patient)
    patient.provider_client.get(f"/api/v1/patients/{patient.user['id']}/entries")
    today = utcnow().date().isoformat()
    result = runner.invoke(args=["audit", "export", "--since", today])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {"id", "at", "actor_id", "actor_role", "actor_name", "patient_id", "action", "resource"} == set(
        lines[0]
    )
    assert [line["at"] for line in lines] == sorted(line["at"] for line in lines)
    reads = [line for line in lines if line["action"] == "read"]
    assert (
        reads
        and reads[0]["actor_id"] == patient.provider["id"]
        and reads[0]["patient_id"] == patient.user["id"]
    )

    output = tmp_path / "audit.jsonl"
    result = runner.invoke(args=["audit", "export", "--since", f"{today}T00:00:00Z", "--output", str(output)])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(written) == len(lines) + 1  # the first export is itself in the trail
    assert written[-1]["action"] == "export" and written[-1]["resource"] == "audit_log"
    assert os.stat(output).st_mode & 0o077 == 0

    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    assert runner.invoke(args=["audit", "export", "--since", tomorrow]).stdout.strip() == ""
    assert runner.invoke(args=["audit", "export", "--since", "last week"]).exit_code != 0
    assert (
        runner.invoke(args=["audit", "export", "--since", "2026-01-01T00:00:00"]).exit_code != 0
    )  # no offset


def test_the_trail_outlives_a_deleted_account(app, patient):
    from diary.accounts.models import User

    pid = patient.user["id"]
    patient.provider_client.get(f"/api/v1/patients/{pid}/entries")
    with app.app_context():
        db.session.execute(delete(User).where(User.id == uuid.UUID(pid)))
        db.session.commit()
        kept = db.session.scalars(select(AuditEvent).where(AuditEvent.patient_id == uuid.UUID(pid))).all()
    assert {row.action for row in kept} >= {"create", "read"}


# Serial: the insert beside the stalled export must get the write lock within 500 ms.
@pytest.mark.serial
def test_a_long_export_holds_no_write_lock(app, runner, tmp_path):
    """While an export streams (here: stopped mid-way on a full pipe), a check-in's write goes
    through: on SQLite the export's transaction is deferred, not IMMEDIATE."""
    now = utcnow()
    with app.app_context():
        db.session.execute(
            insert(AuditEvent),
            [
                {"id": uuid.uuid4(), "at": now, "actor_role": "system", "action": "read", "resource": "entry"}
                for _ in range(3000)
            ],
        )
        db.session.commit()
    fifo = tmp_path / "export.pipe"
    os.mkfifo(fifo)
    result = {}
    exporter = threading.Thread(
        target=lambda: result.update(
            run=runner.invoke(
                args=["audit", "export", "--since", now.date().isoformat(), "--output", str(fifo)]
            )
        )
    )
    exporter.start()
    with open(fifo, encoding="utf-8") as pipe:
        first = pipe.readline()  # the export is under way, and blocks once the pipe is full
        assert json.loads(first)["resource"] == "entry"
        time.sleep(0.2)
        with app.app_context(), db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":  # fail fast (before the BEGIN) if locked
                connection.connection.driver_connection.execute("PRAGMA busy_timeout=500")
            connection.execute(
                insert(AuditEvent).values(
                    id=uuid.uuid4(), at=utcnow(), actor_role="system", action="create", resource="entry"
                )
            )
            connection.commit()
        rest = pipe.read()
    exporter.join(timeout=30)
    assert result["run"].exit_code == 0, result["run"].output
    assert len(rest.splitlines()) + 1 >= 3000
