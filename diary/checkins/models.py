from sqlalchemy import Uuid

from .. import gad7
from ..db_types import Timestamps, UTCDateTime, uuid_pk
from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES

SIDE_EFFECTS = gad7.SIDE_EFFECT_CODES
INSTRUMENTS = gad7.INSTRUMENT_CODES

ITEM_COLUMNS = tuple(f"item_{item.number}" for item in gad7.ITEMS)


class Entry(Timestamps, db.Model):
    """One check-in, daily or standard GAD-7 (``instrument``). Items are columns, so exports and SQL read them directly."""

    __tablename__ = "entries"
    id = uuid_pk()
    patient_id = db.Column(Uuid, db.ForeignKey("patients.id", ondelete="CASCADE"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False)
    # The patient's local date when it was recorded, fixed at write time.
    local_date = db.Column(db.Date, nullable=False)
    instrument = db.Column(db.String(8), nullable=False, default=gad7.DAILY, server_default=gad7.DAILY)
    item_1 = db.Column(db.SmallInteger, nullable=False)
    item_2 = db.Column(db.SmallInteger, nullable=False)
    item_3 = db.Column(db.SmallInteger, nullable=False)
    item_4 = db.Column(db.SmallInteger, nullable=False)
    item_5 = db.Column(db.SmallInteger, nullable=False)
    item_6 = db.Column(db.SmallInteger, nullable=False)
    item_7 = db.Column(db.SmallInteger, nullable=False)
    total = db.Column(db.SmallInteger, nullable=False)
    difficulty = db.Column(db.SmallInteger)
    note = db.Column(db.Text)
    side_effects = db.Column(db.JSON, nullable=False, default=list)
    # The answer to the safety question (the PHQ-9's item 9, 0..3): standard GAD-7 only, NULL unasked.
    safety = db.Column(db.SmallInteger)
    # The language the questions were shown in; the answers are the numbers above.
    language = db.Column(
        db.String(8), nullable=False, default=DEFAULT_LANGUAGE, server_default=DEFAULT_LANGUAGE
    )
    # {code: "mild" | "moderate" | "severe"} for the side effects rated (checkins/sideeffects.py)
    side_effect_severity = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")

    __table_args__ = (
        db.Index("ix_entries_patient_recorded_at", "patient_id", "recorded_at"),
        db.Index("ix_entries_patient_local_date", "patient_id", "local_date"),
        *(db.CheckConstraint(f"{column} BETWEEN 0 AND 3", name=column) for column in ITEM_COLUMNS),
        db.CheckConstraint("total BETWEEN 0 AND 21", name="total"),
        db.CheckConstraint("difficulty IS NULL OR difficulty BETWEEN 0 AND 3", name="difficulty"),
        db.CheckConstraint("safety IS NULL OR safety BETWEEN 0 AND 3", name="safety"),
        db.CheckConstraint(f"language IN {LANGUAGES!r}", name="language"),
        db.CheckConstraint(
            f"instrument IN ({', '.join(repr(code) for code in INSTRUMENTS)})", name="instrument"
        ),
    )

    @property
    def answers(self) -> list[int]:
        return [getattr(self, column) for column in ITEM_COLUMNS]

    @answers.setter
    def answers(self, values):
        for column, value in zip(ITEM_COLUMNS, values, strict=True):
            setattr(self, column, value)
        self.total = gad7.total(list(values), self.instrument or gad7.DAILY)

    @property
    def reports(self) -> bool:
        """Whether the check-in tells the care team something in the patient's words: a note or
        a side effect. Such a check-in marks the patient on the worklist until someone opens
        their timeline (docs/api.md, "Relief monitoring")."""
        return bool((self.note or "").strip() or self.side_effects)

    @property
    def severity(self) -> str:
        return gad7.severity(self.total)


class EntryEdit(db.Model):
    """An offline edit's idempotency key, kept once it was applied: a replay of the same
    PATCH (its answer lost on the way back) answers the check-in as it stands, not twice."""

    __tablename__ = "entry_edits"
    id = uuid_pk()
    entry_id = db.Column(Uuid, db.ForeignKey("entries.id", ondelete="CASCADE"), nullable=False, index=True)
    applied_at = db.Column(UTCDateTime, nullable=False)
