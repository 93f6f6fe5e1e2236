"""entries.instrument: the daily adaptation or the standard GAD-7 (issue 13, docs/api.md, "Two instruments")

Entries stored before this revision were answered on the daily form (a one-day
frame), so they become ``daily``: none of them is a validated two-week GAD-7.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("instrument", sa.String(length=8), server_default="daily", nullable=False)
        )
        batch_op.create_check_constraint(op.f("ck_entries_instrument"), "instrument IN ('daily', 'gad7')")


def downgrade():
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_entries_instrument"), type_="check")
        batch_op.drop_column("instrument")
