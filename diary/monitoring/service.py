"""Monitoring operations: relief.py run over a patient's stored data.

``refresh_patient`` replays the patient's history up to their local today
(RELIEF.md), reconciles the stored flags with the events in one pass and
rewrites the patient's summary row, which the worklist reads. It runs in the
transaction of every change to the patient's entries, sessions, intake
baseline or time zone, and from ``evaluate_due_patients`` once their local day
has moved on. A refresh locks the summary row first, so two refreshes of one
patient take turns and the later one sees the earlier one's data.

Flags and their occurrences. A flag is unique per patient and ``occurrence``:
``<kind>:<cycle start>`` for the kinds that happen once per cycle,
``data_gap:<raised on>`` for gaps. The reconciliation owns the flags it
raised (those with a ``cycle_start``) and leaves any other flag alone:

- an event with no stored flag becomes an open flag, or a resolved one when its
  cause had already ended (history replayed after the fact, e.g. a backfill);
- an open or acknowledged flag resolves when a newer course started
  (``new_cycle``), when a score arrived after a gap was raised
  (``logging_resumed``), or when wearing_off or non_response answered a
  plan_maintenance of the same cycle (``superseded``);
- a flag whose event the changed data no longer raise (an entry deleted or
  edited, a score backfilled into a gap, a session moved, a booking made) is
  deleted if nobody acted on it (no acknowledgement, no provider alert), else
  resolved as ``withdrawn``; a withdrawn flag whose event comes back reopens.

Services flush, never commit (``evaluate_due_patients`` excepted: it commits
per batch, like the scheduler jobs around it).
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, func, select, tuple_, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from .. import gad7, relief
from ..accounts.models import Patient, User, care_team_members
from ..audit import service as audit
from ..errors import validation_error
from ..extensions import db
from .models import (
    ACKNOWLEDGED,
    FLAG_KINDS,
    NO_DATE,
    NO_FLAG_RANK,
    OPEN,
    RESOLVED,
    URGENCY,
    Flag,
    PatientSummary,
)

log = logging.getLogger(__name__)

NEW_CYCLE, LOGGING_RESUMED, SUPERSEDED, WITHDRAWN = "new_cycle", "logging_resumed", "superseded", "withdrawn"
#: Kinds raised at most once per treatment cycle; data_gap may recur.
ONCE_PER_CYCLE = frozenset(FLAG_KINDS) - {"data_gap"}
#: The order of ``open_flags`` in the worklist: most urgent first.
FLAG_ORDER = ("urgent", "wearing_off", "data_gap", "plan_maintenance", "non_response")
EVALUATION_BATCH = 200
WORKLIST_LIMIT, WORKLIST_MAX_LIMIT = 100, 500


# ------------------------------------------------------------------ parameters


def parse_relief_params(value) -> relief.ReliefParams:
    """``DIARY_RELIEF_PARAMS`` (``"mcid=5,course_gap_days=6"``) or a mapping, as ReliefParams."""
    if isinstance(value, Mapping):
        return relief.ReliefParams.from_mapping(value)
    overrides = {}
    for part in (value or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        name, sep, number = part.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"DIARY_RELIEF_PARAMS: expected name=value, not {part.strip()!r}")
        overrides[name.strip()] = number.strip()
    return relief.ReliefParams.from_mapping(overrides)


def relief_params(app=None) -> relief.ReliefParams:
    """The app's ReliefParams, parsed once per configured value."""
    app = app or current_app
    raw = app.config.get("RELIEF_PARAMS")
    key = json.dumps(raw, sort_keys=True, default=str)
    cached = app.extensions.get("diary_relief_params")
    if cached is None or cached[0] != key:
        cached = app.extensions["diary_relief_params"] = (key, parse_relief_params(raw))
    return cached[1]


# ------------------------------------------------------------------------ time


def local_today(patient, now) -> date:
    return now.astimezone(ZoneInfo(patient.timezone)).date()


def next_local_midnight(now: datetime, zone_name: str) -> datetime:
    """The first UTC instant after ``now`` at which the local date in ``zone_name`` has moved on.

    Where midnight does not exist (a DST jump at 00:00) it is the jump itself;
    where it happens twice, the first time.
    """
    zone = ZoneInfo(zone_name)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    for fold in (0, 1):
        instant = datetime.combine(tomorrow, time(0), tzinfo=zone).replace(fold=fold).astimezone(timezone.utc)
        if instant > now:
            return instant
    return now + timedelta(hours=1)  # a zone that repeats the day: look again soon


# ------------------------------------------------------------- the evaluation


def _course_start(session_days, today, gap_days) -> date | None:
    """The first day of the current course: sessions less than ``gap_days`` apart form one."""
    start = previous = None
    for day in sorted({day for day in session_days if day <= today}):
        if previous is None or (day - previous).days >= gap_days:
            start = day
        previous = day
    return start


def occurrence_of(event) -> str:
    if event.kind in ONCE_PER_CYCLE:
        return f"{event.kind}:{event.details['cycle_start']}"
    return f"{event.kind}:{event.day.isoformat()}"


class _Causes:
    """Tells whether a flag's cause has ended, as of the current data."""

    def __init__(self, cycle_start, last_logged, settled_cycles):
        self.cycle_start = cycle_start
        self.last_logged = last_logged
        self.settled_cycles = settled_cycles

    def new_cycle(self, cycle_start) -> str | None:
        return NEW_CYCLE if self.cycle_start is not None and cycle_start < self.cycle_start else None

    def ended(self, kind, cycle_start, details) -> str | None:
        """Why the cause of a flag whose event the replay still raises has ended, or None."""
        if self.new_cycle(cycle_start):
            return NEW_CYCLE
        if kind == "data_gap" and self.last_logged is not None:
            since = (details or {}).get("since")
            if since and self.last_logged > date.fromisoformat(since):
                return LOGGING_RESUMED
        if kind == "plan_maintenance" and cycle_start in self.settled_cycles:
            return SUPERSEDED
        return None


def refresh_patient(patient, *, now) -> PatientSummary:
    """Re-evaluates the patient's flags and summary after their data changed, or their day moved on."""
    from ..checkins.models import Entry
    from ..treatments.models import COMPLETED, Treatment

    summary = _locked_summary(patient, now)
    params = relief_params()
    today = local_today(patient, now)

    scores = {}
    for day, total in db.session.execute(
        select(Entry.local_date, Entry.total).where(Entry.patient_id == patient.id).order_by(Entry.local_date, Entry.recorded_at, Entry.id)
    ):
        scores[day] = total  # the latest entry of each local date wins
    latest = db.session.execute(
        select(Entry.recorded_at, Entry.total).where(Entry.patient_id == patient.id).order_by(Entry.recorded_at.desc(), Entry.id.desc()).limit(1)
    ).first()

    completed, planned, next_planned = [], [], None
    for status, day, starts_at in db.session.execute(
        select(Treatment.status, Treatment.local_date, Treatment.starts_at).where(Treatment.patient_id == patient.id)
    ):
        if status == COMPLETED:
            completed.append(day)
        else:
            planned.append(day)
            if day >= today and (next_planned is None or starts_at < next_planned):
                next_planned = starts_at

    options = {"params": params, "intake_baseline": patient.intake_baseline, "planned": planned}
    all_events, assessment = relief.evaluate(scores, completed, today, **options)
    events = [event for event in all_events if event.kind in FLAG_KINDS]

    causes = _Causes(
        _course_start(completed, today, params.course_gap_days),
        max((day for day in scores if day <= today), default=None),
        {date.fromisoformat(e.details["cycle_start"]) for e in events if e.kind in ("wearing_off", "non_response")},
    )
    flags = _reconcile(patient.id, events, causes, now)

    summary.care_team_id = patient.care_team_id
    summary.name = patient.user.name
    summary.last_entry_at = latest and latest[0]
    summary.latest_score = latest and latest[1]
    summary.latest_severity = latest and gad7.severity(latest[1])
    summary.status = assessment.status
    summary.predicted_wear_off_date = assessment.predicted_wear_off_date
    summary.suggested_session_by = assessment.suggested_session_by
    summary.urgency_date = assessment.suggested_session_by or NO_DATE
    summary.next_planned_session = next_planned
    summary.assessment = assessment.as_dict()
    summary.evaluated_on = today
    summary.evaluated_at = now
    summary.next_evaluation_at = next_local_midnight(now, patient.timezone)
    _set_open_flags(summary, [flag.kind for flag in flags if flag.status == OPEN])
    db.session.flush()
    return summary


def _reconcile(patient_id, events, causes, now) -> list[Flag]:
    """Brings the stored flags in line with the replay's events; returns the patient's live flags.

    Only the flags that can still change are loaded whole: those not resolved,
    and withdrawn ones (which may reopen). Of the settled rest, the
    occurrences suffice to raise nothing twice.
    """
    known = set(db.session.scalars(select(Flag.occurrence).where(Flag.patient_id == patient_id)))
    live = {
        flag.occurrence: flag
        for flag in db.session.scalars(
            select(Flag)
            .where(Flag.patient_id == patient_id, (Flag.status != RESOLVED) | (Flag.resolution == WITHDRAWN))
            .execution_options(populate_existing=True)
        )
    }
    wanted = {occurrence_of(event): event for event in events}

    # Resolutions first, so a new flag of a kind never meets the old open one.
    for occurrence, flag in list(live.items()):
        if flag.status == RESOLVED or flag.cycle_start is None:
            continue  # withdrawn, or not raised by the replay (left to the care team)
        event = wanted.get(occurrence)
        reason = causes.ended(flag.kind, flag.cycle_start, flag.details) if event else causes.new_cycle(flag.cycle_start)
        if reason is None and event is None:
            if flag.acknowledged_at is None and flag.provider_alerted_at is None:
                # Nobody acted on it and the data no longer raise it (a backfilled
                # score inside a gap, a deleted entry): it goes, and comes back
                # if its event does.
                db.session.delete(flag)
                del live[occurrence]
                known.discard(occurrence)
                continue
            reason = WITHDRAWN
        if reason:
            flag.status, flag.resolved_at, flag.resolution = RESOLVED, now, reason
        elif event.day != flag.raised_on or event.details != flag.details:
            # Backfilled data moved or reworded it; the same occurrence keeps its id.
            flag.raised_on, flag.details = event.day, event.details
    db.session.flush()

    for occurrence, event in wanted.items():
        cycle_start = date.fromisoformat(event.details["cycle_start"])
        reason = causes.ended(event.kind, cycle_start, event.details)
        flag = live.get(occurrence)
        if flag is not None:
            if flag.status == RESOLVED and flag.resolution == WITHDRAWN and reason is None:
                _reopen(flag, event)
        elif occurrence not in known:
            flag = Flag(
                patient_id=patient_id,
                kind=event.kind,
                occurrence=occurrence,
                cycle_start=cycle_start,
                raised_on=event.day,
                raised_at=now,
                details=event.details,
                status=RESOLVED if reason else OPEN,
                resolved_at=now if reason else None,
                resolution=reason,
            )
            live[occurrence] = _insert_flag(flag) or flag
    return [flag for flag in live.values() if flag in db.session]


def _insert_flag(flag) -> Flag | None:
    """Adds ``flag``; on a unique conflict (a concurrent refresh, an open flag of its kind) reads what is stored."""
    try:
        with db.session.begin_nested():
            db.session.add(flag)
    except IntegrityError:
        existing = db.session.scalar(select(Flag).where(Flag.patient_id == flag.patient_id, Flag.occurrence == flag.occurrence))
        if existing is None:
            log.warning("flag %s not raised: an open flag of its kind is in the way", flag.occurrence)
        return existing
    return flag


def _reopen(flag, event):
    try:
        with db.session.begin_nested():
            flag.status = ACKNOWLEDGED if flag.acknowledged_at else OPEN
            flag.resolved_at = flag.resolution = None
            flag.raised_on, flag.details = event.day, event.details
            db.session.flush()
    except IntegrityError:
        db.session.refresh(flag)  # another open flag of its kind: it stays withdrawn


def _set_open_flags(summary, kinds):
    kinds = sorted(set(kinds), key=FLAG_ORDER.index)
    summary.open_flags = kinds
    summary.urgency_rank = min((URGENCY[kind] for kind in kinds), default=NO_FLAG_RANK)


def _insert_ignoring_duplicates(model, rows):
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(model).on_conflict_do_nothing(), rows)


def _locked_summary(patient, now) -> PatientSummary:
    """The patient's summary row, created when missing, locked for this transaction."""
    query = (
        select(PatientSummary).where(PatientSummary.patient_id == patient.id).with_for_update().execution_options(populate_existing=True)
    )
    summary = db.session.scalar(query)
    if summary is None:
        _insert_ignoring_duplicates(
            PatientSummary,
            [{"patient_id": patient.id, "care_team_id": patient.care_team_id, "name": patient.user.name, "next_evaluation_at": now}],
        )
        summary = db.session.scalar(query)
    return summary


def fresh_summary(patient, *, now) -> PatientSummary:
    """The patient's summary, evaluated as of their local today (refreshed here if the scheduler has not yet)."""
    summary = db.session.get(PatientSummary, patient.id)
    if summary is None or summary.next_evaluation_at <= now:
        summary = refresh_patient(patient, now=now)
    return summary


def evaluate_due(*, now, limit=EVALUATION_BATCH) -> int:
    """One batch of ``evaluate_due_patients``: re-evaluates up to ``limit`` due patients."""
    ids = db.session.scalars(
        select(PatientSummary.patient_id)
        .where(PatientSummary.next_evaluation_at <= now)
        .order_by(PatientSummary.next_evaluation_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not ids:
        return 0
    unseen = set(ids)
    for patient in db.session.scalars(select(Patient).where(Patient.id.in_(ids))).unique():
        unseen.discard(patient.id)
        try:
            with db.session.begin_nested():
                refresh_patient(patient, now=now)
        except DBAPIError:
            raise  # the database's trouble (a lost lock race): the whole job fails and is run again
        except Exception:
            # One patient's data upsetting the engine must not stall everyone's: look again in an hour.
            log.exception("relief evaluation failed for a patient")
            summary = db.session.get(PatientSummary, patient.id)
            if summary is not None:
                summary.next_evaluation_at = now + timedelta(hours=1)
    if unseen:  # a summary without its patient (never expected): it must not come back every batch
        db.session.execute(
            update(PatientSummary).where(PatientSummary.patient_id.in_(unseen)).values(next_evaluation_at=now + timedelta(hours=1))
        )
    db.session.flush()
    return len(ids)


def evaluate_due_patients(now, *, batch=EVALUATION_BATCH) -> int:
    """Re-evaluates every patient whose local day has moved on since their last evaluation.

    Reads only the due summary rows (indexed on ``next_evaluation_at``), in
    batches, committing after each; on PostgreSQL a concurrent pass skips the
    rows this one holds. Returns how many patients were evaluated.
    """
    total = 0
    while True:
        count = evaluate_due(now=now, limit=batch)
        db.session.commit()
        total += count
        if count < batch:
            return total


def refresh_all(*, now, batch=EVALUATION_BATCH) -> int:
    """Re-evaluates every patient (after an import, or a change of the relief parameters); commits per batch."""
    total, after = 0, None
    while True:
        query = select(Patient).order_by(Patient.id).limit(batch)
        if after is not None:
            query = query.where(Patient.id > after)
        patients = db.session.scalars(query).unique().all()
        for patient in patients:
            refresh_patient(patient, now=now)
        db.session.commit()
        total += len(patients)
        if len(patients) < batch:
            return total
        after = patients[-1].id


# ------------------------------------------------------------------- the API


def set_intake_baseline(patient, changes, *, actor, now) -> Patient:
    if "intake_baseline" in changes and changes["intake_baseline"] != patient.intake_baseline:
        patient.intake_baseline = changes["intake_baseline"]
        db.session.flush()
        refresh_patient(patient, now=now)
    audit.record(actor, "update", "intake_baseline", patient.id, at=now)
    return patient


def list_flags(patient, *, status=None, actor, now) -> list[Flag]:
    audit.record_read(actor, "flags", patient.id, at=now)
    query = select(Flag).where(Flag.patient_id == patient.id)
    if status is not None:
        query = query.where(Flag.status == status)
    return db.session.scalars(query.order_by(Flag.raised_on, Flag.raised_at, Flag.id)).all()


def acknowledge_flag(flag, *, note=None, actor, now) -> Flag:
    """Marks an open flag acknowledged by ``actor``. Idempotent; a resolved flag keeps its status
    but records who acknowledged it (the provider saw it as it resolved)."""
    patient = db.session.get(Patient, flag.patient_id)
    summary = _locked_summary(patient, now)
    db.session.refresh(flag)  # as committed, now that the patient is ours
    if flag.acknowledged_at is None:
        flag.acknowledged_by_id, flag.acknowledged_at = actor.id, now
        flag.acknowledge_note = note
        if flag.status == OPEN:
            flag.status = ACKNOWLEDGED
    audit.record(actor, "update", f"flag:{flag.id}", flag.patient_id, at=now)
    db.session.flush()
    _set_open_flags(summary, db.session.scalars(select(Flag.kind).where(Flag.patient_id == patient.id, Flag.status == OPEN)).all())
    db.session.flush()
    return flag


def timeline(patient, start, end, *, actor, now) -> dict:
    """Daily scores, sessions, flags (care team only) and the assessment, for local dates start..end.

    Built as plain JSON values from column rows: a two-year range is 731 days
    and dozens of sessions and flags, too many to pass through ORM objects and
    marshmallow schemas per request. The shapes are TreatmentSchema's and
    FlagSchema's (the tests compare them).
    """
    from ..checkins.models import Entry
    from ..treatments.models import Treatment

    summary = fresh_summary(patient, now=now)
    days = []
    for day, total in db.session.execute(
        select(Entry.local_date, Entry.total)
        .where(Entry.patient_id == patient.id, Entry.local_date >= start, Entry.local_date <= end)
        .order_by(Entry.local_date, Entry.recorded_at, Entry.id)
    ):
        if days and days[-1][0] == day:
            days[-1][1], days[-1][2] = total, days[-1][2] + 1
        else:
            days.append([day, total, 1])
    treatments = db.session.execute(
        select(*(Treatment.__table__.c[name] for name in TREATMENT_COLUMNS))
        .where(Treatment.patient_id == patient.id, Treatment.local_date >= start, Treatment.local_date <= end)
        .order_by(Treatment.starts_at, Treatment.id)
    ).mappings()
    flags = []
    if not actor.is_patient:  # flags are for the care team only
        flags = db.session.execute(
            select(*(Flag.__table__.c[name] for name in FLAG_COLUMNS))
            .where(Flag.patient_id == patient.id)
            .where((Flag.status != RESOLVED) | ((Flag.raised_on >= start) & (Flag.raised_on <= end)))
            .order_by(Flag.raised_on, Flag.raised_at, Flag.id)
        ).mappings()
    audit.record_read(actor, "timeline", patient.id, at=now)
    patient_id = str(patient.id)
    return {
        "patient": patient_json(patient),
        "days": [{"date": day.isoformat(), "score": score, "severity": SEVERITY[score], "entries": count} for day, score, count in days],
        "treatments": [treatment_json(row, patient_id) for row in treatments],
        "flags": [flag_json(row, patient_id) for row in flags],
        "assessment": summary.assessment,
    }


SEVERITY = [gad7.severity(score) for score in range(gad7.MAX_TOTAL + 1)]
TREATMENT_COLUMNS = ("id", "status", "starts_at", "local_date", "route", "dose_mg", "notes", "side_effects",
                     "recorded_by_id", "recorded_by_role", "created_at", "updated_at")
FLAG_COLUMNS = ("id", "kind", "status", "raised_on", "raised_at", "details", "acknowledged_by_id", "acknowledged_at", "resolved_at")


def _str(value):
    return None if value is None else str(value)


def treatment_json(row, patient_id) -> dict:
    return {
        "id": str(row["id"]),
        "patient_id": patient_id,
        "status": row["status"],
        "starts_at": _iso(row["starts_at"]),
        "local_date": row["local_date"].isoformat(),
        "route": row["route"],
        "dose_mg": row["dose_mg"],
        "notes": row["notes"],
        "side_effects": list(row["side_effects"] or []),
        "recorded_by": {"id": _str(row["recorded_by_id"]), "role": row["recorded_by_role"]},
        "created_at": _iso(row["created_at"]),
        "updated_at": _iso(row["updated_at"]),
    }


def flag_json(row, patient_id) -> dict:
    return {
        "id": str(row["id"]),
        "patient_id": patient_id,
        "kind": row["kind"],
        "status": row["status"],
        "raised_on": row["raised_on"].isoformat(),
        "raised_at": _iso(row["raised_at"]),
        "details": row["details"],
        "acknowledged_by": _str(row["acknowledged_by_id"]),
        "acknowledged_at": _iso(row["acknowledged_at"]),
        "resolved_at": _iso(row["resolved_at"]),
    }


def patient_json(patient) -> dict:
    return {"id": str(patient.id), "name": patient.name, "timezone": patient.timezone, "intake_baseline": patient.intake_baseline}


def _iso(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def encode_cursor(row) -> str:
    key = [row.urgency_rank, row.urgency_date.isoformat(), row.name, str(row.patient_id)]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(text):
    try:
        rank, day, name, patient_id = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if not isinstance(name, str) or "\x00" in name or not isinstance(rank, int):
            raise ValueError(name)
        return rank, date.fromisoformat(day), name, uuid.UUID(patient_id)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise validation_error({"cursor": ["This cursor is not valid. Start again without it."]}) from None


def worklist(provider, *, limit=WORKLIST_LIMIT, cursor=None, now) -> dict:
    """The provider's patients by urgency (CONTRACT.md section 6), a page at a time.

    One query: the page is read in index order from the summaries of the
    provider's care team (no replay, no sort of the whole team), and only its
    rows are joined to their users for the email.
    """
    teams = db.session.scalars(select(care_team_members.c.care_team_id).where(care_team_members.c.provider_id == provider.id)).all()
    _summarise_missing(teams, now=now)
    s = PatientSummary
    order = (s.urgency_rank, s.urgency_date, s.name, s.patient_id)
    page_query = (
        select(s.patient_id, s.name, s.last_entry_at, s.latest_score, s.latest_severity, s.status, s.open_flags,
               s.predicted_wear_off_date, s.suggested_session_by, s.next_planned_session, s.urgency_rank, s.urgency_date)
        .where(s.care_team_id == teams[0] if len(teams) == 1 else s.care_team_id.in_(teams))
        .order_by(*order)
        .limit(limit + 1)
    )
    if cursor:
        page_query = page_query.where(tuple_(*order) > tuple_(*decode_cursor(cursor)))
    page = page_query.subquery()
    rows = db.session.execute(
        select(page, User.email)
        .join(User, User.id == page.c.patient_id)
        .order_by(page.c.urgency_rank, page.c.urgency_date, page.c.name, page.c.patient_id)
    ).all()
    shown = rows[:limit]
    # Each patient on the page had their latest score read: it shows in their access log.
    audit.record_reads(provider, "worklist", [row.patient_id for row in shown], at=now)
    return {
        "items": [
            {
                "id": str(row.patient_id),
                "name": row.name,
                "email": row.email,
                "last_entry_at": _iso(row.last_entry_at),
                "latest_score": row.latest_score,
                "latest_severity": row.latest_severity,
                "status": row.status,
                "open_flags": list(row.open_flags or []),
                "predicted_wear_off_date": _iso(row.predicted_wear_off_date),
                "suggested_session_by": _iso(row.suggested_session_by),
                "next_planned_session": _iso(row.next_planned_session),
            }
            for row in shown
        ],
        "next_cursor": encode_cursor(shown[-1]) if len(rows) > limit else None,
    }


def _summarise_missing(teams, *, now):
    """Summaries for patients of ``teams`` who have none yet (imported, or registered before monitoring).

    Two index-only counts tell whether any is missing; only then are they looked for.
    """
    if not teams:
        return
    in_teams = Patient.care_team_id.in_(teams)
    patients = select(func.count()).select_from(Patient).where(in_teams).scalar_subquery()
    summaries = select(func.count()).select_from(PatientSummary).where(PatientSummary.care_team_id.in_(teams)).scalar_subquery()
    if db.session.scalar(select(patients - summaries)) == 0:
        return
    missing = db.session.scalars(select(Patient).where(in_teams).where(~exists().where(PatientSummary.patient_id == Patient.id))).unique().all()
    for patient in missing:
        refresh_patient(patient, now=now)
