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
from datetime import date, timedelta

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.exc import DBAPIError

from .. import gad7, relief
from ..accounts.models import PATIENT, Patient
from ..checkins.models import Entry
from ..extensions import db
from ..idempotency import insert_ignoring_duplicates
from ..localtime import local_date_of, next_local_midnight
from ..treatments.models import COMPLETED, Treatment
from .cycles import cycle_rows, store_cycles
from .flags import TEAM_CLOSES, Causes, reconcile, set_open_flags
from .models import FLAG_KINDS, NO_DATE, OPEN, PatientSummary, ReliefCheckpoint
from .params import relief_params
from .priors import prior_durations

log = logging.getLogger(__name__)

EVALUATION_BATCH = 200


def refresh_patient(patient, *, now) -> PatientSummary:
    """Re-evaluates the patient's flags and summary after their data changed, or their day moved on."""
    summary = locked_summary(patient, now)
    params = relief_params()
    today = local_date_of(now, patient.timezone)

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

    current_course = relief.course_start(completed, today, params.course_gap_days)
    options = {
        "params": params,
        "intake_baseline": intake_baseline(patient, standard, completed),
        "planned": planned,
        "other_check_ins": standard,  # a standard GAD-7 ends a silence, though it is no daily score
    }
    if relief.reads_clinic_prior(params) and current_course is not None:
        # other patients' cycles of each kind of course stand in for a short history (v2)
        options["prior_durations"] = prior_durations(patient)
    stored = db.session.scalar(
        select(ReliefCheckpoint.state).where(ReliefCheckpoint.patient_id == patient.id)
    )
    checkpoint = None if stored is None else relief.Checkpoint.from_json(stored)
    all_events, assessment, kept = relief.evaluate_from(checkpoint, scores, completed, today, **options)
    if kept is not checkpoint:
        keep_checkpoint(patient.id, kept, stored is not None)
    events = [event for event in all_events if event.kind in FLAG_KINDS]

    causes = Causes(
        current_course,
        # Logging has resumed with any check-in, the standard GAD-7 too (it is due after a long gap).
        max((day for series in (scores, standard) for day in series if day <= today), default=None),
        {
            date.fromisoformat(e.details["cycle_start"])
            for e in events
            if e.kind in ("wearing_off", "non_response")
        },
        relief.latest_course_start_with(completed, by_team, today, params.course_gap_days),
        team_view(scores, completed, by_team, today, options),
    )
    flags = reconcile(patient.id, events, causes, now)
    store_cycles(
        patient,
        cycle_rows(patient, all_events, assessment, completed, routes, today, gap=params.course_gap_days),
    )

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
    summary.assessment = {
        **assessment.as_dict(),
        # beyond the contract's assessment (docs/api.md, "Where the build departs from the first contract")
        "forecast": assessment.forecast,
        "next_planned_by": next_planned_by,
        "session_due": session_due(
            assessment, next_planned and local_date_of(next_planned, patient.timezone), today
        ),
    }
    summary.evaluated_on = today
    summary.evaluated_at = now
    summary.next_evaluation_at = next_local_midnight(now, patient.timezone)
    set_open_flags(summary, [flag.kind for flag in flags if flag.status == OPEN])
    db.session.flush()
    return summary


def team_view(scores, completed, by_team, today, options):
    """``Causes.team_raises``: whether the replay of the care team's sessions alone (the
    patient's own doses left out) raises a kind in the team's cycle holding a day, on or
    after a date. None when the patient recorded no dose of their own. The replay runs
    at most once, and only when a flag of the care team's would otherwise close."""
    if set(completed) <= set(by_team):
        return None
    gap, raised = options["params"].course_gap_days, None

    def team_raises(kind, day, since) -> bool:
        nonlocal raised
        if raised is None:
            events, _assessment = relief.evaluate(scores, by_team, today, **options)
            raised = {(e.kind, e.details["cycle_start"]): e.day for e in events if e.kind in TEAM_CLOSES}
        start = relief.course_start(by_team, day, gap)
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


def intake_baseline(patient, standard_scores, completed_days):
    """The intake score the engine falls back on when fewer than 3 days were logged before treatment
    (docs/relief.md): the clinician's, else the latest standard GAD-7 taken before the first session."""
    if patient.intake_baseline is not None:
        return patient.intake_baseline
    first_session = min(completed_days, default=None)
    before = [day for day in standard_scores if first_session is None or day < first_session]
    return standard_scores[max(before)] if before else None


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
