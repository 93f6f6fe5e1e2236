"""The worklist: a provider's patients by urgency, read a page at a time from the summaries.

Every patient has a summary from registration on (monitoring's listener); one
imported in bulk gets it within the hour (the scheduler's ``summaries`` job:
``summarise_missing``) or from ``flask monitoring refresh``, so a page never counts the team.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import and_, exists, false, func, or_, select, tuple_

from .. import cursors
from ..accounts.models import DISCHARGED, Patient, User, care_team_members, shown_status
from ..audit import service as audit
from ..errors import validation_error
from ..extensions import db
from ..fields import PAGE_LIMIT
from ..i18n import N_
from ..localtime import end_of_local_day, local_date_of
from .models import ACKNOWLEDGED, NO_FLAG_RANK, Flag, PatientSummary
from .timeline import iso

# Keyset bounds: a rank outside int32 cannot be a stored one (and 2**63 overflowed the database).
RANK_LIMIT = 2**31


def encode_cursor(row) -> str:
    """Where the next page starts, sealed: no name or rank is readable in the URL."""
    return cursors.seal(
        "worklist", [row.urgency_rank, row.urgency_date.isoformat(), row.name, str(row.patient_id)]
    )


def decode_cursor(text):
    try:
        rank, day, name, patient_id = cursors.unseal("worklist", text)
        if (
            not isinstance(name, str)
            or "\x00" in name
            or not isinstance(rank, int)
            or not -RANK_LIMIT < rank < RANK_LIMIT
        ):
            raise ValueError(name)
        return rank, date.fromisoformat(day), name, uuid.UUID(patient_id)
    except (ValueError, TypeError):
        raise validation_error(
            {"cursor": [N_("This cursor is not valid. Start again without it.")]}
        ) from None


NEEDS_ACTION, OPEN_FLAGS, OVERDUE, NOTHING_BOOKED = "needs_action", "open_flags", "overdue", "nothing_booked"
WORKLIST_FILTERS = (NEEDS_ACTION, OPEN_FLAGS, OVERDUE, NOTHING_BOOKED, DISCHARGED)


def _discharged():
    """The summary's patient is discharged (a correlated lookup by primary key, per row of the page)."""
    return exists().where(Patient.id == PatientSummary.patient_id, Patient.status == DISCHARGED)


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
    return or_(
        *(and_(s.suggested_session_by < today, zone_of.in_(group)) for today, group in by_today.items())
    )


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
    """The provider's patients by urgency (docs/api.md, "Relief monitoring"), a page at a time.

    One query: the page is read in index order from the summaries of the
    provider's care team (no replay, no sort of the whole team), and only its
    rows are joined to their users for the email.
    """
    teams = db.session.scalars(
        select(care_team_members.c.care_team_id).where(care_team_members.c.provider_id == provider.id)
    ).all()
    if not teams:
        return {"items": [], "next_cursor": None}
    page = _page_query(teams, limit=limit, cursor=cursor, only=only, q=q, now=now).subquery()
    rows = db.session.execute(
        select(
            page,
            User.email,
            User.timezone,
            User.closed_at,
            Patient.status.label("stored_status"),
            Patient.paused_until,
        )
        .join(User, User.id == page.c.patient_id)
        .join(Patient, Patient.id == page.c.patient_id)
        .order_by(page.c.urgency_rank, page.c.urgency_date, page.c.name, page.c.patient_id)
    ).all()
    shown = rows[:limit]
    # Each patient on the page had their latest score read: it shows in their access log, once a day.
    today = local_date_of(now, provider.timezone)
    since = end_of_local_day(today - timedelta(days=1), provider.timezone)
    audit.record_sightings(provider, "worklist", [row.patient_id for row in shown], since=since, at=now)
    acknowledged = latest_acknowledgements([row.patient_id for row in shown])
    return {
        "items": [_item(row, acknowledged.get(row.patient_id), now=now) for row in shown],
        "next_cursor": encode_cursor(shown[-1]) if len(rows) > limit else None,
    }


def _page_query(teams, *, limit, cursor, only, q, now):
    """The summaries of one page, in urgency order, after ``cursor``, filtered and searched."""
    s = PatientSummary
    order = (s.urgency_rank, s.urgency_date, s.name, s.patient_id)
    query = (
        select(
            s.patient_id,
            s.name,
            s.last_entry_at,
            s.latest_score,
            s.latest_severity,
            s.status,
            s.open_flags,
            s.predicted_wear_off_date,
            s.suggested_session_by,
            s.next_planned_session,
            s.new_reports_at,
            s.urgency_rank,
            s.urgency_date,
            s.assessment,
        )
        .where(s.care_team_id == teams[0] if len(teams) == 1 else s.care_team_id.in_(teams))
        .order_by(*order)
        .limit(limit + 1)
    )
    if cursor:
        query = query.where(tuple_(*order) > tuple_(*decode_cursor(cursor)))
    # Discharged patients are out of every page but their own filter's.
    query = query.where(_discharged() if only == DISCHARGED else ~_discharged())
    if only and only != DISCHARGED:
        query = query.where(_filter_clause(only, teams, now=now))
    if q:
        query = query.where(func.lower(s.name).contains(q.strip().lower(), autoescape=True))
    return query


def latest_acknowledgements(patient_ids) -> dict:
    """Per patient, the latest acknowledgement of a flag still acknowledged (not resolved):
    ``{"kind", "by", "at", "note"}``. One indexed query for the page (ix_flags_patient_status)."""
    if not patient_ids:
        return {}
    latest = {}
    for patient_id, kind, at, note, by in db.session.execute(
        select(Flag.patient_id, Flag.kind, Flag.acknowledged_at, Flag.acknowledge_note, User.name)
        .outerjoin(User, User.id == Flag.acknowledged_by_id)
        .where(Flag.patient_id.in_(patient_ids), Flag.status == ACKNOWLEDGED)
        .order_by(Flag.patient_id, Flag.acknowledged_at.desc(), Flag.id)
    ):
        latest.setdefault(patient_id, {"kind": kind, "by": by, "at": iso(at), "note": note})
    return latest


def _item(row, acknowledged=None, *, now) -> dict:
    """One worklist row as the API gives it."""
    assessment = row.assessment or {}
    return {
        "id": str(row.patient_id),
        "patient_status": shown_status(row.stored_status, row.paused_until, local_date_of(now, row.timezone)),
        "paused_until": iso(row.paused_until),
        "closed_by_patient": row.closed_at is not None,
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
        "prediction_basis": assessment.get("prediction_basis"),
        "next_planned_session": iso(row.next_planned_session),
        "next_planned_by": assessment.get("next_planned_by"),
        "session_due": assessment.get("session_due"),
        "acknowledged": acknowledged,
        # a note or side effect no one on the care team has read yet (until their timeline is opened)
        "new_reports": row.new_reports_at is not None,
        "new_reports_at": iso(row.new_reports_at),
    }
