"""The scheduler's own wiring: the tick command, job isolation, lock-race retries, APScheduler setup."""

import sqlite3
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import OperationalError

from diary import scheduler
from diary.db_types import utcnow

from .conftest import DAY


def test_tick_takes_an_rfc3339_instant_with_an_offset(runner):
    for bad in (f"{DAY} 20:00", "tomorrow"):
        result = runner.invoke(args=["scheduler", "tick", "--at", bad])
        assert result.exit_code == 2 and "--at" in result.output, result.output


def test_tick_prints_one_line_per_job_in_order(clinic):
    lines = clinic.tick(f"{DAY}T20:00:00Z")
    assert list(lines) == [job.name for job in scheduler.JOBS]


def test_a_failing_job_does_not_stop_the_others(app):
    calls = []

    def broken(app, now):
        raise RuntimeError("boom")

    ok, summary = scheduler.run_job(app, scheduler.Job("broken", broken, timedelta(minutes=1)), utcnow())
    assert (ok, summary) == (False, "failed (RuntimeError)")
    ok, summary = scheduler.run_job(
        app,
        scheduler.Job("fine", lambda app, now: calls.append(now) or "done", timedelta(minutes=1)),
        utcnow(),
    )
    assert (ok, summary, len(calls)) == (True, "done", 1)


def test_a_job_that_lost_a_lock_race_runs_again(app):
    attempts = []

    def contended(app, now):
        attempts.append(now)
        if len(attempts) == 1:
            raise OperationalError("UPDATE …", {}, sqlite3.OperationalError("database is locked"))
        return "done"

    ok, summary = scheduler.run_job(
        app, scheduler.Job("contended", contended, timedelta(minutes=1)), utcnow()
    )
    assert (ok, summary, len(attempts)) == (True, "done", 2)


def test_every_job_is_scheduled_on_its_interval(app):
    background = scheduler.build_scheduler(app, BackgroundScheduler)
    background.start(paused=True)
    try:
        jobs = {job.id: job for job in background.get_jobs()}
    finally:
        background.shutdown(wait=False)
    assert set(jobs) == {job.name for job in scheduler.JOBS}
    assert jobs["reminders"].trigger.interval == timedelta(minutes=1)
    assert jobs["delivery"].trigger.interval == timedelta(seconds=15)
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())


def test_the_app_factory_embeds_no_scheduler_outside_flask_run(app_config):
    from diary import create_app

    app = create_app({**app_config, "EMBEDDED_SCHEDULER": True})
    assert "diary_scheduler" not in app.extensions
