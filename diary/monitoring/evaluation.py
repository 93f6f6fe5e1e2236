"""The evaluation jobs: relief.py run over a patient's stored data.

``refresh_patient`` replays the patient's history up to their local today
(docs/relief.md), resuming from the checkpoint of the previous evaluation (relief/checkpoint.py),
reconciles the stored flags with the events in one pass
(:mod:`.flags`) and rewrites the patient's summary row, which the worklist
reads. It runs in the transaction of every change to the patient's entries,
sessions, intake baseline or time zone (the ``patient_data_changed`` signal),
and from ``evaluate_due_patients`` once their local day has moved on. A refresh
locks the summary row first, so two refreshes of one patient take turns and
the later one sees the earlier one's data.

Services flush, never commit (``evaluate_due_patients``, ``summarise_missing`` and ``refresh_all``
excepted: they commit per batch, like the scheduler jobs around them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Row, delete, exists, insert, select, update
from sqlalchemy.exc import DBAPIError

from .. import gad7, relief
from ..accounts.models import DISCHARGED, PATIENT, Patient, PatientPause
from ..checkins.models import Entry
from ..extensions import db
from ..idempotency import insert_ignoring_duplicates
from ..localtime import local_date_of, next_local_midnight
from ..treatments.models import COMPLETED, Treatment
from .cycles import cycle_rows, store_cycles
from .flags import TEAM_CLOSES, Causes, close_flags, reconcile, set_open_flags
from .models import FLAG_KINDS, NO_DATE, OPEN, Flag, PatientSummary, ReliefCheckpoint
from .params import relief_params
from .priors import prior_durations

log = logging.getLogger(__name__)

EVALUATION_BATCH = 200


def refresh_patient(patient, *, now) -> PatientSummary:
    """Re-evaluates the patient's flags and summary after their data changed, or their day moved on."""
    summary = locked_summary(patient, now)
    params = relief_params()
    today = local_date_of(now, patient.timezone)
    record = load_record(patient, today, params)
    evaluation = evaluate_from_checkpoint(patient.id, record.history(), today, params)
    if patient.status == DISCHARGED:  # no new flags; the open ones close
        flags = close_flags(patient.id, now)
    else:
        flags = reconcile_flags(patient.id, record, evaluation.events, today, params, now)
    store_cycles(
        patient,
        cycle_rows(
            patient,
            evaluation.events,
            evaluation.assessment,
            record.sessions.completed,
            record.sessions.routes,
            today,
            gap=params.course_gap_days,
            scores=record.entries.scores,
        ),
    )
    write_summary(summary, patient, record, evaluation.assessment, flags, today=today, now=now)
    return summary


@dataclass(frozen=True)
class Entries:
    """A patient's check-ins, as the engine and the summary read them."""

    scores: dict[date, int]  # the daily GAD-7 of each local date (the day's latest entry)
    standard: dict[date, int]  # the standard GAD-7 of each local date
    latest: Row | None  # (recorded_at, total) of the latest entry, either instrument


@dataclass(frozen=True)
class Sessions:
    """A patient's sessions, as the engine, the flags and the summary read them."""

    completed: list[date]  # local dates
    by_team: list[date]  # the completed ones the care team recorded
    planned: list[date]
    routes: dict[date, str]  # of each completed day (two sessions on one day: the later's)
    next_planned: datetime | None  # the next booked session from today on
    next_planned_by: str | None  # who booked it: "patient" or "care_team"


@dataclass(frozen=True)
class Record:
    """What one refresh reads of a patient: entries, sessions and the engine's other inputs."""

    entries: Entries
    sessions: Sessions
    inputs: dict  # ``relief.History.of``'s keywords (relief/history.py, ``Inputs``)

    def history(self, sessions=None) -> relief.History:
        """The engine's History of the completed sessions, or of ``sessions`` (the care team's alone)."""
        completed = self.sessions.completed if sessions is None else sessions
        return relief.History.of(self.entries.scores, completed, **self.inputs)


def load_record(patient, today, params) -> Record:
    """The patient's entries and sessions, and the engine's inputs beside them."""
    entries, sessions = load_entries(patient), load_sessions(patient, today)
    inputs = {
        "intake_baseline": patient.intake_baseline,
        "planned": sessions.planned,
        # a standard GAD-7 ends a silence, though it is no daily score
        "other_check_ins": entries.standard,
        # one of 15 or more raises urgent; the baseline of last resort (relief/rules/baseline.py)
        "standard_scores": entries.standard,
        # after an acknowledgement a new run, or one still going 7 days on, raises urgent again
        # (relief/rules/urgent.py)
        "urgent_acknowledged": urgent_acknowledged(patient),
        # paused days are no silence: no data_gap there
        "paused": load_pauses(patient),
    }
    if (
        relief.reads_clinic_prior(params)
        and relief.course_start(sessions.completed, today, params.course_gap_days) is not None
    ):
        # other patients' cycles of each kind of course stand in for a short history (v2)
        inputs["prior_durations"] = prior_durations(patient)
    return Record(entries, sessions, inputs)


def load_pauses(patient) -> list[tuple[date, date]]:
    """The patient's pauses of reminders, as the engine's ``(first, last)`` paused days."""
    return [
        (starts_on, ends_on - timedelta(days=1))
        for starts_on, ends_on in db.session.execute(
            select(PatientPause.starts_on, PatientPause.ends_on).where(
                PatientPause.patient_id == patient.id, PatientPause.ends_on > PatientPause.starts_on
            )
        )
    ]


def load_entries(patient) -> Entries:
    scores, standard = {}, {}
    for day, total, instrument in db.session.execute(
        select(Entry.local_date, Entry.total, Entry.instrument)
        .where(Entry.patient_id == patient.id)
        .order_by(Entry.local_date, Entry.recorded_at, Entry.id)
    ):
        # The engine reads daily scores; the latest entry of each local date wins.
        (scores if instrument == gad7.DAILY else standard)[day] = total
    latest = db.session.execute(
        select(Entry.recorded_at, Entry.total)
        .where(Entry.patient_id == patient.id)
        .order_by(Entry.recorded_at.desc(), Entry.id.desc())
        .limit(1)
    ).first()
    return Entries(scores, standard, latest)


def load_sessions(patient, today) -> Sessions:
    completed, by_team, planned, next_planned, next_planned_by, routes = [], [], [], None, None, {}
    for status, day, starts_at, role, route in db.session.execute(
        select(
            Treatment.status,
            Treatment.local_date,
            Treatment.starts_at,
            Treatment.recorded_by_role,
            Treatment.route,
        )
        .where(Treatment.patient_id == patient.id)
        .order_by(Treatment.starts_at, Treatment.id)  # two sessions on one day: the later's route, every time
    ):
        if status == COMPLETED:
            completed.append(day)
            routes[day] = route
            if role != PATIENT:
                by_team.append(day)
        else:
            planned.append(day)
            if day >= today and (next_planned is None or starts_at < next_planned):
                next_planned, next_planned_by = starts_at, "patient" if role == PATIENT else "care_team"
    return Sessions(completed, by_team, planned, routes, next_planned, next_planned_by)


def evaluate_from_checkpoint(patient_id, history, today, params) -> relief.Evaluation:
    """The replay up to ``today``, resumed from the stored checkpoint; the new checkpoint is kept."""
    stored = db.session.scalar(
        select(ReliefCheckpoint.state).where(ReliefCheckpoint.patient_id == patient_id)
    )
    checkpoint = None if stored is None else relief.Checkpoint.from_json(stored)
    evaluation = relief.evaluate_from(checkpoint, history, today, params=params)
    if evaluation.checkpoint is not checkpoint:
        keep_checkpoint(patient_id, evaluation.checkpoint, stored is not None)
    return evaluation


def reconcile_flags(patient_id, record, all_events, today, params, now) -> list[Flag]:
    """The stored flags brought in line with the replay's flag events (:mod:`.flags`)."""
    events = [event for event in all_events if event.kind in FLAG_KINDS]
    entries, sessions, gap = record.entries, record.sessions, params.course_gap_days
    causes = Causes(
        relief.course_start(sessions.completed, today, gap),
        # Logging has resumed with any check-in, the standard GAD-7 too (it is due after a long gap).
        max(
            (day for series in (entries.scores, entries.standard) for day in series if day <= today),
            default=None,
        ),
        {
            date.fromisoformat(e.details["cycle_start"])
            for e in events
            if e.kind in ("wearing_off", "non_response")
        },
        relief.latest_course_start_with(sessions.completed, sessions.by_team, today, gap),
        team_view(record, today, params),
    )
    return reconcile(patient_id, events, causes, now)


def write_summary(summary, patient, record, assessment, flags, *, today, now) -> None:
    """Rewrites the summary row the worklist reads, and flushes."""
    latest, sessions = record.entries.latest, record.sessions
    summary.care_team_id = patient.care_team_id
    summary.name = patient.user.name
    summary.last_entry_at = latest and latest[0]
    summary.latest_score = latest and latest[1]
    summary.latest_severity = latest and gad7.severity(latest[1])
    summary.status = assessment.status
    summary.predicted_wear_off_date = assessment.predicted_wear_off_date
    summary.suggested_session_by = assessment.suggested_session_by
    summary.urgency_date = assessment.suggested_session_by or NO_DATE
    summary.next_planned_session = sessions.next_planned
    next_planned_day = sessions.next_planned and local_date_of(sessions.next_planned, patient.timezone)
    summary.assessment = {
        **assessment.as_dict(),
        # beyond the contract's assessment (docs/api.md, "Where the build departs from the first contract")
        "forecast": assessment.forecast,
        "next_planned_by": sessions.next_planned_by,
        "session_due": session_due(assessment, next_planned_day, today),
    }
    summary.evaluated_on = today
    summary.evaluated_at = now
    summary.next_evaluation_at = next_local_midnight(now, patient.timezone)
    set_open_flags(summary, [flag.kind for flag in flags if flag.status == OPEN])
    db.session.flush()


def team_view(record, today, params):
    """``Causes.team_raises``: whether the replay of the care team's sessions alone (the
    patient's own doses left out) raises a kind in the team's cycle holding a day, on or
    after a date. None when the patient recorded no dose of their own. The replay runs
    at most once, and only when a flag of the care team's would otherwise close."""
    team = record.sessions.by_team
    if set(record.sessions.completed) <= set(team):
        return None
    gap, raised = params.course_gap_days, None

    def team_raises(kind, day, since) -> bool:
        nonlocal raised
        if raised is None:
            events, _assessment = relief.evaluate(record.history(team), today, params=params)
            raised = {(e.kind, e.details["cycle_start"]): e.day for e in events if e.kind in TEAM_CLOSES}
        start = relief.course_start(team, day, gap)
        on = start and raised.get((kind, start.isoformat()))
        return on is not None and on >= since

    return team_raises


def keep_checkpoint(patient_id, checkpoint, stored: bool) -> None:
    """Stores the replay's new checkpoint in place of the old one (``stored``: a row exists)."""
    where = ReliefCheckpoint.patient_id == patient_id
    if checkpoint is None:
        db.session.execute(delete(ReliefCheckpoint).where(where))
    elif stored:
        db.session.execute(update(ReliefCheckpoint).where(where).values(state=checkpoint.as_json()))
    else:
        db.session.execute(insert(ReliefCheckpoint).values(patient_id=patient_id, state=checkpoint.as_json()))


def session_due(assessment, next_planned_day, today) -> str | None:
    """What the worklist says beside "suggested session by": ``overdue`` (the day has
    passed and nothing is booked), ``booked_after_wear_off`` (the next booking falls
    after the predicted wear-off), ``booked`` (in time), or None (nothing suggested)."""
    suggested, predicted = assessment.suggested_session_by, assessment.predicted_wear_off_date
    if suggested is None or assessment.status not in ("relief", "wearing_off"):
        return None
    if next_planned_day is None:
        return "overdue" if suggested < today else None
    if predicted is not None and next_planned_day > predicted:
        return "booked_after_wear_off"
    return "booked"


def urgent_acknowledged(patient) -> list[tuple[date, date, date]]:
    """The care team's acknowledgements of the patient's ``urgent`` flags, as the engine reads them
    (``urgent_acknowledged``): ``(raised_on, acknowledged on, latest run start)``, local dates. The
    acknowledgement lives here, the rule in relief/rules/urgent.py. An acknowledged flag's
    ``latest_run_start`` stays what it was when the care team saw it: the engine adds no later run."""
    acks = []
    for raised_on, acknowledged_at, details in db.session.execute(
        select(Flag.raised_on, Flag.acknowledged_at, Flag.details).where(
            Flag.patient_id == patient.id, Flag.kind == "urgent", Flag.acknowledged_at.is_not(None)
        )
    ):
        latest = (details or {}).get("latest_run_start")
        held = date.fromisoformat(latest) if latest else raised_on
        acks.append((raised_on, local_date_of(acknowledged_at, patient.timezone), held))
    return acks


def locked_summary(patient, now) -> PatientSummary:
    """The patient's summary row, created when missing, locked for this transaction."""
    query = (
        select(PatientSummary)
        .where(PatientSummary.patient_id == patient.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    summary = db.session.scalar(query)
    if summary is None:
        insert_ignoring_duplicates(
            PatientSummary,
            [
                {
                    "patient_id": patient.id,
                    "care_team_id": patient.care_team_id,
                    "name": patient.user.name,
                    "next_evaluation_at": now,
                }
            ],
        )
        summary = db.session.scalar(query)
    return summary


def fresh_summary(patient, *, now) -> PatientSummary:
    """The patient's summary, evaluated as of their local today
    (refreshed here if the scheduler has not yet)."""
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
            update(PatientSummary)
            .where(PatientSummary.patient_id.in_(unseen))
            .values(next_evaluation_at=now + timedelta(hours=1))
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


def summarise_missing(*, now, batch=EVALUATION_BATCH) -> int:
    """Summaries for the patients who have none (imported in bulk, or registered before monitoring);
    commits per batch. The scheduler's hourly ``summaries`` job runs it, so the worklist never has to look."""
    total = 0
    while True:
        patients = (
            db.session.scalars(
                select(Patient)
                .where(~exists().where(PatientSummary.patient_id == Patient.id))
                .order_by(Patient.id)
                .limit(batch)
            )
            .unique()
            .all()
        )
        for patient in patients:
            refresh_patient(patient, now=now)
        db.session.commit()
        total += len(patients)
        if len(patients) < batch:
            return total


def refresh_all(*, now, batch=EVALUATION_BATCH) -> int:
    """Re-evaluates every patient (after an import, or a change of the relief parameters);
    commits per batch."""
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
