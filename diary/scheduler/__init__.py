"""The scheduler: APScheduler wiring around jobs that call into the features.

``jobs`` is the table of jobs, ``runner`` runs them (once, or elected and
on their intervals) and ``cli`` is the ``scheduler`` command group.

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
"""

from .jobs import JOBS, Job
from .runner import build_scheduler, init_app, run_job, tick

__all__ = ["JOBS", "Job", "build_scheduler", "init_app", "run_job", "tick"]
