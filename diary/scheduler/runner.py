"""Running the jobs: once each (``tick``), or on their intervals in APScheduler while elected.

``run_elected`` is the long-running ``scheduler run``: it holds the election
(diary/election.py) or waits for it, starts an APScheduler
``BackgroundScheduler`` when it wins and stops it when it loses, until SIGTERM
or SIGINT (``stop_on_signals``). ``init_app`` embeds one in the development
server instead. A job's failure is logged and rolled back, never raised.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time as monotonic_time
from datetime import UTC, datetime

import click
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask.helpers import get_debug_flag
from sqlalchemy.exc import DBAPIError

from .. import database, election
from ..db_types import utcnow
from ..extensions import db
from ..observability import JsonFormatter
from .jobs import JOBS, Job, stopping

log = logging.getLogger("diary.scheduler")


LOCK_RETRIES = (0.2, 1.0)  # seconds to wait before running a job again after a lost lock race


def _lost_a_lock_race(exc: BaseException) -> bool:
    """A transaction that lost to another process: SQLite's "database is locked" (a deferred
    transaction that read, then could not upgrade to write), a PostgreSQL deadlock or
    serialization failure. Running the job again is safe: every job claims its rows."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DBAPIError):
            code = getattr(exc.orig, "sqlstate", None)
            if "database is locked" in str(exc.orig) or code in ("40001", "40P01"):
                return True
        exc = exc.__cause__ or exc.__context__
    return False


def run_job(app, job: Job, now: datetime) -> tuple[bool, str]:
    """Runs one job in its own app context; a failure is logged and rolled back, not raised.

    A job that lost a lock race to another process is run again, a little later.
    """
    with app.app_context():
        for pause in (*LOCK_RETRIES, None):
            try:
                summary = job.run(app, now)
                database.outage(app).succeeded()
                return True, summary
            except Exception as exc:
                with contextlib.suppress(Exception):  # the connection is gone; the pool drops it
                    db.session.rollback()
                if pause is not None and _lost_a_lock_race(exc):
                    log.warning("scheduler job %s lost a lock race; running it again", job.name)
                    monotonic_time.sleep(pause)
                    continue
                if database.unavailable(exc) is not None:
                    database.outage(app).failed(exc)  # logged once per outage, not once per job and minute
                    return False, "failed (database unavailable)"
                log.exception("scheduler job %s failed", job.name)
                return False, f"failed ({exc.__class__.__name__})"
            finally:
                db.session.remove()


def tick(app, now: datetime) -> list[tuple[str, bool, str]]:
    """Every job once, as of ``now``: ``[(name, ok, summary)]``."""
    return [(job.name, *run_job(app, job, now)) for job in JOBS]


# ----------------------------------------------------------------- APScheduler


def build_scheduler(app, scheduler_class):
    """An APScheduler 3 scheduler with every job on its interval, the first run at once.

    One worker thread: the jobs run one after another, never two at once in a
    process; ``coalesce`` folds missed runs into one (the jobs catch up anyway).
    """
    scheduler = scheduler_class(
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        timezone=UTC,
    )
    for job in JOBS:
        scheduler.add_job(
            _scheduled_run,
            "interval",
            seconds=job.every.total_seconds(),
            args=(app, job),
            id=job.name,
            name=job.name,
            next_run_time=datetime.now(UTC),
        )
    return scheduler


def configure_logging(app):
    """JSON lines on stderr for the ``diary.*`` loggers of a scheduler (as the web requests log)."""
    logger = logging.getLogger("diary")
    if not any(
        getattr(handler, "_diary_scheduler", False) or getattr(handler, "_diary_json", False)
        for handler in logger.handlers
    ):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        handler._diary_scheduler = True
        logger.addHandler(handler)
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def _scheduled_run(app, job):
    ok, summary = run_job(app, job, utcnow())
    (log.info if ok else log.error)("%s: %s", job.name, summary)


def _is_serving_process() -> bool:
    """True in the process ``flask run`` serves from: not the reloader's watcher, not other commands."""
    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run":
        return False
    reload = context.params.get("reload")
    if reload is None:
        reload = get_debug_flag()
    return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def init_app(app):
    """Embeds a BackgroundScheduler in the development server when DIARY_EMBEDDED_SCHEDULER is on."""
    if not app.config.get("EMBEDDED_SCHEDULER") or not _is_serving_process():
        return
    configure_logging(app)
    scheduler = build_scheduler(app, BackgroundScheduler)
    scheduler.start()
    app.extensions["diary_scheduler"] = scheduler
    log.info("embedded scheduler started (pid %s)", os.getpid())


# ------------------------------------------------------------ the election


def stop_on_signals(app) -> None:
    """SIGTERM and SIGINT ask the scheduler to stop; the delivery job sees it too, and releases
    what it has not sent."""
    stop_requested = stopping(app)

    def stop(_signum, _frame):
        stop_requested.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def run_elected(app, *, poll: float) -> None:
    """Runs the jobs while this process holds the election lock, until asked to stop.

    The others wait; one takes over within ``poll`` seconds of the leader's death.
    """
    lock = election.lock_for(db.engine, app.instance_path)
    stop_requested = stopping(app)
    scheduler = None
    try:
        while not stop_requested.is_set():
            scheduler = _follow_the_election(app, lock, scheduler)
            stop_requested.wait(poll)
    finally:
        stop_requested.set()
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=True)
        lock.release()


def _follow_the_election(app, lock, scheduler):
    """Starts the jobs when this process wins the lock, stops them when it loses it; returns the
    scheduler running now, or None."""
    if scheduler is None and lock.acquire():
        log.info("scheduler elected (pid %s): running the jobs", os.getpid())
        scheduler = build_scheduler(app, BackgroundScheduler)
        scheduler.start()
    elif scheduler is not None and not lock.held():
        log.warning("scheduler lost the election lock (pid %s): stopping the jobs", os.getpid())
        scheduler.shutdown(wait=True)  # lets a job in progress finish; none starts after
        scheduler = None
        log.info("scheduler standing by (pid %s)", os.getpid())
    return scheduler
