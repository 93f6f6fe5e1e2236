"""Two machines' worth of Afterglow on one database and one Redis, driven at once.

Two gunicorn instances (two ports, as two machines behind a proxy would be),
each with its own scheduler, share the test's database (the SQLite file, or
the run's PostgreSQL schema) and the Redis on 127.0.0.1:6379. Check-ins sent to
both at once, replays of the same ids to both included, land once each; a
session opened on one works on the other; the login lockout counts failures
on both; each due reminder goes out once.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from diary.accounts.models import Patient
from diary.checkins.models import Entry
from diary.extensions import db
from diary.notifications.models import OutboxMessage, ReminderSchedule
from tests.conftest import PASSWORD
from tests.support.live_server import wait_until_serving
from tests.support.mailbox import free_port
from tests.support.redis_server import REDIS_URL, require_redis

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[1]
PATIENTS = 6
CHECKINS_EACH = 8


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "SMTP_URL": smtp_server.url}


class Machine:
    """One gunicorn instance and one scheduler, on a port of their own."""

    def __init__(self, app, smtp_server, name):
        self.port = free_port()
        self.log = open(Path(app.instance_path) / f"machine-{name}.log", "w")  # noqa: SIM115 (closed by stop)
        env = {
            **os.environ,
            "DIARY_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "DIARY_INSTANCE_PATH": app.instance_path,
            "DIARY_SECRET_KEY": app.config["SECRET_KEY"],
            "DIARY_SMTP_URL": smtp_server.url,
            "DIARY_RATELIMIT_STORAGE_URL": REDIS_URL,
            "DIARY_PASSWORD_HASH_MEMORY_KIB": "1024",
            "DIARY_PASSWORD_HASH_TIME_COST": "1",
            "DIARY_PASSWORD_HASH_PARALLELISM": "1",
            "DIARY_BIND": f"127.0.0.1:{self.port}",
            "DIARY_WORKERS": "2",
            "DIARY_EMBEDDED_SCHEDULER": "0",
            "PYTHONUNBUFFERED": "1",
        }
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        self.scheduler = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "diary", "scheduler", "run", "--poll", "1"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_until_serving(self):
        wait_until_serving(self.url + "/healthz", self.web, self.log.name)

    def stop(self):
        for process in (self.scheduler, self.web):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM) if process is self.web else process.send_signal(
                    signal.SIGTERM
                )
        for process in (self.scheduler, self.web):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.log.close()


class Browser:
    """A patient's phone: one session (cookie and CSRF token), sent to either machine."""

    def __init__(self):
        self.http = requests.Session()
        self.csrf = None

    def call(self, machine, method, path, body=None):
        headers = {"X-CSRF-Token": self.csrf} if self.csrf else {}
        response = self.http.request(method, machine.url + path, json=body, headers=headers, timeout=60)
        data = response.json() if response.content else None
        if isinstance(data, dict) and "csrf_token" in data:
            self.csrf = data["csrf_token"]
        return response

    def login(self, machine, email, password=PASSWORD):
        self.call(machine, "GET", "/api/v1/auth/session")
        return self.call(machine, "POST", "/api/v1/auth/login", {"email": email, "password": password})


def make_due_now(app, patient_ids):
    now = datetime.now(UTC)
    due = max(
        (now - timedelta(seconds=1)).replace(second=0, microsecond=0),
        now.replace(hour=0, minute=0, second=0, microsecond=0),
    )
    with app.app_context():
        for patient_id in patient_ids:
            db.session.get(Patient, patient_id).reminder_time = due.time()
            db.session.get(ReminderSchedule, patient_id).next_reminder_at = due
        db.session.commit()


def postpone_reminders(app, patient_ids):
    """Tomorrow: these patients check in during the test, and a check-in cancels that day's reminder."""
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with app.app_context():
        for patient_id in patient_ids:
            db.session.get(ReminderSchedule, patient_id).next_reminder_at = tomorrow
        db.session.commit()


def test_two_instances_on_one_database_and_one_redis(app, make_provider, make_patient, smtp_server):
    redis = require_redis()
    provider = make_provider()
    patients = [
        make_patient(provider, timezone_name="UTC", email=f"scale-{uuid.uuid4().hex[:8]}@mail.test")
        for _ in range(PATIENTS)
    ]
    patient_ids = [uuid.UUID(p.user["id"]) for p in patients]
    # Others get the reminders: whether a check-in beats the first scheduler pass is a race.
    quiet = [
        make_patient(provider, timezone_name="UTC", email=f"quiet-{uuid.uuid4().hex[:8]}@mail.test")
        for _ in range(PATIENTS)
    ]
    postpone_reminders(app, patient_ids)
    make_due_now(app, [uuid.UUID(p.user["id"]) for p in quiet])  # before the schedulers start
    machines = [Machine(app, smtp_server, name) for name in ("a", "b")]
    lockout_email = f"locked-{uuid.uuid4().hex[:8]}@mail.test"
    try:
        for machine in machines:
            machine.wait_until_serving()

        browsers = []  # each logs in on one machine and then uses both: the session is a row both read
        for number, patient in enumerate(patients):
            browser = Browser()
            assert browser.login(machines[number % 2], patient.user["email"]).status_code == 200
            browsers.append(browser)

        sent = {}  # entry id -> answers
        lock = threading.Lock()

        def check_in(number):
            browser, pid = browsers[number], patients[number].user["id"]
            for count in range(CHECKINS_EACH):
                entry_id = str(uuid.uuid4())
                body = {
                    "id": entry_id,
                    "answers": [count % 4] * 7,
                    "recorded_at": datetime.now(UTC).isoformat(),
                }
                # The same check-in to both machines at once: a phone retrying through another route.
                path = f"/api/v1/patients/{pid}/entries"
                with ThreadPoolExecutor(2) as pool:
                    answers = list(pool.map(browser.call, machines, ["POST"] * 2, [path] * 2, [body] * 2))
                statuses = sorted(answer.status_code for answer in answers)
                assert statuses == [200, 201], [a.text for a in answers]  # created once, replayed once
                assert {answer.json()["id"] for answer in answers} == {entry_id}
                with lock:
                    sent[entry_id] = body["answers"]

        with ThreadPoolExecutor(PATIENTS) as pool:
            list(pool.map(check_in, range(PATIENTS)))

        # The lockout: five failures for one email, spread over both machines, lock it on both.
        stranger = Browser()
        for attempt in range(5):
            assert stranger.login(machines[attempt % 2], lockout_email, "wrong password!").status_code == 401
        for machine in machines:
            assert stranger.login(machine, lockout_email, "wrong password!").status_code == 429

        # Each due reminder goes out once, though a scheduler runs beside each instance.
        smtp_server.wait_for(PATIENTS, timeout=90)
        time.sleep(3)  # a duplicate would have arrived by now
        with app.app_context():
            stored = {
                str(entry.id): entry.answers
                for entry in db.session.scalars(db.select(Entry).where(Entry.patient_id.in_(patient_ids)))
            }
            outbox = db.session.scalars(db.select(OutboxMessage)).all()
        assert stored == sent  # nothing lost, nothing twice
        for patient in quiet:
            assert len(smtp_server.to(patient.user["email"])) == 1, patient.user["email"]
        assert len(outbox) == PATIENTS
    finally:
        for machine in machines:
            machine.stop()
        for key in redis.scan_iter(match=f"*{lockout_email}*"):
            redis.delete(key)
