"""clinic priors: wear-off durations per care team and kind of course (issue 12)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 20:30:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "clinic_priors",
        sa.Column("care_team_id", sa.Uuid(), nullable=False),
        sa.Column("course_kind", sa.String(length=8), nullable=False),
        sa.Column("durations", sa.JSON(), nullable=False),
        sa.Column("refreshed_at", diary.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("course_kind IN ('single', 'course')", name=op.f("ck_clinic_priors_course_kind")),
        sa.ForeignKeyConstraint(
            ["care_team_id"],
            ["care_teams.id"],
            name=op.f("fk_clinic_priors_care_team_id_care_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("care_team_id", "course_kind", name=op.f("pk_clinic_priors")),
    )


def downgrade():
    op.drop_table("clinic_priors")
