"""relief cycles: one row per treatment cycle, for the clinic's outcomes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 20:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "relief_cycles",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("cycle_start", sa.Date(), nullable=False),
        sa.Column("care_team_id", sa.Uuid(), nullable=False),
        sa.Column("course_index", sa.SmallInteger(), nullable=False),
        sa.Column("course_type", sa.String(length=16), nullable=False),
        sa.Column("sessions", sa.SmallInteger(), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=True),
        sa.Column("last_session", sa.Date(), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=True),
        sa.Column("wore_off", sa.Boolean(), nullable=False),
        sa.Column("wear_off_date", sa.Date(), nullable=True),
        sa.Column("non_response", sa.Boolean(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("nadir", sa.Float(), nullable=True),
        sa.Column("after_wear_off", sa.Boolean(), nullable=True),
        sa.CheckConstraint(
            "course_type IN ('single_session', 'induction', 'maintenance')",
            name=op.f("ck_relief_cycles_course_type"),
        ),
        sa.ForeignKeyConstraint(
            ["care_team_id"],
            ["care_teams.id"],
            name=op.f("fk_relief_cycles_care_team_id_care_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_relief_cycles_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", "cycle_start", name=op.f("pk_relief_cycles")),
    )
    op.create_index(
        "ix_relief_cycles_team_start", "relief_cycles", ["care_team_id", "cycle_start"], unique=False
    )


def downgrade():
    op.drop_index("ix_relief_cycles_team_start", table_name="relief_cycles")
    op.drop_table("relief_cycles")
