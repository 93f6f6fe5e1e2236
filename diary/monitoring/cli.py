"""``flask --app diary monitoring ...``: re-evaluating patients by hand."""

import click
from flask.cli import AppGroup

from ..db_types import utcnow
from .evaluation import evaluate_due_patients, refresh_all

monitoring = AppGroup("monitoring", help="Relief evaluation.")


@monitoring.command("refresh")
def refresh_command():
    """Re-evaluates every patient: after an import, or a change of DIARY_RELIEF_PARAMS."""
    count = refresh_all(now=utcnow())
    click.echo(f"{count} patient(s) re-evaluated")


@monitoring.command("evaluate")
def evaluate_command():
    """Re-evaluates the patients whose local day has moved on (what the scheduler does each minute)."""
    click.echo(f"{evaluate_due_patients(utcnow())} patient(s) re-evaluated")
