"""The timeline: a patient's scores, sessions, flags and assessment, as plain JSON values."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .. import gad7
from ..accounts.models import User
from ..audit import service as audit
from ..checkins.models import Entry
from ..extensions import db
from ..i18n import request_language
from ..localtime import local_date_of, utc_text
from ..treatments.models import RECORD_FIELDS, Treatment, mg_per_kg
from .evaluation import fresh_summary
from .flags import NOTE_REQUIRED_KINDS, undo_until
from .models import RESOLVED, Flag
from .safety import in_readers_words, seen_by_care_team


def timeline(patient, start, end, *, actor, now) -> dict:
    """Scores by local date, sessions, flags (care team only) and the assessment, for start..end.

    ``days`` holds the latest entry of each date, whichever instrument (docs/api.md,
    "Relief monitoring"); ``daily`` and ``standard`` are each instrument's own series: the
    engine reads ``daily``, and the chart draws the two apart.

    Built as plain JSON values from column rows: a two-year range is 731 days
    and dozens of sessions and flags, too many to pass through ORM objects and
    marshmallow schemas per request. The shapes are TreatmentSchema's and
    FlagSchema's (the tests compare them).
    """
    summary = fresh_summary(patient, now=now)
    # Every entry of a date (the contract's ``days``), and each instrument's own series.
    series = {None: [], gad7.DAILY: [], gad7.STANDARD: []}
    for day, total, instrument in db.session.execute(
        select(Entry.local_date, Entry.total, Entry.instrument)
        .where(Entry.patient_id == patient.id, Entry.local_date >= start, Entry.local_date <= end)
        .order_by(Entry.local_date, Entry.recorded_at, Entry.id)
    ):
        for days in (series[None], series[instrument]):
            if days and days[-1][0] == day:  # the latest entry of the date wins
                days[-1][1], days[-1][2], days[-1][3] = total, days[-1][2] + 1, instrument
            else:
                days.append([day, total, 1, instrument])
    treatments = db.session.execute(
        select(*(Treatment.__table__.c[name] for name in TREATMENT_COLUMNS))
        .where(Treatment.patient_id == patient.id, Treatment.local_date >= start, Treatment.local_date <= end)
        .order_by(Treatment.starts_at, Treatment.id)
    ).mappings()
    flags = []
    if not actor.is_patient:  # flags are for the care team only
        seen_by_care_team(patient.id)  # the worklist's "new note" mark goes
        flags = db.session.execute(
            select(
                *(Flag.__table__.c[name] for name in FLAG_COLUMNS), User.name.label("acknowledged_by_name")
            )
            .outerjoin(User, User.id == Flag.acknowledged_by_id)
            .where(Flag.patient_id == patient.id)
            .where((Flag.status != RESOLVED) | ((Flag.raised_on >= start) & (Flag.raised_on <= end)))
            .order_by(Flag.raised_on, Flag.raised_at, Flag.id)
        ).mappings()
    audit.record_read(actor, "timeline", patient.id, at=now)
    patient_id = str(patient.id)
    return {
        "patient": patient_json(patient, now=now),
        "days": _day_scores(series[None], with_instrument=True),
        "daily": _day_scores(series[gad7.DAILY]),
        "standard": _day_scores(series[gad7.STANDARD]),
        "treatments": [treatment_json(row, patient_id) for row in treatments],
        "flags": [flag_json(row, patient_id, request_language()) for row in flags],
        "assessment": assessment_json(summary.assessment, actor),
    }


#: Kept in the summary's assessment for the worklist, not part of the timeline's.
WORKLIST_ONLY = ("next_planned_by", "session_due")


def assessment_json(stored, actor) -> dict | None:
    """The stored assessment as the timeline shows it: the forecast's reasons for the care team only."""
    if stored is None:
        return None
    shown = {key: value for key, value in stored.items() if key not in WORKLIST_ONLY}
    if actor.is_patient:
        shown["forecast"] = None  # the care team's planning aid
    else:
        shown.setdefault("forecast", None)
    return shown


SEVERITY = [gad7.severity(score) for score in range(gad7.MAX_TOTAL + 1)]


def _day_scores(days, *, with_instrument=False) -> list[dict]:
    """A series' days: the latest entry's total and severity, and how many entries the date has."""
    scores = []
    for day, score, count, instrument in days:
        shown = {"date": day.isoformat(), "score": score, "severity": SEVERITY[score], "entries": count}
        if with_instrument:
            shown["instrument"] = instrument
        scores.append(shown)
    return scores


TREATMENT_COLUMNS = (
    "id",
    "status",
    "starts_at",
    "local_date",
    "route",
    "dose_mg",
    "notes",
    "side_effects",
    "side_effect_severity",
    "recorded_by_id",
    "recorded_by_role",
    "created_at",
    "updated_at",
    *RECORD_FIELDS,
)
FLAG_COLUMNS = (
    "id",
    "kind",
    "status",
    "raised_on",
    "raised_at",
    "details",
    "acknowledged_by_id",
    "acknowledged_at",
    "acknowledge_note",
    "resolved_at",
    "resolution",
)


def _str(value):
    return None if value is None else str(value)


def treatment_json(row, patient_id) -> dict:
    return {
        "id": str(row["id"]),
        "patient_id": patient_id,
        "status": row["status"],
        "starts_at": iso(row["starts_at"]),
        "local_date": row["local_date"].isoformat(),
        "route": row["route"],
        "dose_mg": row["dose_mg"],
        "notes": row["notes"],
        "side_effects": list(row["side_effects"] or []),
        "side_effect_severity": dict(row["side_effect_severity"] or {}),
        **{name: row[name] for name in RECORD_FIELDS if name != "discharge_ready_at"},
        "discharge_ready_at": iso(row["discharge_ready_at"]),
        "mg_per_kg": mg_per_kg(row["dose_mg"], row["weight_kg"]),
        "recorded_by": {"id": _str(row["recorded_by_id"]), "role": row["recorded_by_role"]},
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }


def flag_json(row, patient_id, language) -> dict:
    return {
        "id": str(row["id"]),
        "patient_id": patient_id,
        "kind": row["kind"],
        "status": row["status"],
        "raised_on": row["raised_on"].isoformat(),
        "raised_at": iso(row["raised_at"]),
        "details": in_readers_words(row["details"], language),
        "acknowledged_by": _str(row["acknowledged_by_id"]),
        "acknowledged_at": iso(row["acknowledged_at"]),
        "acknowledged_by_name": row["acknowledged_by_name"],
        "acknowledge_note": row["acknowledge_note"],
        "note_required": row["kind"] in NOTE_REQUIRED_KINDS,
        "undo_until": iso(undo_until(row["status"], row["acknowledged_at"])),
        "resolved_at": iso(row["resolved_at"]),
        "resolution": row["resolution"],
    }


def patient_json(patient, *, now) -> dict:
    return {
        "id": str(patient.id),
        "name": patient.name,
        "timezone": patient.timezone,
        "intake_baseline": patient.intake_baseline,
        "home_dose_schedule": None
        if patient.home_doses_max is None
        else {"max_doses": patient.home_doses_max, "per_days": patient.home_doses_days},
        "email_reminders_failing": patient.email_reminders_failed_at is not None,
        "status": patient.status_on(local_date_of(now, patient.timezone)),
        "paused_until": iso(patient.paused_until),
        "status_changed_at": iso(patient.status_changed_at),
        "discharge_reason": patient.discharge_reason,
        "closed_by_patient": patient.user.closed_at is not None,
    }


def iso(value):
    """A date as ``YYYY-MM-DD``, an instant as UTC with ``Z``, None as None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return utc_text(value)
    return value.isoformat()
