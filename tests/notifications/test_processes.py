"""Real processes: three `scheduler tick` at once, `scheduler run`, and the dev server's embedded scheduler.

They share the test's database: the SQLite file, or the run's PostgreSQL schema
(DIARY_TEST_DATABASE_URL), so the suite proves this on both.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from diary.accounts.models import Patient
from diary.extensions import db
from diary.monitoring import evaluation
from diary.notifications.models import OutboxMessage, ReminderSchedule
from diary.scheduler import JOBS
from tests.benchmarks.seed import seed_patients
from tests.support.mailbox import free_port

from .conftest import DAY, assert_ticked, utc
from .test_provider_alerts import raise_flag

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[2]


def environment(app, smtp_server, **extra):
    env = {
        **os.environ,
        "DIARY_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "DIARY_INSTANCE_PATH": app.instance_path,
        "DIARY_SECRET_KEY": "test-secret",
        "DIARY_SMTP_URL": smtp_server.url,
        "DIARY_BASE_URL": app.config["BASE_URL"],
        "DIARY_PUSH_ALLOW_INSECURE_ENDPOINTS": "1",
        "DIARY_PUSH_ALLOWED_HOSTS": "127.0.0.1",
        "DIARY_EMBEDDED_SCHEDULER": "0",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("FLASK_DEBUG", None)
    env.pop("WERKZEUG_RUN_MAIN", None)
    return env


def flask(*args):
    return [sys.executable, "-m", "flask", "--app", "diary", *args]


# `flask --app diary scheduler tick --at AT`, started when the clock reaches START: the three
# processes pay for their imports first, so their passes really run at the same moment.
AT_THE_SAME_MOMENT = (
    "import sys, time; import diary, flask.cli; start, at = float(sys.argv[1]), sys.argv[2]; "
    "time.sleep(max(0, start - time.time())); "
    "sys.argv = ['flask', '--app', 'diary', 'scheduler', 'tick', '--at', at]; flask.cli.main()"
)
BULK = 200


def test_three_ticks_at_once_send_each_message_exactly_once(clinic, app, provider):
    due = [clinic.patient(at=f"{DAY}T08:00:00+01:00", provider=provider) for _ in range(6)]
    pushed = [clinic.patient(at=f"{DAY}T08:00:00+01:00", provider=provider) for _ in range(3)]
    subscriptions = [clinic.subscribe(client) for client in pushed]
    checked_in = clinic.patient(at=f"{DAY}T08:00:00+01:00", provider=provider)
    from .test_reminders import check_in

    check_in(clinic, checked_in, f"{DAY}T09:00:00+01:00")
    raise_flag(app, due[0], "wearing_off", at=f"{DAY}T18:00:00Z")
    with app.app_context():  # and a crowd, so the passes and deliveries overlap: UTC, 20:00
        from diary.monitoring.evaluation import summarise_missing
        from diary.notifications import reminders
        from tests.benchmarks.seed import seed_patients

        crowd = seed_patients(BULK, days=0, with_logins=True, team_name="Crowd")
        # Summarised as the relief job would, at 08:00.
        assert summarise_missing(now=utc(f"{DAY}T08:00:00Z")) == BULK
        assert reminders.schedule_missing(now=utc(f"{DAY}T08:00:00Z")) == BULK
        db.session.commit()
    env = environment(app, clinic.smtp)

    start = time.time() + 4
    ticks = [
        subprocess.Popen(
            [sys.executable, "-c", AT_THE_SAME_MOMENT, str(start), f"{DAY}T20:00:00Z"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [tick.communicate(timeout=180) for tick in ticks]
    summaries = []
    for tick, (out, err) in zip(ticks, outputs, strict=True):
        lines = dict(line.split(": ", 1) for line in out.strip().splitlines() if ": " in line)
        assert_ticked(tick.returncode, lines, out + err)
        summaries.append(lines)
    # Between them the three queued and sent each message once: no pass counted one twice.
    messages = len(due) + len(pushed) + BULK
    assert sum(int(lines["reminders"].split(" ")[0]) for lines in summaries) == messages
    assert sum(int(lines["provider_alerts"].split(" ")[0]) for lines in summaries) == 1
    assert sum(int(lines["delivery"].split(" ")[0]) for lines in summaries) == messages + 1

    for client in due:
        assert len(clinic.mails_to(client)) == 1, client.user["email"]
    for _patient_id, email in crowd:
        assert len(clinic.smtp.to(email)) == 1, email
    for subscription in subscriptions:
        assert len(clinic.push.received(subscription)) == 1
    assert clinic.mails_to(checked_in) == [] and all(clinic.mails_to(client) == [] for client in pushed)
    assert len(clinic.smtp.to(provider["email"])) == 1  # the provider alert, once
    assert len(clinic.smtp.messages) == len(due) + BULK + 1
    assert {row.status for row in clinic.outbox()} == {"sent"}
    assert len(clinic.outbox()) == messages + 1


def test_scheduler_run_sends_a_due_reminder_and_stops_on_sigterm(clinic, app, smtp_server):
    pat = make_due_now(clinic, app)
    process = subprocess.Popen(
        flask("scheduler", "run"),
        cwd=ROOT,
        env=environment(app, smtp_server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        smtp_server.wait_for(1, timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "scheduler running" in out and "scheduler stopped" in out
    assert len(clinic.mails_to(pat)) == 1
    assert any(
        json.loads(line).get("event", "").startswith("reminders: 1 message(s)")
        for line in err.splitlines()
        if line.startswith("{")
    )


class Scheduler:
    """A `flask scheduler run --poll 1` process, its stderr read into lines as they come."""

    def __init__(self, app, smtp_server, **env):
        self.lines = []
        self.process = subprocess.Popen(
            flask("scheduler", "run", "--poll", "1"),
            cwd=ROOT,
            env=environment(app, smtp_server, **env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.process.stderr), daemon=True)
        self.reader.start()

    @property
    def elected(self):
        return any("scheduler elected" in line for line in list(self.lines))

    def events(self):
        return [json.loads(line)["event"] for line in list(self.lines) if line.startswith("{")]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.communicate(timeout=60)


def wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_schedulers_on_every_machine_elect_one_and_another_takes_over_when_it_dies(clinic, app, smtp_server):
    first_due = make_due_now(clinic, app)
    schedulers = [Scheduler(app, smtp_server) for _ in range(2)]
    try:
        wait_until(lambda: any(s.elected for s in schedulers), timeout=60)
        smtp_server.wait_for(1, timeout=60)
        time.sleep(3)  # three polls: the standby stays a standby
        [leader] = [s for s in schedulers if s.elected]
        [standby] = [s for s in schedulers if s is not leader]
        assert not standby.elected
        # The leader's checks find the lock held.
        assert not any("lost the election lock" in line for line in leader.lines)
        assert len(clinic.mails_to(first_due)) == 1

        # The standby pauses while the leader dies and a second reminder falls due,
        # so its first pass finds it.
        standby.process.send_signal(signal.SIGSTOP)
        leader.process.kill()  # no goodbye: the lock goes with the process (its connection, or its file)
        leader.process.wait(timeout=30)
        second_due = make_due_now(clinic, app, count_before=1)
        standby.process.send_signal(signal.SIGCONT)
        resumed_at = time.monotonic()
        wait_until(lambda: standby.elected, timeout=60)
        assert time.monotonic() - resumed_at < 60
        smtp_server.wait_for(2, timeout=60)  # the new leader runs the jobs
        assert len(clinic.mails_to(second_due)) == 1 and len(clinic.mails_to(first_due)) == 1
    finally:
        for scheduler in schedulers:
            scheduler.stop()


def take_the_lock_away(app, name):
    """What ends a leader's hold while it lives: on PostgreSQL the server ends its lock session
    (an administrator, a failover); on SQLite the lock file is deleted (a clean-up)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        os.unlink(Path(app.instance_path) / "scheduler.lock")
        return
    with db.engine.connect() as connection:  # only the session of the scheduler called ``name``
        ended = connection.execute(
            text(
                "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = :name"
            ),
            {"name": name},
        ).all()
    assert ended == [(True,)]


def test_a_leader_that_loses_its_lock_while_alive_stops_its_jobs_and_the_new_leader_runs_them_once(
    clinic, app, smtp_server
):
    first_due = make_due_now(clinic, app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    names = [f"afterglow-scheduler-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    schedulers = [
        Scheduler(app, smtp_server, DIARY_DATABASE_URL=f"{url}&application_name={name}")
        if url.startswith("postgresql")
        else Scheduler(app, smtp_server)
        for name in names
    ]
    try:
        wait_until(lambda: any(s.elected for s in schedulers), timeout=60)
        smtp_server.wait_for(1, timeout=60)
        [leader] = [s for s in schedulers if s.elected]
        [standby] = [s for s in schedulers if s is not leader]

        # A reminder falls due, and the leader pauses (a long garbage collection, a frozen VM)
        # before its next reminder pass; meanwhile it loses its lock and the standby takes over.
        # Then the old leader wakes, believing it leads, and may start a job before its next
        # check: it must not send twice. (Nothing here writes to the database during the pause:
        # on SQLite, a leader paused inside a transaction holds the write lock until it wakes.)
        second_due = make_due_now(clinic, app, empty=False)
        leader.process.send_signal(signal.SIGSTOP)
        try:
            with app.app_context():
                take_the_lock_away(app, names[schedulers.index(leader)])
            wait_until(lambda: standby.elected, timeout=60)
        finally:
            leader.process.send_signal(signal.SIGCONT)
        wait_until(lambda: "scheduler standing by" in " ".join(leader.events()), timeout=60)
        assert leader.process.poll() is None  # alive, and a standby now

        smtp_server.wait_for(2, timeout=60)
        time.sleep(20)  # longer than the delivery job's 15 seconds: a leader still running would run it
        assert len(clinic.mails_to(first_due)) == 1 and len(clinic.mails_to(second_due)) == 1
        assert len(smtp_server.messages) == 2
        events = leader.events()
        stood_by = max(i for i, event in enumerate(events) if event.startswith("scheduler standing by"))
        job_names = tuple(f"{job.name}: " for job in JOBS)
        assert [event for event in events[stood_by:] if event.startswith(job_names)] == []
        assert sum(event.startswith("scheduler elected") for event in events) == 1  # never leads again
        assert any(event.startswith("delivery: ") for event in standby.events())  # the new leader's jobs
    finally:
        for each in schedulers:
            each.stop()


@pytest.mark.parametrize("reload", [False, True], ids=["no-reloader", "reloader"])
def test_the_dev_server_embeds_one_scheduler_in_the_serving_process(clinic, app, smtp_server, reload):
    pat = make_due_now(clinic, app)
    port = free_port()
    args = flask("run", "--host", "127.0.0.1", "--port", str(port), "--reload" if reload else "--no-reload")
    # A session of its own: the reloader's child dies with its parent when the group is signalled.
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        env=environment(app, smtp_server, DIARY_EMBEDDED_SCHEDULER="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        smtp_server.wait_for(1, timeout=60)
        time.sleep(1)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            _out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _out, err = process.communicate()
    started = [line for line in err.splitlines() if "embedded scheduler started" in line]
    assert len(started) == 1, err
    assert len(clinic.mails_to(pat)) == 1


def test_other_commands_never_start_the_embedded_scheduler(app, smtp_server):
    env = environment(app, smtp_server, DIARY_EMBEDDED_SCHEDULER="1")
    result = subprocess.run(
        flask("scheduler", "tick"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert "embedded scheduler started" not in result.stderr
    assert "reminders:" in result.stdout


def make_due_now(clinic, app, empty=True, count_before=0):
    """A patient whose reminder was due a moment ago, in real time (these processes use the clock)."""
    now = datetime.now(UTC)
    pat = clinic.patient(
        zone="UTC", at=now - timedelta(hours=1), reminder=(now - timedelta(hours=1)).strftime("%H:%M")
    )
    with app.app_context():
        patient_id = uuid.UUID(pat.user["id"])
        patient = db.session.get(Patient, patient_id)
        # Due a second ago, today (UTC): pinned directly so the test never straddles midnight.
        reminder = max(
            (now - timedelta(seconds=1)).replace(second=0, microsecond=0),
            now.replace(hour=0, minute=0, second=0, microsecond=0),
        )
        patient.reminder_time = reminder.time()
        db.session.get(ReminderSchedule, patient_id).next_reminder_at = reminder
        db.session.commit()
        if empty:
            assert db.session.query(OutboxMessage).count() == count_before
    return pat


def test_three_ticks_at_once_all_finish_their_relief_job(app, smtp_server):
    """Each tick re-evaluates a crowd of patients at the same moment; on SQLite, savepoints in
    a transaction the driver began late made every one of them lose its lock race."""
    now = datetime.now(UTC)
    with app.app_context():
        seed_patients(150, days=14, team_name="Relief crowd")
        evaluation.refresh_all(now=now)
        db.session.commit()
    at = (now + timedelta(days=2)).isoformat()  # every patient's local day has moved on
    start = time.time() + 4
    env = environment(app, smtp_server)
    ticks = [
        subprocess.Popen(
            [sys.executable, "-c", AT_THE_SAME_MOMENT, str(start), at],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [tick.communicate(timeout=300) for tick in ticks]
    evaluated = 0
    for tick, (out, err) in zip(ticks, outputs, strict=True):
        lines = dict(line.split(": ", 1) for line in out.strip().splitlines() if ": " in line)
        assert not lines["relief"].startswith("failed"), out + err
        assert tick.returncode == 0, out + err
        evaluated += int(lines["relief"].split(" ")[0])
    assert evaluated >= 150


def test_sigterm_mid_delivery_releases_the_claims_it_has_not_sent(clinic, app, smtp_server):
    for _ in range(3):
        make_due_now(clinic, app, empty=False)
    smtp_server.hold_next()  # the first message takes its time at the server
    process = subprocess.Popen(
        flask("scheduler", "run"),
        cwd=ROOT,
        env=environment(app, smtp_server),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert smtp_server.held.wait(60), "no message reached the server"
        process.send_signal(signal.SIGTERM)
        time.sleep(1)
    finally:
        smtp_server.release()
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "scheduler stopped" in out
    assert len(smtp_server.messages) == 1  # the message in hand was finished; no other was begun
    rows = clinic.outbox()
    assert sorted(row.status for row in rows) == ["pending", "pending", "sent"]
    for row in rows:
        if row.status == "pending":  # released: due again now, the attempt not counted, no lease to wait out
            assert (row.attempts, row.lease_until) == (0, None)
            assert row.next_attempt_at <= datetime.now(UTC)
    assert any("released at shutdown" in line for line in err.splitlines())
