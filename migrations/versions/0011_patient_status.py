"""patients who come and go: status, pauses of reminders, accounts closed by the patient

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 02:30:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("patients") as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="active")
        )
        batch_op.add_column(
            sa.Column("status_changed_at", diary.db_types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("discharge_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("paused_until", sa.Date(), nullable=True))
        batch_op.create_check_constraint("patient_status", "status IN ('active', 'discharged')")
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("closed_at", diary.db_types.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "patient_pauses",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", diary.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_patient_pauses_pause_order")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_patient_pauses_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", "starts_on", name=op.f("pk_patient_pauses")),
    )


def downgrade():
    op.drop_table("patient_pauses")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("closed_at")
    with op.batch_alter_table("patients") as batch_op:
        batch_op.drop_constraint("patient_status", type_="check")
        batch_op.drop_column("paused_until")
        batch_op.drop_column("discharge_reason")
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("status")
