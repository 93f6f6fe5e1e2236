"""The evaluation jobs: relief.py run over a patient's stored data.

``refresh_patient`` replays the patient's history up to their local today
(RELIEF.md), reconciles the stored flags with the events in one pass
(:mod:`.flags`) and rewrites the patient's summary row, which the worklist
reads. It runs in the transaction of every change to the patient's entries,
sessions, intake baseline or time zone (the ``patient_data_changed`` signal),
and from ``evaluate_due_patients`` once their local day has moved on. A refresh
locks the summary row first, so two refreshes of one patient take turns and
the later one sees the earlier one's data.

Services flush, never commit (``evaluate_due_patients`` and ``refresh_all``
excepted: they commit per batch, like the scheduler jobs around them).
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from .. import gad7, relief
from ..accounts.models import Patient
from ..checkins.models import Entry
from ..courses import course_start
from ..extensions import db
from ..idempotency import insert_ignoring_duplicates
from ..localtime import local_date_of, next_local_midnight
from ..treatments.models import COMPLETED, Treatment
from .cycles import cycle_rows, store_cycles
from .flags import Causes, reconcile, set_open_flags
from .models import FLAG_KINDS, NO_DATE, OPEN, PatientSummary
from .params import relief_params

log = logging.getLogger(__name__)

EVALUATION_BATCH = 200


def refresh_patient(patient, *, now) -> PatientSummary:
    """Re-evaluates the patient's flags and summary after their data changed, or their day moved on."""
    summary = locked_summary(patient, now)
    params = relief_params()
    today = local_date_of(now, patient.timezone)

    scores = {}
    for day, total in db.session.execute(
        select(Entry.local_date, Entry.total).where(Entry.patient_id == patient.id).order_by(Entry.local_date, Entry.recorded_at, Entry.id)
    ):
        scores[day] = total  # the latest entry of each local date wins
    latest = db.session.execute(
        select(Entry.recorded_at, Entry.total).where(Entry.patient_id == patient.id).order_by(Entry.recorded_at.desc(), Entry.id.desc()).limit(1)
    ).first()

    completed, planned, next_planned, routes = [], [], None, {}
    for status, day, starts_at, route in db.session.execute(
        select(Treatment.status, Treatment.local_date, Treatment.starts_at, Treatment.route).where(Treatment.patient_id == patient.id)
    ):
        if status == COMPLETED:
            completed.append(day)
            routes[day] = route
        else:
            planned.append(day)
            if day >= today and (next_planned is None or starts_at < next_planned):
                next_planned = starts_at

    options = {"params": params, "intake_baseline": patient.intake_baseline, "planned": planned}
    all_events, assessment = relief.evaluate(scores, completed, today, **options)
    events = [event for event in all_events if event.kind in FLAG_KINDS]

    causes = Causes(
        course_start(completed, today, params.course_gap_days),
        max((day for day in scores if day <= today), default=None),
        {date.fromisoformat(e.details["cycle_start"]) for e in events if e.kind in ("wearing_off", "non_response")},
    )
    flags = reconcile(patient.id, events, causes, now)
    store_cycles(patient, cycle_rows(patient, all_events, assessment, completed, routes, today, scores=scores, options=options))

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
    set_open_flags(summary, [flag.kind for flag in flags if flag.status == OPEN])
    db.session.flush()
    return summary


def locked_summary(patient, now) -> PatientSummary:
    """The patient's summary row, created when missing, locked for this transaction."""
    query = (
        select(PatientSummary).where(PatientSummary.patient_id == patient.id).with_for_update().execution_options(populate_existing=True)
    )
    summary = db.session.scalar(query)
    if summary is None:
        insert_ignoring_duplicates(
            PatientSummary,
            [{"patient_id": patient.id, "care_team_id": patient.care_team_id, "name": patient.user.name, "next_evaluation_at": now}],
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
