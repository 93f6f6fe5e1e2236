"""clinic administration: administrators, inactive accounts, staff invites, clinic settings

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(
            sa.Column("last_login_at", diary.db_types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("invites") as batch_op:
        batch_op.alter_column("care_team_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.add_column(sa.Column("role", sa.String(length=16), server_default="patient", nullable=False))
        batch_op.add_column(sa.Column("admin", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("team_ids", sa.JSON(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_invites_invite_role"), "role IN ('patient', 'provider')")
        batch_op.create_check_constraint(
            op.f("ck_invites_invite_team"), "role = 'provider' OR care_team_id IS NOT NULL"
        )
    # No row yet: it is made with the clinic's first administrator (diary/accounts/models.py).
    op.create_table(
        "clinic_settings",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("mfa_required", sa.Boolean(), nullable=False),
        sa.Column("updated_at", diary.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_clinic_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_settings")),
    )


def downgrade():
    op.drop_table("clinic_settings")
    op.execute("DELETE FROM invites WHERE role = 'provider'")
    with op.batch_alter_table("invites") as batch_op:
        batch_op.drop_constraint(op.f("ck_invites_invite_team"), type_="check")
        batch_op.drop_constraint(op.f("ck_invites_invite_role"), type_="check")
        batch_op.drop_column("team_ids")
        batch_op.drop_column("admin")
        batch_op.drop_column("role")
        batch_op.alter_column("care_team_id", existing_type=sa.Uuid(), nullable=False)
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("active")
        batch_op.drop_column("is_admin")
