"""reminder schedules: last_reminded_at, the instant of the last reminder queued

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 20:30:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminder_schedules") as batch_op:
        batch_op.add_column(
            sa.Column("last_reminded_at", diary.db_types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("reminder_schedules") as batch_op:
        batch_op.drop_column("last_reminded_at")
