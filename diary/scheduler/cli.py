"""``flask --app diary scheduler tick|run`` (docs/operations.md, "Scheduler and reminders")."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup

from .. import election
from ..db_types import utcnow
from ..localtime import parse_instant
from . import runner
from .jobs import JOBS

scheduler = AppGroup("scheduler", help="Reminders, relief evaluation and delivery.")


def _parse_instant(_ctx, _param, value):
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        raise click.BadParameter(
            "give an RFC 3339 date and time with Z or an offset, e.g. 2026-03-29T01:30:00Z"
        ) from None


@scheduler.command("tick")
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
    results = runner.tick(app, at or utcnow())
    for name, _ok, summary in results:
        click.echo(f"{name}: {summary}")
    if not all(ok for _name, ok, _summary in results):
        raise SystemExit(1)


@scheduler.command("run")
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
    runner.configure_logging(app)
    runner.stop_on_signals(app)
    click.echo(f"scheduler running (pid {os.getpid()}): {', '.join(job.name for job in JOBS)}")
    try:
        runner.run_elected(app, poll=poll)
    finally:
        click.echo("scheduler stopped")
