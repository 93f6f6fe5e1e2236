"""The scheduler's jobs: one table, ``JOBS``, of functions ``(app, now) -> summary``.

Each job calls a service function of the feature that owns the work, commits
what it did, and returns a one-line summary. A job whose service claims a
bounded batch of rows runs it ``in_batches`` until a batch comes back short.
``tick`` runs the jobs in the order of the table (delivery after the jobs
that queue), so a tick delivers what it queued.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce

from ..accounts import resets
from ..extensions import analyze, db
from ..monitoring.evaluation import evaluate_due_patients, summarise_missing
from ..monitoring.priors import refresh_clinic_priors
from ..notifications import alerts, delivery, outbox, reminders

BATCH = 500
DELIVERY_BATCH = 20
MAX_BATCHES = 1000  # a pass ends even if the database keeps handing it due rows


@dataclass(frozen=True)
class Job:
    name: str
    run: object  # (app, now) -> one-line summary
    every: timedelta


def in_batches(run_batch, *, claimed=lambda result: result) -> list:
    """Runs ``run_batch`` until a batch claims fewer than BATCH rows, committing each batch.

    ``claimed`` tells how many rows a batch's result claimed (by default the
    result is that number). Returns every batch's result, in order.
    """
    results = []
    for _ in range(MAX_BATCHES):
        results.append(run_batch())
        db.session.commit()
        if claimed(results[-1]) < BATCH:
            break
    return results


def schedule_new_patients(app, now) -> str:
    count = sum(in_batches(lambda: reminders.schedule_missing(now=now, limit=BATCH)))
    return f"{count} patient(s) newly scheduled"


def send_reminders(app, now) -> str:
    """Queues every reminder due at ``now`` (the delivery job sends them)."""
    batches = in_batches(
        lambda: reminders.queue_due_reminders(now=now, limit=BATCH), claimed=lambda batch: batch.due
    )
    return reduce(reminders.ReminderPass.add, batches, reminders.ReminderPass()).summary()


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
    batches = in_batches(
        lambda: alerts.queue_provider_alerts(now=now, limit=BATCH), claimed=lambda batch: batch.flags
    )
    return reduce(alerts.AlertPass.add, batches, alerts.AlertPass()).summary()


def issue_password_resets(app, now) -> str:
    """Answers the password reset requests waiting (an email for each active account's), and
    deletes the resets whose link has expired. The request's answer never waits for this."""
    issued = sum(in_batches(lambda: resets.issue_password_resets(now=now, limit=BATCH)))
    purged = sum(in_batches(lambda: resets.purge_password_resets(now=now, limit=BATCH)))
    return f"{issued} reset request(s) answered, {purged} expired reset(s) deleted"


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
    count = sum(in_batches(lambda: outbox.purge_settled(before=now - outbox.RETENTION, limit=BATCH)))
    return f"{count} old message(s) deleted"


JOBS = (
    Job("schedules", schedule_new_patients, timedelta(hours=1)),
    Job("summaries", summarise_new_patients, timedelta(hours=1)),
    Job("reminders", send_reminders, timedelta(minutes=1)),
    Job("relief", evaluate_relief, timedelta(minutes=1)),
    Job("clinic_priors", refresh_priors, timedelta(hours=6)),
    Job("provider_alerts", alert_providers, timedelta(minutes=1)),
    Job("password_resets", issue_password_resets, timedelta(seconds=15)),
    Job("delivery", deliver, timedelta(seconds=15)),
    Job("outbox_retention", purge_outbox, timedelta(hours=6)),
    Job("statistics", refresh_statistics, timedelta(hours=24)),
)
