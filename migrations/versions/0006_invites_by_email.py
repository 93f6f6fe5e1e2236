"""invites by email: revoked_at, sends, last_sent_at; the outbox's "invite" kind

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 20:30:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invites") as batch_op:
        batch_op.add_column(sa.Column("revoked_at", diary.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sends", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("last_sent_at", diary.db_types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_outbox_messages_kind"), "kind IN ('reminder', 'provider_alert', 'invite')"
        )


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE kind = 'invite'")
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_outbox_messages_kind"), "kind IN ('reminder', 'provider_alert')"
        )
    with op.batch_alter_table("invites") as batch_op:
        batch_op.drop_column("last_sent_at")
        batch_op.drop_column("sends")
        batch_op.drop_column("revoked_at")
