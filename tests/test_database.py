"""The database connection: a check-in is stored whole or not at all, the SQLite
files are private, an outage answers 503."""

import logging
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from diary import create_app, database, scheduler
from diary.audit.models import AuditEvent
from diary.checkins.models import Entry
from diary.db_types import utcnow
from diary.extensions import db
from diary.monitoring.models import PatientSummary
from tests.conftest import config_for_tests
from tests.support.api_client import ApiClient
from tests.support.live_server import wait_until_serving
from tests.support.mailbox import free_port
from tests.support.tcp_proxy import TcpProxy

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
        audits = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.resource == f"entry:{entry_id}")
        )
        summary = db.session.get(PatientSummary, patient_id)
        last_entry_at = summary.last_entry_at if summary else None
        db.session.remove()
    return entry, audits, last_entry_at


def test_a_check_in_killed_mid_transaction_leaves_nothing_and_its_retry_stores_it_whole(app, patient):
    entry_id = uuid.uuid4()
    patient_id = uuid.UUID(patient.user["id"])
    recorded_at = (datetime.now(UTC) - timedelta(minutes=5)).replace(microsecond=0)
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
                modes = {
                    name: stat.S_IMODE(Path(f"{path}{name}").stat().st_mode) for name in ("", "-wal", "-shm")
                }
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert modes == {"": 0o600, "-wal": 0o600, "-shm": 0o600}


# ------------------------------------------------------------------ outages


def outage_lines(caplog):
    return [record for record in caplog.records if record.name == "diary.database"]


def test_an_unreachable_database_answers_503_with_retry_after_logged_once(tmp_path, monkeypatch, caplog):
    """A PostgreSQL URL on a closed port: every request that needs the database gets a 503."""
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    url = f"postgresql+psycopg://nobody:s3cret@127.0.0.1:{free_port()}/none?connect_timeout=2"
    client = ApiClient(
        create_app(config_for_tests(None, tmp_path, SQLALCHEMY_DATABASE_URI=url)).test_client()
    )
    caplog.set_level(logging.INFO)
    for _ in range(3):
        response = client.post(
            "/api/v1/auth/login", json={"email": "who@clinic.test", "password": "whatever it is"}
        )
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "service_unavailable"
        assert int(response.headers["Retry-After"]) > 0
    [line] = outage_lines(caplog)
    assert "database unavailable" in line.getMessage()
    everything = "\n".join(record.getMessage() + str(record.exc_info or "") for record in caplog.records)
    assert "SELECT" not in everything and "s3cret" not in everything and "who@clinic.test" not in everything
    assert not any(
        record.levelno >= logging.ERROR and record.name == "diary.errors" for record in caplog.records
    )


class Outage:
    """Really takes the suite's database away and brings it back: PostgreSQL behind a TCP
    proxy that is cut, or SQLite whose folder is moved away (new connections cannot open it)."""

    def __init__(self, database_url, tmp_path):
        self.proxy = None
        if database_url:
            parsed = make_url(database_url)
            self.proxy = TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432).start()
            self.url = parsed.set(host="127.0.0.1", port=self.proxy.port).render_as_string(
                hide_password=False
            )
        else:
            self.folder = tmp_path / "data"
            self.folder.mkdir()
            self.url = f"sqlite:///{self.folder / 'diary.sqlite3'}"

    def begin(self, app):
        if self.proxy:
            self.proxy.stop()
            return
        with app.app_context():
            db.engine.dispose()  # SQLite has no server: its open connections would go on reading
        self.folder.rename(self.folder.with_name("data-away"))

    def end(self):
        if self.proxy:
            self.proxy.start()
            return
        self.folder.with_name("data-away").rename(self.folder)

    def close(self):
        if self.proxy:
            self.proxy.stop()


@pytest.fixture
def outage(database_url, tmp_path):
    outage = Outage(database_url, tmp_path)
    yield outage
    outage.close()


@pytest.fixture
def app_config(app_config, outage):
    return {**app_config, "SQLALCHEMY_DATABASE_URI": outage.url}


def test_a_database_outage_answers_503_logs_once_and_ends_when_it_is_back(app, patient, outage, caplog):
    assert patient.get("/api/v1/patients/me/entries").status_code == 200
    caplog.set_level(logging.INFO)
    outage.begin(app)
    answers = [patient.get("/api/v1/patients/me/entries") for _ in range(4)]
    answers.append(patient.post("/api/v1/patients/me/entries", json={"answers": ANSWERS}))
    assert [response.status_code for response in answers] == [503] * 5
    assert all(response.headers["Retry-After"] == str(database.OUTAGE_RETRY_AFTER) for response in answers)
    assert [line.levelname for line in outage_lines(caplog)] == ["ERROR"]  # once, not per request

    outage.end()
    assert patient.get("/api/v1/patients/me/entries").status_code == 200
    assert patient.post("/api/v1/patients/me/entries", json={"answers": ANSWERS}).status_code == 201
    lines = outage_lines(caplog)
    assert (
        len(lines) == 2
        and "available again" in lines[1].getMessage()
        and "5 request(s)" in lines[1].getMessage()
    )
    everything = "\n".join(record.getMessage() for record in caplog.records)
    assert "SELECT" not in everything and "INSERT" not in everything
    assert not any(
        record.levelno >= logging.ERROR and record.name == "diary.errors" for record in caplog.records
    )


def test_a_scheduler_job_in_an_outage_fails_quietly_and_once(app, outage, caplog):
    caplog.set_level(logging.INFO)
    outage.begin(app)
    results = [scheduler.tick(app, datetime.now(UTC)) for _ in range(2)]
    assert all(
        summary == "failed (database unavailable)" for result in results for _name, ok, summary in result
    )
    assert len(outage_lines(caplog)) == 1
    assert not any(
        record.name == "diary.scheduler" and record.levelno >= logging.ERROR for record in caplog.records
    )
    outage.end()
    assert all(ok for _name, ok, _summary in scheduler.tick(app, datetime.now(UTC)))
    assert "available again" in outage_lines(caplog)[-1].getMessage()


def test_the_statistics_job_gives_the_planner_its_statistics(app, patient):
    [job] = [job for job in scheduler.JOBS if job.name == "statistics"]
    ok, summary = scheduler.run_job(app, job, utcnow())
    assert ok and summary == "statistics refreshed"
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            tables = {row[0] for row in db.session.execute(db.text("SELECT tbl FROM sqlite_stat1"))}
        else:
            tables = set(
                db.session.scalars(
                    db.text(
                        "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                        " AND last_analyze IS NOT NULL"
                    )
                )
            )
        assert {"reminder_schedules", "patient_summaries"} <= tables


def test_sqlite_faults_are_not_outages(tmp_path):
    """A missing table (a missed migration) or a syntax error is a bug, not something to wait out."""
    import sqlite3

    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    engine = create_engine(f"sqlite:///{tmp_path / 'faults.sqlite3'}")
    with engine.connect() as connection:
        for statement in ("SELECT * FROM no_such_table", "SELEC 1"):
            with pytest.raises(OperationalError) as caught:
                connection.exec_driver_sql(statement)
            assert database.unavailable(caught.value) is None, statement
    engine.dispose()
    locked = OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    assert database.unavailable(locked) == database.LOCKED_RETRY_AFTER
    cannot_open = sqlite3.OperationalError("unable to open database file")
    cannot_open.sqlite_errorname = "SQLITE_CANTOPEN"
    assert database.unavailable(OperationalError("SELECT 1", {}, cannot_open)) == database.OUTAGE_RETRY_AFTER


# ------------------------------------------------------------------ an unresponsive database

ROOT = Path(__file__).resolve().parents[1]


class Served:
    """The production shape, gunicorn -c gunicorn.conf.py (one worker, four threads), on ``url``."""

    def __init__(self, url, tmp_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 (closed by stop)
        env = {
            **os.environ,
            "DIARY_DATABASE_URL": url,
            "DIARY_INSTANCE_PATH": str(tmp_path / "instance"),
            "DIARY_SECRET_KEY": "test-secret",
            "DIARY_BIND": f"127.0.0.1:{self.port}",
            "DIARY_WORKERS": "1",
            "DIARY_THREADS": "4",
            "DIARY_EMBEDDED_SCHEDULER": "0",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )

    def wait_until_serving(self):
        wait_until_serving(self.url + "/", self.process, self.log.name)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # its threads may still be waiting on the database
        self.process.wait(timeout=60)
        self.log.close()


def timed(method, url, **kwargs):
    """(status, Retry-After, seconds); status None when no answer came within 30 s."""
    started = time.monotonic()
    try:
        response = requests.request(method, url, timeout=30, **kwargs)
    except requests.Timeout:
        return None, None, time.monotonic() - started
    return response.status_code, response.headers.get("Retry-After"), time.monotonic() - started


@pytest.mark.process
def test_an_unresponsive_database_answers_503_within_seconds_and_the_rest_keeps_serving(tmp_path):
    """A database that accepts connections and never answers: without timeouts every request
    waited 130 s for the driver's own connect timeout, and all four threads with them (even `/`)."""
    silent = TcpProxy("127.0.0.1", 9, silent=True).start()
    server = Served(f"postgresql+psycopg://nobody@127.0.0.1:{silent.port}/none", tmp_path)
    try:
        server.wait_until_serving()
        session = requests.get(server.url + "/api/v1/auth/session", timeout=30)
        assert session.status_code == 200  # the CSRF token needs no database
        login = {
            "cookies": session.cookies,
            "headers": {"X-CSRF-Token": session.json()["csrf_token"]},
            "json": {"email": "who@clinic.test", "password": "whatever it is"},
        }
        with ThreadPoolExecutor(8) as pool:
            logins = [
                pool.submit(timed, "POST", server.url + "/api/v1/auth/login", **login) for _ in range(6)
            ]
            health = pool.submit(timed, "GET", server.url + "/healthz")
            static = pool.submit(timed, "GET", server.url + "/")
            answers = [future.result() for future in logins]
            health, static = health.result(), static.result()
    finally:
        server.stop()
        silent.stop()
    # Six logins and /healthz on four threads: two rounds of the connect timeout at most.
    assert all(status == 503 and retry_after and seconds < 10 for status, retry_after, seconds in answers), (
        answers
    )
    assert health[0] == 503 and health[1] and health[2] < 10, health
    assert static[0] == 200 and static[2] < 10, static


@pytest.mark.postgresql
def test_a_web_request_gives_up_on_a_blocked_statement_and_a_job_waits_longer(app, app_config):
    """A statement stuck behind a lock (a hung transaction elsewhere) ends at the web requests'
    statement timeout with a 503; the scheduler's and the commands' transactions get the longer one."""
    quick = create_app({**app_config, "DATABASE_STATEMENT_TIMEOUT": 1, "DATABASE_JOB_STATEMENT_TIMEOUT": 30})
    client = ApiClient(quick.test_client())
    client.token()
    with app.app_context():
        blocker = db.engine.connect()
    blocker.exec_driver_sql("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
    release = threading.Timer(10, blocker.rollback)  # without a timeout the login waits for this
    release.start()
    try:
        started = time.monotonic()
        response = client.post(
            "/api/v1/auth/login", json={"email": "who@clinic.test", "password": "whatever"}
        )
        seconds = time.monotonic() - started
    finally:
        release.cancel()
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503 and seconds < 5, (response.status_code, seconds)
    assert response.get_json()["error"]["code"] == "service_unavailable" and response.headers["Retry-After"]
    with quick.test_request_context(), db.engine.connect() as connection:
        assert connection.scalar(db.text("SHOW statement_timeout")) == "1s"
    with quick.app_context():
        assert db.session.scalar(db.text("SHOW statement_timeout")) == "30s"
        db.session.remove()
        db.engine.dispose()
