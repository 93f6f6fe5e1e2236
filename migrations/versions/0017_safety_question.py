"""the safety question: its answer on each check-in, and the worklist's mark for new reports

``entries.safety`` holds the answer to the PHQ-9's item 9 asked with the standard
GAD-7 (0..3, NULL when it was not asked); ``patient_summaries.new_reports_at`` marks a
patient whose note or side effect no one on the care team has seen yet.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 04:45:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("entries") as batch_op:
        batch_op.add_column(sa.Column("safety", sa.SmallInteger(), nullable=True))
        batch_op.create_check_constraint("safety", "safety IS NULL OR safety BETWEEN 0 AND 3")
    with op.batch_alter_table("patient_summaries") as batch_op:
        batch_op.add_column(
            sa.Column("new_reports_at", diary.db_types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("patient_summaries") as batch_op:
        batch_op.drop_column("new_reports_at")
    with op.batch_alter_table("entries") as batch_op:
        batch_op.drop_constraint("safety", type_="check")
        batch_op.drop_column("safety")
