"""audit_events is append-only in the database

Triggers refuse every UPDATE and DELETE of an audit row (and, on PostgreSQL,
a TRUNCATE), whoever sends it: the application, a console, a script. The trail
keeps no foreign keys, so deleting an account never touches it.

On SQLite, a later migration that rebuilds audit_events with batch mode
(copy, drop, rename) drops these triggers: it must create them again.

Its downgrade drops them, which opens the trail to changes and deletion: it
asks for the initial schema's consent (``--yes-destroy-all-data``) too.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 20:00:00

"""

from alembic import context, op
from alembic.util import CommandError

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

REFUSAL = "audit_events is append-only"
# `flask db downgrade --yes-destroy-all-data` passes it (diary/backup.py); plain Alembic: -x yes-destroy-all-data=yes
CONSENT = "yes-destroy-all-data"

POSTGRESQL_UP = (
    f"""
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
    """,
    """
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
    """,
)
POSTGRESQL_DOWN = (
    "DROP TRIGGER audit_events_no_truncate ON audit_events",
    "DROP TRIGGER audit_events_no_update_or_delete ON audit_events",
    "DROP FUNCTION audit_events_append_only()",
)

SQLITE_UP = (
    f"""
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused'); END
    """,
)
SQLITE_DOWN = (
    "DROP TRIGGER audit_events_no_delete",
    "DROP TRIGGER audit_events_no_update",
)


def _statements(postgresql, sqlite):
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql
    if dialect == "sqlite":
        return sqlite
    raise RuntimeError(f"unsupported database: {dialect}")


def upgrade():
    for statement in _statements(POSTGRESQL_UP, SQLITE_UP):
        op.execute(statement)


def downgrade():
    if context.get_x_argument(as_dictionary=True).get(CONSENT) != "yes":
        raise CommandError(
            "Downgrading below 0002 drops the triggers that keep the audit trail append-only, "
            "so its rows could then be changed or deleted. To go ahead anyway, run "
            "`flask --app diary db downgrade --yes-destroy-all-data`."
        )
    for statement in _statements(POSTGRESQL_DOWN, SQLITE_DOWN):
        op.execute(statement)
