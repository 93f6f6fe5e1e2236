"""flags a patient's report raises: safety and side_effect, ranked on the worklist

``safety`` (an answer above 0 to the safety question) ranks above every other
flag and ``side_effect`` just below ``urgent``, so every stored urgency rank
moves: 0 (urgent) to 1, 1 (wearing_off) to 3, 2 (data_gap) to 4, 3
(plan_maintenance, non_response) to 5, 4 (no open flag) to 6.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 04:30:00

"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD_KINDS = "('wearing_off', 'non_response', 'urgent', 'data_gap', 'plan_maintenance')"
NEW_KINDS = (
    "('wearing_off', 'non_response', 'urgent', 'data_gap', 'plan_maintenance', 'safety', 'side_effect')"
)
UP = "CASE urgency_rank WHEN 0 THEN 1 WHEN 1 THEN 3 WHEN 2 THEN 4 WHEN 3 THEN 5 ELSE 6 END"
DOWN = "CASE urgency_rank WHEN 0 THEN 0 WHEN 1 THEN 0 WHEN 2 THEN 1 WHEN 3 THEN 1 WHEN 4 THEN 2 WHEN 5 THEN 3 ELSE 4 END"


def _kinds(kinds):
    with op.batch_alter_table("flags") as batch_op:
        batch_op.drop_constraint("kind", type_="check")
        batch_op.create_check_constraint("kind", f"kind IN {kinds}")


def _ranks(top, case):
    with op.batch_alter_table("patient_summaries") as batch_op:
        batch_op.drop_constraint("urgency_rank", type_="check")
    op.execute(f"UPDATE patient_summaries SET urgency_rank = {case}")
    with op.batch_alter_table("patient_summaries") as batch_op:
        batch_op.create_check_constraint("urgency_rank", f"urgency_rank BETWEEN 0 AND {top}")


def upgrade():
    _kinds(NEW_KINDS)
    _ranks(6, UP)


def downgrade():
    # The reported flags have no place in the old schema: they go with it.
    op.execute("DELETE FROM flags WHERE kind IN ('safety', 'side_effect')")
    _kinds(OLD_KINDS)
    _ranks(4, DOWN)
