"""The worklist: a provider's patients by urgency, read a page at a time from the summaries."""
from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import date

from sqlalchemy import and_, exists, false, func, or_, select, tuple_

from ..accounts.models import Patient, User, care_team_members
from ..audit import service as audit
from ..errors import validation_error
from ..extensions import db
from ..fields import PAGE_LIMIT
from ..localtime import local_date_of
from .evaluation import refresh_patient
from .models import NO_FLAG_RANK, PatientSummary
from .timeline import iso


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


NEEDS_ACTION, OPEN_FLAGS, OVERDUE, NOTHING_BOOKED = "needs_action", "open_flags", "overdue", "nothing_booked"
WORKLIST_FILTERS = (NEEDS_ACTION, OPEN_FLAGS, OVERDUE, NOTHING_BOOKED)


def _overdue(teams, *, now):
    """suggested_session_by before each patient's own local today.

    A local today is the UTC date or a day either side, so the team's zones fall
    into at most three groups: one comparison per group, exact for every zone.
    """
    s = PatientSummary
    zones = db.session.scalars(
        select(User.timezone).distinct().join(s, s.patient_id == User.id).where(s.care_team_id.in_(teams))
    ).all()
    by_today: dict[date, list[str]] = {}
    for zone in zones:
        by_today.setdefault(local_date_of(now, zone), []).append(zone)
    if not by_today:
        return false()
    zone_of = select(User.timezone).where(User.id == s.patient_id).scalar_subquery()
    return or_(*(and_(s.suggested_session_by < today, zone_of.in_(group)) for today, group in by_today.items()))


def _filter_clause(name, teams, *, now):
    s = PatientSummary
    open_flags = s.urgency_rank < NO_FLAG_RANK
    nothing_booked = and_(s.suggested_session_by.is_not(None), s.next_planned_session.is_(None))
    if name == OPEN_FLAGS:
        return open_flags
    if name == NOTHING_BOOKED:
        return nothing_booked
    overdue = _overdue(teams, now=now)
    return overdue if name == OVERDUE else or_(open_flags, overdue, nothing_booked)


def worklist(provider, *, limit=PAGE_LIMIT, cursor=None, only=None, q=None, now) -> dict:
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
    if only and teams:
        page_query = page_query.where(_filter_clause(only, teams, now=now))
    if q:
        page_query = page_query.where(func.lower(s.name).contains(q.strip().lower(), autoescape=True))
    page = page_query.subquery()
    rows = db.session.execute(
        select(page, User.email, User.timezone)
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
                "timezone": row.timezone,
                "last_entry_at": iso(row.last_entry_at),
                "latest_score": row.latest_score,
                "latest_severity": row.latest_severity,
                "status": row.status,
                "open_flags": list(row.open_flags or []),
                "predicted_wear_off_date": iso(row.predicted_wear_off_date),
                "suggested_session_by": iso(row.suggested_session_by),
                "next_planned_session": iso(row.next_planned_session),
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
