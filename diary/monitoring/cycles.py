"""A patient's treatment cycles as rows, from the relief events of a refresh (docs/relief.md).

The replay already ran; this only reads its events and the assessment, so a
refresh costs one more query, not another replay: every ended cycle's event
(wearing_off, non_response or cycle_censored) carries its baseline and nadir.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select, update

from .. import relief
from ..extensions import db
from ..idempotency import insert_ignoring_duplicates
from .models import INDUCTION, MAINTENANCE, SINGLE, ReliefCycle

#: The response at a fixed time point (docs/api.md, "Relief monitoring"): the daily score on this
#: day after the course's last session, or failing that the nearest within FIXED_RESPONSE_SLACK days.
FIXED_RESPONSE_DAY, FIXED_RESPONSE_SLACK = 7, 1


def fixed_day_score(scores: dict[date, int], last: date, before: date | None, today: date) -> int | None:
    """The daily score nearest to day FIXED_RESPONSE_DAY after ``last`` (day 7, then 6, then 8), a real
    total, never a smoothed one; only days up to ``today`` and before ``before`` (the next course)."""
    if today < last + timedelta(days=FIXED_RESPONSE_DAY):
        return None  # not yet the day: a day-6 score waits for day 7's
    offsets = [0]
    for k in range(1, FIXED_RESPONSE_SLACK + 1):
        offsets += [-k, k]
    for offset in offsets:
        day = last + timedelta(days=FIXED_RESPONSE_DAY + offset)
        if day <= today and (before is None or day < before) and day in scores:
            return scores[day]
    return None


def cycle_rows(patient, events, assessment, completed, routes, today, *, gap, scores=None) -> list[dict]:
    """Rows for ReliefCycle. ``completed``: session days; ``routes``: {day: route} of completed sessions;
    ``gap``: the days between sessions that start a new course (ReliefParams.course_gap_days);
    ``scores``: the daily score of each local date (for ``fixed_day_score``)."""
    grouped = relief.courses([d for d in completed if d <= today], gap)
    by_start: dict[str, dict] = {}
    for event in events:
        by_start.setdefault(event.details.get("cycle_start"), {}).setdefault(event.kind, event)
    rows = []
    previous = None
    for index, course in enumerate(grouped):
        start, last = course[0], course[-1]
        seen = by_start.get(start.isoformat(), {})
        wore = seen.get(relief.WEARING_OFF)
        non = seen.get(relief.NON_RESPONSE)
        censored = seen.get(relief.CYCLE_CENSORED)
        current = index == len(grouped) - 1
        baseline = nadir = None
        # The cycle's baseline and nadir as the engine knew them when it ended (or today).
        for event in (wore, non, censored):
            if event is not None and event.details.get("baseline") is not None:
                baseline, nadir = event.details.get("baseline"), event.details.get("nadir")
                break
        if baseline is None and current:
            baseline, nadir = assessment.baseline, assessment.nadir
        if wore is not None:
            duration = int(wore.details["duration"])
        elif non is not None or (censored is not None and censored.details.get("non_response")):
            duration = None
        elif censored is not None:
            duration = int(censored.details["duration_at_least"])
        else:
            duration = (today - last).days if current else (grouped[index + 1][0] - last).days
        following = None if current else grouped[index + 1][0]
        row = {
            "patient_id": patient.id,
            "cycle_start": start,
            "care_team_id": patient.care_team_id,
            "course_index": index,
            "course_type": MAINTENANCE if index else (INDUCTION if len(course) > 1 else SINGLE),
            "sessions": len(course),
            "route": routes.get(last),
            "last_session": last,
            "duration_days": duration,
            "wore_off": wore is not None,
            "wear_off_date": wore.day if wore is not None else None,
            "non_response": non is not None,
            "baseline": baseline,
            "nadir": nadir,
            "after_wear_off": None,
            "fixed_day_score": fixed_day_score(scores or {}, last, following, today),
        }
        if previous is not None and not previous["non_response"]:
            row["after_wear_off"] = previous["wore_off"] and previous["wear_off_date"] <= start
        rows.append(row)
        previous = row
    return rows


def store_cycles(patient, rows) -> None:
    """Makes the patient's stored cycles ``rows``, writing only the rows that differ: a check-in
    moves the open cycle's row at most, and a refresh must not rewrite years of closed ones."""
    columns = ReliefCycle.__table__.columns
    stored = {
        row.cycle_start: dict(row._mapping)
        for row in db.session.execute(select(*columns).where(ReliefCycle.patient_id == patient.id))
    }
    added = []
    for row in rows:
        old = stored.pop(row["cycle_start"], None)
        if old is None:
            added.append(row)
        elif any(old[name] != value for name, value in row.items()):
            db.session.execute(
                update(ReliefCycle)
                .where(ReliefCycle.patient_id == patient.id, ReliefCycle.cycle_start == row["cycle_start"])
                .values({name: value for name, value in row.items() if old[name] != value})
            )
    if stored:
        db.session.execute(
            delete(ReliefCycle).where(
                ReliefCycle.patient_id == patient.id, ReliefCycle.cycle_start.in_(list(stored))
            )
        )
    if added:
        insert_ignoring_duplicates(ReliefCycle, added)
