"""Least privilege on PostgreSQL: the app runs as a role that owns nothing.

The owner of a table may do anything to it, ``ALTER TABLE audit_events DISABLE
TRIGGER ALL`` included, which switches off the audit trail's append-only
triggers (migration 0002). So two roles: one owns the schema and runs
``db upgrade``; the app (web server, scheduler) connects as another, which
``db grant ROLE`` (run as the owner, after ``db upgrade``) gives only what it
needs: USAGE on the schema, SELECT, INSERT, UPDATE and DELETE on the tables
(SELECT and INSERT only on ``audit_events``, SELECT only on ``alembic_version``),
USAGE and SELECT on the sequences, and the same by default on what later
migrations create. Nothing else: no ownership, no TRUNCATE, no CREATE, no ALTER.
Running it again (after an upgrade) puts the grants back to exactly these.

SQLite has no roles: its database is a file, and whoever can write the file can
do anything to it; the operating system's file permissions are its only boundary.
"""

import click
from flask.cli import with_appcontext
from sqlalchemy import text

from .extensions import db

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
# What the app role may do to a table besides the default above.
NARROWER = {
    "audit_events": "SELECT, INSERT",  # append-only: the triggers refuse the rest anyway
    "alembic_version": "SELECT",  # `db upgrade` at head (make serve) only reads it
}


def _refusal(connection, role: str) -> str | None:
    """Why ``role`` cannot be the app's role (None if it can)."""
    found = connection.execute(
        text(
            "SELECT rolsuper, pg_has_role(:role, current_user, 'MEMBER') FROM pg_roles WHERE rolname = :role"
        ),
        {"role": role},
    ).first()
    if found is None:
        return f"there is no role {role}: create it first (CREATE ROLE {role} LOGIN PASSWORD '…')"
    superuser, is_owner = found
    if superuser:
        return f"{role} is a superuser, who may do anything"
    if is_owner:
        return f"{role} is the owner (this connection's role) or a member of it, so it could alter the tables"
    return None


@click.command("grant")
@click.argument("role")
@with_appcontext
def grant_command(role):
    """Gives ROLE (the app's PostgreSQL role) only the privileges the app needs; run it as the owner."""
    if db.engine.dialect.name != "postgresql":
        click.echo(
            "This deployment runs on SQLite, which has no roles: protect its file and folder instead.",
            err=True,
        )
        raise SystemExit(2)
    quote = db.engine.dialect.identifier_preparer.quote_identifier
    with db.engine.begin() as connection:
        problem = _refusal(connection, role)
        if problem:
            raise click.ClickException(problem)
        schema = connection.scalar(text("SELECT current_schema()"))
        tables = connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY tablename"),
            {"schema": schema},
        ).all()
        who, where = quote(role), quote(schema)
        statements = [
            f"GRANT USAGE ON SCHEMA {where} TO {who}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT {TABLE_PRIVILEGES} ON TABLES TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT USAGE, SELECT ON SEQUENCES TO {who}",
        ]
        statements += [
            f"GRANT {NARROWER.get(table, TABLE_PRIVILEGES)} ON {where}.{quote(table)} TO {who}"
            for table in tables
        ]
        for statement in statements:
            connection.exec_driver_sql(statement)
    click.echo(f"{role} may now read and write the {len(tables)} tables of schema {schema}, and own nothing")
