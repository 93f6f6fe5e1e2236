"""`flask --app diary audit export`: the trail as JSON lines, for an auditor."""

import json
import os
import sys
from datetime import UTC, date, datetime, time

import click
from flask.cli import AppGroup

from ..database import begin_read_only
from ..extensions import db
from ..localtime import parse_instant, utc_text
from . import service

audit = AppGroup("audit", help="The audit trail.")


class Instant(click.ParamType):
    """A date (midnight UTC) or an RFC 3339 datetime with an offset."""

    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            if len(value) == 10:
                return datetime.combine(date.fromisoformat(value), time(), UTC)
            return parse_instant(value)
        except ValueError:
            self.fail(f"{value!r} is neither YYYY-MM-DD nor an RFC 3339 datetime with an offset", param, ctx)


def _line(event):
    return {
        "id": str(event.id),
        "at": utc_text(event.at),
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "actor_role": event.actor_role,
        "actor_name": event.actor.name if event.actor else None,
        "patient_id": str(event.patient_id) if event.patient_id else None,
        "action": event.action,
        "resource": event.resource,
    }


def _open_private(path):
    # The trail names people; an export file is readable by its owner only.
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8")


@audit.command("export")
@click.option("--since", required=True, type=Instant(), help="First day or instant, inclusive (UTC).")
@click.option("--until", type=Instant(), default=None, help="Up to this day or instant, exclusive.")
@click.option(
    "--output", type=click.Path(dir_okay=False, writable=True), default=None, help="A file; default stdout."
)
def export(since, until, output):
    """Writes audit events as JSON lines, oldest first."""
    stream = _open_private(output) if output else sys.stdout
    count = 0
    # A long trail streams for a while: in a transaction that holds no write lock.
    begin_read_only(db.session)
    try:
        for event in service.events_between(since, until):
            stream.write(json.dumps(_line(event)) + "\n")
            count += 1
    finally:
        db.session.rollback()  # it only read: end it without burying an error
        if output:
            stream.close()
    # Exporting the trail is itself an export worth recording.
    service.record(None, "export", "audit_log")
    db.session.commit()
    click.echo(f"{count} events", err=True)
