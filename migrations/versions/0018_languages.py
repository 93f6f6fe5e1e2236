"""languages: each person's, an invite's, and the one each check-in was answered in

``users.language`` is the language a person reads ("en" or "es"); ``invites.language``
gives a patient's first one (NULL: the browser's at registration); ``entries.language`` is
the language the questions were shown in, so the care team can see it beside the answers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 07:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

LANGUAGES = "language IN ('en', 'es')"


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))
        batch_op.create_check_constraint("language", LANGUAGES)
    with op.batch_alter_table("invites") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(8), nullable=True))
        batch_op.create_check_constraint("language", f"language IS NULL OR {LANGUAGES}")
    with op.batch_alter_table("entries") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))
        batch_op.create_check_constraint("language", LANGUAGES)


def downgrade():
    for table in ("entries", "invites", "users"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint("language", type_="check")
            batch_op.drop_column("language")
