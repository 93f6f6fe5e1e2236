"""the session record, rated side effects, home-dose schedules and the route "other"

Sessions gain the care team's record (product, weight, blood pressure and heart
rate before and after, MOAA/S, CADSS-6, observation minutes, discharge
readiness); check-ins and sessions gain a severity per side effect (old rows:
``{}``, no side effect rated); patients gain a home-dose schedule; a dose may be
given by an "other" route (a patient's home dose).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 04:45:00

"""

import sqlalchemy as sa
from alembic import op

import diary.db_types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OLD_ROUTES = "('iv', 'intranasal', 'intramuscular', 'subcutaneous', 'oral', 'sublingual')"
NEW_ROUTES = "('iv', 'intranasal', 'intramuscular', 'subcutaneous', 'oral', 'sublingual', 'other')"
PRODUCTS = "('racemic_ketamine', 'esketamine')"
MEASURES = {
    "weight_kg": (20, 350),
    "systolic_before": (50, 260),
    "diastolic_before": (20, 180),
    "heart_rate_before": (20, 250),
    "systolic_after": (50, 260),
    "diastolic_after": (20, 180),
    "heart_rate_after": (20, 250),
    "sedation_moaas": (0, 5),
    "dissociation_cadss6": (0, 24),
    "observation_minutes": (0, 1440),
}
SCHEDULE = (
    "(home_doses_max IS NULL AND home_doses_days IS NULL) OR "
    "(home_doses_max BETWEEN 0 AND 50 AND home_doses_days BETWEEN 1 AND 90)"
)


def _severity_column():
    return sa.Column("side_effect_severity", sa.JSON(), nullable=False, server_default="{}")


def upgrade():
    with op.batch_alter_table("treatments") as batch_op:
        batch_op.add_column(_severity_column())
        batch_op.add_column(sa.Column("product", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("weight_kg", sa.Float(), nullable=True))
        for name in list(MEASURES)[1:]:
            batch_op.add_column(sa.Column(name, sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("discharge_ready", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("discharge_ready_at", diary.db_types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint("route", type_="check")
        batch_op.create_check_constraint("route", f"route IN {NEW_ROUTES}")
        batch_op.create_check_constraint("product", f"product IS NULL OR product IN {PRODUCTS}")
        for name, (low, high) in MEASURES.items():
            batch_op.create_check_constraint(
                name, f"{name} IS NULL OR ({name} >= {low} AND {name} <= {high})"
            )
    with op.batch_alter_table("entries") as batch_op:
        batch_op.add_column(_severity_column())
    with op.batch_alter_table("patients") as batch_op:
        batch_op.add_column(sa.Column("home_doses_max", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("home_doses_days", sa.SmallInteger(), nullable=True))
        batch_op.create_check_constraint("home_dose_schedule", SCHEDULE)


def downgrade():
    with op.batch_alter_table("patients") as batch_op:
        batch_op.drop_constraint("home_dose_schedule", type_="check")
        batch_op.drop_column("home_doses_days")
        batch_op.drop_column("home_doses_max")
    with op.batch_alter_table("entries") as batch_op:
        batch_op.drop_column("side_effect_severity")
    # A dose by "other" has no place in the old schema: it is kept, as given by mouth.
    op.execute("UPDATE treatments SET route = 'oral' WHERE route = 'other'")
    with op.batch_alter_table("treatments") as batch_op:
        for name in MEASURES:
            batch_op.drop_constraint(name, type_="check")
        batch_op.drop_constraint("product", type_="check")
        batch_op.drop_constraint("route", type_="check")
        batch_op.create_check_constraint("route", f"route IN {OLD_ROUTES}")
        for name in (
            "discharge_ready_at",
            "discharge_ready",
            *reversed(MEASURES),
            "product",
            "side_effect_severity",
        ):
            batch_op.drop_column(name)
