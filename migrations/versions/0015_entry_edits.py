"""entry edits: the idempotency keys of applied check-in edits (an outbox replays a PATCH once)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 05:00:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "entry_edits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("applied_at", diary.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name=op.f("fk_entry_edits_entry_id_entries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_edits")),
    )
    with op.batch_alter_table("entry_edits") as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_edits_entry_id"), ["entry_id"], unique=False)


def downgrade():
    with op.batch_alter_table("entry_edits") as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_edits_entry_id"))
    op.drop_table("entry_edits")
