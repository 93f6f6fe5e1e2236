"""the response at a fixed time point: each cycle's daily score on day 7 after the course

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    # Filled by the next refresh of each patient (the scheduler re-evaluates every patient
    # once their local day moves on); until then the fixed-day response counts them as not assessable.
    with op.batch_alter_table("relief_cycles") as batch_op:
        batch_op.add_column(sa.Column("fixed_day_score", sa.SmallInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("relief_cycles") as batch_op:
        batch_op.drop_column("fixed_day_score")
