"""The scheduler: APScheduler wiring around jobs that call into the features.

Process model. ``flask --app diary scheduler run`` is a long-running process
that may be started on every machine: an election (diary/election.py: a
PostgreSQL advisory lock, or a lock file on SQLite) lets one of them run an
APScheduler 3 ``BackgroundScheduler``, and another takes over within
``--poll`` seconds when it dies. Never start one per web worker: APScheduler's
job stores cannot be shared between processes (its FAQ). Our jobs keep no
state of their own in APScheduler, though; everything lives in the database
and every job claims its rows, so even two leaders at once, or a
``scheduler tick`` run beside one, repeat no message. ``make run`` embeds a
``BackgroundScheduler`` in the development server instead
(``DIARY_EMBEDDED_SCHEDULER``), started only in the process that serves.

Each job takes ``now`` and commits its own work; ``tick`` runs them all once,
in the order of ``JOBS`` (delivery after the jobs that queue), so a tick
delivers what it queued.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time as monotonic_time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import current_app
from flask.cli import AppGroup
from flask.helpers import get_debug_flag
from sqlalchemy.exc import DBAPIError

from .. import database, election
from ..db_types import utcnow
from ..extensions import analyze, db
from ..localtime import parse_instant
from ..monitoring.evaluation import evaluate_due_patients, summarise_missing
from ..monitoring.priors import refresh_clinic_priors
from ..notifications import alerts, delivery, outbox, reminders
from ..observability import JsonFormatter

log = logging.getLogger("diary.scheduler")

BATCH = 500
DELIVERY_BATCH = 20
MAX_BATCHES = 1000  # a pass ends even if the database keeps handing it due rows


@dataclass(frozen=True)
class Job:
    name: str
    run: object  # (app, now) -> one-line summary
    every: timedelta


# ----------------------------------------------------------------------- jobs


def schedule_new_patients(app, now) -> str:
    total = 0
    for _ in range(MAX_BATCHES):
        count = reminders.schedule_missing(now=now, limit=BATCH)
        db.session.commit()
        total += count
        if count < BATCH:
            break
    return f"{total} patient(s) newly scheduled"


def _in_batches(total, run_batch, claimed):
    """Runs ``run_batch`` until a batch claims fewer than BATCH rows, committing each; sums into ``total``."""
    for _ in range(MAX_BATCHES):
        batch = run_batch()
        db.session.commit()
        total.add(batch)
        if claimed(batch) < BATCH:
            break
    return total.summary()


def send_reminders(app, now) -> str:
    """Queues every reminder due at ``now`` (the delivery job sends them)."""
    return _in_batches(
        reminders.ReminderPass(),
        lambda: reminders.queue_due_reminders(now=now, limit=BATCH),
        lambda batch: batch.due,
    )


def summarise_new_patients(app, now) -> str:
    """Summaries for patients who have none (imported in bulk): every registration makes its own,
    so this looks through every patient only once an hour, never in the minute's relief pass."""
    return f"{summarise_missing(now=now)} patient(s) newly summarised"


def evaluate_relief(app, now) -> str:
    """Re-evaluates the patients whose local day has moved on (data_gap, plan_maintenance):
    it reads only the due summary rows, so it costs in proportion to them."""
    count = evaluate_due_patients(now=now)
    db.session.commit()
    return f"{count} patient(s) re-evaluated"


def refresh_statistics(app, now) -> str:
    """The query planner's statistics (ANALYZE). SQLite keeps none unless asked, and without
    them it chose a scan of every reminder schedule for the minute's reminder pass at 100,000
    patients (87 ms against 0.4 ms: `make bench`); PostgreSQL's autovacuum keeps them too, and
    one more ANALYZE a day there costs little."""
    analyze()
    return "statistics refreshed"


def refresh_priors(app, now) -> str:
    """The relief forecast's clinic priors (other patients' wear-off durations), never computed per request."""
    count = refresh_clinic_priors(now=now)
    db.session.commit()
    return f"{count} clinic prior(s) refreshed"


def alert_providers(app, now) -> str:
    return _in_batches(
        alerts.AlertPass(),
        lambda: alerts.queue_provider_alerts(now=now, limit=BATCH),
        lambda batch: batch.flags,
    )


def deliver(app, now) -> str:
    """Sends what the outbox holds (``outbox.deliver_due``) until it is empty or the scheduler stops."""
    settings = delivery.delivery_settings(app)
    return outbox.deliver_due(
        now, settings, stop=stopping(app), batch_size=DELIVERY_BATCH, max_batches=MAX_BATCHES
    ).summary()


def stopping(app) -> threading.Event:
    """Set when the scheduler is asked to stop: delivery finishes the message in hand, releases the rest."""
    return app.extensions.setdefault("diary_scheduler_stopping", threading.Event())


def purge_outbox(app, now) -> str:
    """Deletes messages settled more than ``outbox.RETENTION`` ago."""
    total = 0
    for _ in range(MAX_BATCHES):
        count = outbox.purge_settled(before=now - outbox.RETENTION, limit=BATCH)
        db.session.commit()
        total += count
        if count < BATCH:
            break
    return f"{total} old message(s) deleted"


JOBS = (
    Job("schedules", schedule_new_patients, timedelta(hours=1)),
    Job("summaries", summarise_new_patients, timedelta(hours=1)),
    Job("reminders", send_reminders, timedelta(minutes=1)),
    Job("relief", evaluate_relief, timedelta(minutes=1)),
    Job("clinic_priors", refresh_priors, timedelta(hours=6)),
    Job("provider_alerts", alert_providers, timedelta(minutes=1)),
    Job("delivery", deliver, timedelta(seconds=15)),
    Job("outbox_retention", purge_outbox, timedelta(hours=6)),
    Job("statistics", refresh_statistics, timedelta(hours=24)),
)


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


# ------------------------------------------------------------------------ CLI

cli = AppGroup("scheduler", help="Reminders, relief evaluation and delivery.")


def _parse_instant(_ctx, _param, value):
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise click.BadParameter(
            "give an RFC 3339 date and time with Z or an offset, e.g. 2026-03-29T01:30:00Z"
        ) from None


@cli.command("tick")
@click.option(
    "--at",
    "at",
    callback=_parse_instant,
    metavar="DATETIME",
    help="Run as of this instant (RFC 3339); default now.",
)
def tick_command(at):
    """Runs every scheduler job once and prints what each did."""
    app = current_app._get_current_object()
    results = tick(app, at or utcnow())
    for name, _ok, summary in results:
        click.echo(f"{name}: {summary}")
    if not all(ok for _name, ok, _summary in results):
        raise SystemExit(1)


@cli.command("run")
@click.option(
    "--poll",
    type=click.FloatRange(min=1),
    default=election.POLL,
    show_default=True,
    metavar="SECONDS",
    help="How often a standby tries to take over, and a leader checks that it still leads.",
)
def run_command(poll):
    """Runs the scheduler until stopped (Ctrl-C or SIGTERM); one machine of many leads.

    Start it on every machine: one holds the election lock (a PostgreSQL
    advisory lock, or a lock file on SQLite) and runs the jobs; the others
    wait, and one takes over within ``--poll`` seconds of the leader's death.
    """
    app = current_app._get_current_object()
    configure_logging(app)
    lock = election.lock_for(db.engine, app.instance_path)
    stop_requested = stopping(app)  # the delivery job sees it too, and releases what it has not sent

    def stop(_signum, _frame):
        stop_requested.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"scheduler running (pid {os.getpid()}): {', '.join(job.name for job in JOBS)}")
    scheduler = None
    try:
        while not stop_requested.is_set():
            if scheduler is None and lock.acquire():
                log.info("scheduler elected (pid %s): running the jobs", os.getpid())
                scheduler = build_scheduler(app, BackgroundScheduler)
                scheduler.start()
            elif scheduler is not None and not lock.held():
                log.warning("scheduler lost the election lock (pid %s): stopping the jobs", os.getpid())
                scheduler.shutdown(wait=True)  # lets a job in progress finish; none starts after
                scheduler = None
                log.info("scheduler standing by (pid %s)", os.getpid())
            stop_requested.wait(poll)
    finally:
        stop_requested.set()
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=True)
        lock.release()
        click.echo("scheduler stopped")
