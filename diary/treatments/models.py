from sqlalchemy import Uuid

from ..db_types import Timestamps, UTCDateTime, uuid_pk
from ..extensions import db

COMPLETED, PLANNED = "completed", "planned"
STATUSES = (COMPLETED, PLANNED)
ROUTES = ("iv", "intranasal", "intramuscular", "subcutaneous", "oral", "sublingual", "other")
#: Routes a patient may not record for a dose they took themselves: given only in clinic.
CLINIC_ROUTES = ("iv", "intramuscular")
PRODUCTS = ("racemic_ketamine", "esketamine")

#: The session record's measurements (docs/api.md, "The session record"): name -> (low, high),
#: inclusive; what is plausible for an adult in clinic, not a normal range.
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
#: What only the care team records: the observations made in clinic.
CLINIC_FIELDS = (*(name for name in MEASURES if name != "weight_kg"), "discharge_ready", "discharge_ready_at")
RECORD_FIELDS = ("product", *MEASURES, "discharge_ready", "discharge_ready_at")


def _range(name, low, high):
    return db.CheckConstraint(f"{name} IS NULL OR ({name} >= {low} AND {name} <= {high})", name=name)


class Treatment(Timestamps, db.Model):
    __tablename__ = "treatments"
    id = uuid_pk()
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False)
    status = db.Column(db.String(16), nullable=False)
    starts_at = db.Column(UTCDateTime, nullable=False)
    local_date = db.Column(db.Date, nullable=False)
    route = db.Column(db.String(16), nullable=False)
    dose_mg = db.Column(db.Float)
    notes = db.Column(db.Text)
    side_effects = db.Column(db.JSON, nullable=False, default=list)
    # {code: "mild" | "moderate" | "severe"} for the side effects rated (checkins/sideeffects.py)
    side_effect_severity = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    recorded_by_id = db.Column(Uuid, db.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_by_role = db.Column(db.String(16), nullable=False)
    # The session record (migration 0016): all optional.
    product = db.Column(db.String(24))
    weight_kg = db.Column(db.Float)
    systolic_before = db.Column(db.SmallInteger)
    diastolic_before = db.Column(db.SmallInteger)
    heart_rate_before = db.Column(db.SmallInteger)
    systolic_after = db.Column(db.SmallInteger)
    diastolic_after = db.Column(db.SmallInteger)
    heart_rate_after = db.Column(db.SmallInteger)
    sedation_moaas = db.Column(db.SmallInteger)
    dissociation_cadss6 = db.Column(db.SmallInteger)
    observation_minutes = db.Column(db.SmallInteger)
    discharge_ready = db.Column(db.Boolean)
    discharge_ready_at = db.Column(UTCDateTime)

    __table_args__ = (
        db.Index("ix_treatments_patient_starts_at", "patient_id", "starts_at"),
        db.Index("ix_treatments_status_starts_at", "status", "starts_at"),
        db.CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        db.CheckConstraint(f"route IN {ROUTES!r}", name="route"),
        db.CheckConstraint("dose_mg IS NULL OR (dose_mg > 0 AND dose_mg <= 1000)", name="dose_mg"),
        db.CheckConstraint(f"product IS NULL OR product IN {PRODUCTS!r}", name="product"),
        *(_range(name, low, high) for name, (low, high) in MEASURES.items()),
    )

    @property
    def recorded_by(self):
        return {"id": self.recorded_by_id, "role": self.recorded_by_role}

    @property
    def mg_per_kg(self):
        return mg_per_kg(self.dose_mg, self.weight_kg)


def mg_per_kg(dose_mg, weight_kg):
    """The dose per kg of body weight, to 2 decimals; None unless both are known."""
    if dose_mg is None or not weight_kg:
        return None
    return round(dose_mg / weight_kg, 2)
