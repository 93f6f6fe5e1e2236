"""The database connection: a check-in is stored whole or not at all, the SQLite
files are private, an outage answers 503."""
import os
import stat
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import event, func, select

from diary import create_app
from diary.audit.models import AuditEvent
from diary.checkins.models import Entry
from diary.extensions import db
from diary.monitoring.models import PatientSummary
from tests.conftest import config_for_tests

ANSWERS = [1, 2, 0, 3, 1, 1, 2]


@contextmanager
def connection_killed_before(app, statement_start):
    """Closes the database connection under the app just before it runs a statement
    starting with ``statement_start``: a worker killed, a server gone, mid-transaction."""
    killed = []

    def kill(_conn, cursor, statement, *_args):
        if not killed and statement.lstrip().upper().startswith(statement_start):
            killed.append(statement)
            cursor.connection.close()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", kill)
    try:
        yield killed
    finally:
        event.remove(engine, "before_cursor_execute", kill)


def stored(app, entry_id, patient_id):
    with app.app_context():
        entry = db.session.get(Entry, entry_id)
        audits = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.resource == f"entry:{entry_id}"))
        summary = db.session.get(PatientSummary, patient_id)
        last_entry_at = summary.last_entry_at if summary else None
        db.session.remove()
    return entry, audits, last_entry_at


def test_a_check_in_killed_mid_transaction_leaves_nothing_and_its_retry_stores_it_whole(app, patient):
    entry_id = uuid.uuid4()
    patient_id = uuid.UUID(patient.user["id"])
    recorded_at = (datetime.now(timezone.utc) - timedelta(minutes=5)).replace(microsecond=0)
    body = {"id": str(entry_id), "answers": ANSWERS, "recorded_at": recorded_at.isoformat()}

    with connection_killed_before(app, "INSERT INTO AUDIT_EVENTS") as killed:
        response = patient.post("/api/v1/patients/me/entries", json=body)
    assert killed, "the check-in never wrote its audit row"
    assert response.status_code >= 500
    entry, audits, last_entry_at = stored(app, entry_id, patient_id)
    assert entry is None and audits == 0 and last_entry_at is None, "a part of the check-in was committed"

    retry = patient.post("/api/v1/patients/me/entries", json=body)
    assert retry.status_code == 201, retry.get_json()
    entry, audits, last_entry_at = stored(app, entry_id, patient_id)
    assert entry is not None and audits == 1 and last_entry_at == recorded_at


def test_a_check_in_killed_at_commit_is_stored_whole_or_not_at_all(app, patient):
    entry_id = uuid.uuid4()
    patient_id = uuid.UUID(patient.user["id"])
    body = {"id": str(entry_id), "answers": ANSWERS}
    with connection_killed_before(app, "UPDATE PATIENT_SUMMARIES") as killed:
        response = patient.post("/api/v1/patients/me/entries", json=body)
    assert killed, "the check-in never updated the summary"
    assert response.status_code >= 500
    assert stored(app, entry_id, patient_id)[:2] == (None, 0)
    assert patient.post("/api/v1/patients/me/entries", json=body).status_code in (200, 201)
    entry, audits, last_entry_at = stored(app, entry_id, patient_id)
    assert entry is not None and audits == 1 and last_entry_at is not None


def test_the_sqlite_database_and_its_journal_are_private(tmp_path, monkeypatch):
    """SQLite even when the suite runs on PostgreSQL (which keeps its files itself)."""
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    previous = os.umask(0o022)  # a usual umask: files readable by everyone unless made private
    try:
        app = create_app(config_for_tests(None, tmp_path))
        with app.app_context():
            db.create_all()
            path = Path(db.engine.url.database)
            with db.engine.connect():  # the -wal and -shm files live while it is open
                modes = {name: stat.S_IMODE(Path(f"{path}{name}").stat().st_mode) for name in ("", "-wal", "-shm")}
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert modes == {"": 0o600, "-wal": 0o600, "-shm": 0o600}
