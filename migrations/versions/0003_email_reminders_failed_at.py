"""patients.email_reminders_failed_at: a reminder the mail server refused for good

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 20:10:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_reminders_failed_at", diary.db_types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("email_reminders_failed_at")
