"""The reminder pass with 1,000 and with 100,000 enrolled patients, 1 % of them due (issue: scheduler).

A pass reads the due rows through the ``next_reminder_at`` index, so its cost
should follow the patients who are due, not the patients enrolled. Printed:

* the pass at each size with 1 % due, and its cost per due patient: 100,000
  against 1,000 should be at most 2x (the goal);
* the pass with the same 10 patients due among 100,000: against 1,000, the
  pure effect of enrolment (also at most 2x);
* an idle pass (nobody due) at each size, and delivering what one pass queued
  (email with no SMTP URL: the channel writes to the log, so this is our side only).
"""

import statistics
import time
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time

from sqlalchemy import delete, insert, update

from diary import scheduler
from diary.accounts.models import Patient
from diary.extensions import analyze, db
from diary.notifications.models import OutboxMessage, ReminderSchedule

from .harness import make_app
from .seed import seed_patients

SIZES = (1_000, 100_000)
DUE_SHARE = 0.01
REPEAT = 5


def run(report, database_url=None):
    results = {}
    for enrolled in SIZES:
        app = make_app(database_url, SMTP_URL=None)
        with app.app_context():
            db.drop_all()  # a PostgreSQL schema is shared by both sizes
            db.create_all()
            started = time.perf_counter()
            patient_ids = seed_patients(enrolled, days=0, team_name=f"Bench {enrolled}")
            pass_at = _seed_schedules(patient_ids)
            analyze()  # as autovacuum would on PostgreSQL, and the statistics job on SQLite
            print(f"   seeded {enrolled:,} patients in {time.perf_counter() - started:.1f} s", flush=True)
        due = patient_ids[: max(1, int(enrolled * DUE_SHARE))]
        results[enrolled] = {
            "due": len(due),
            "pass": _time_pass(app, due, pass_at),
            "pass_10": _time_pass(app, due[:10], pass_at),
            "idle": _time_pass(app, [], pass_at),
            "deliver": _time_delivery(app, due, pass_at),
        }
        with app.app_context():
            db.drop_all()
            db.engine.dispose()

    small, large = results[SIZES[0]], results[SIZES[-1]]
    for enrolled, r in results.items():
        report.add(f"reminder pass, {enrolled:,} enrolled, {r['due']:,} due", r["pass"])
    per_small, per_large = small["pass"] / small["due"], large["pass"] / large["due"]
    report.add(f"  per due patient, {SIZES[0]:,} enrolled (reference)", per_small, per_small)
    report.add(f"  per due patient, {SIZES[-1]:,} enrolled", per_large, per_small, "goal <= 2x")
    report.add(
        f"reminder pass, {SIZES[0]:,} enrolled, 10 due (reference)", small["pass_10"], small["pass_10"]
    )
    report.add(
        f"reminder pass, {SIZES[-1]:,} enrolled, 10 due", large["pass_10"], small["pass_10"], "goal <= 2x"
    )
    report.add(f"idle pass, {SIZES[0]:,} enrolled (reference)", small["idle"], small["idle"])
    report.add(f"idle pass, {SIZES[-1]:,} enrolled", large["idle"], small["idle"])
    report.add(
        f"  delivery per message, {SIZES[0]:,} enrolled (reference)", small["deliver"], small["deliver"]
    )
    report.add(f"  delivery per message, {SIZES[-1]:,} enrolled", large["deliver"], small["deliver"])


def _seed_schedules(patient_ids):
    """Everyone at 20:00 UTC; the pass runs at 20:30. The first 1 % are due (reset before each
    pass); the rest are scheduled later tonight or, reminded already, tomorrow."""
    today = datetime.now(UTC).date()
    pass_at = datetime.combine(today, wall_time(20, 30), tzinfo=UTC)
    tomorrow = pass_at + timedelta(days=1) - timedelta(minutes=30)
    rows = []
    for number, patient_id in enumerate(patient_ids):
        later = pass_at + timedelta(minutes=30 + 60 * (number % 3))
        rows.append(
            {
                "patient_id": patient_id,
                "next_reminder_at": tomorrow if number % 2 else later,
                "last_reminded_on": today if number % 2 else None,
            }
        )
        if len(rows) >= 5000:
            db.session.execute(insert(ReminderSchedule.__table__), rows)
            rows.clear()
    if rows:
        db.session.execute(insert(ReminderSchedule.__table__), rows)
    db.session.execute(
        update(Patient).values(reminder_time=wall_time(20, 0), email_reminders=True, reminders_enabled=True)
    )
    db.session.commit()
    return pass_at


def _make_due(app, due, pass_at):
    """Puts ``due`` back to "today's reminder has come" and empties the outbox (not timed)."""
    with app.app_context():
        db.session.execute(delete(OutboxMessage))
        if due:
            reset = [
                {
                    "patient_id": pid,
                    "next_reminder_at": pass_at - timedelta(minutes=30),
                    "last_reminded_on": None,
                }
                for pid in due
            ]
            db.session.execute(update(ReminderSchedule), reset)  # ORM bulk UPDATE by primary key
        db.session.commit()


def _time_pass(app, due, pass_at):
    job = next(job for job in scheduler.JOBS if job.name == "reminders")
    samples = []
    for _ in range(REPEAT):
        _make_due(app, due, pass_at)
        started = time.perf_counter()
        ok, summary = scheduler.run_job(app, job, pass_at)
        samples.append(time.perf_counter() - started)
        assert ok and summary.startswith(f"{len(due)} message(s)"), summary
    return statistics.median(samples)


def _time_delivery(app, due, pass_at):
    job = next(job for job in scheduler.JOBS if job.name == "delivery")
    _make_due(app, due, pass_at)
    scheduler.run_job(app, next(job for job in scheduler.JOBS if job.name == "reminders"), pass_at)
    started = time.perf_counter()
    ok, summary = scheduler.run_job(app, job, pass_at)
    elapsed = time.perf_counter() - started
    assert ok and summary.startswith(f"{len(due)} sent"), summary
    return elapsed / len(due)
