"""relief checkpoints: the replay's state at each patient's open course

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 23:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "relief_checkpoints",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_relief_checkpoints_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_relief_checkpoints")),
    )


def downgrade():
    op.drop_table("relief_checkpoints")
