"""password resets: the requests and their hashed tokens; the outbox's "password_reset" kind

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('reminder', 'provider_alert', 'invite')"
KINDS_AFTER = "kind IN ('reminder', 'provider_alert', 'invite', 'password_reset')"


def upgrade():
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("requested_at", diary.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_at", diary.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("expires_at", diary.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_at", diary.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("voided_at", diary.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_resets_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_resets_token_hash")),
    )
    with op.batch_alter_table("password_resets") as batch_op:
        batch_op.create_index(batch_op.f("ix_password_resets_issued_at"), ["issued_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_password_resets_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_messages_kind"), KINDS_AFTER)


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE kind = 'password_reset'")
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_messages_kind"), KINDS_BEFORE)
    with op.batch_alter_table("password_resets") as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_resets_user_id"))
        batch_op.drop_index(batch_op.f("ix_password_resets_issued_at"))
    op.drop_table("password_resets")
