"""The worklist: a provider's patients by urgency, read a page at a time from the summaries.

Every patient has a summary from registration on (monitoring's listener); one
imported in bulk gets it from the next relief pass (``summarise_missing``) or
``flask monitoring refresh``, so a page never counts the team.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select, tuple_

from .. import cursors
from ..accounts.models import User, care_team_members
from ..audit import service as audit
from ..errors import validation_error
from ..extensions import db
from ..fields import PAGE_LIMIT
from ..localtime import end_of_local_day, local_date_of
from .models import PatientSummary
from .timeline import iso

# Keyset bounds: a rank outside int32 cannot be a stored one (and 2**63 overflowed the database).
RANK_LIMIT = 2**31


def encode_cursor(row) -> str:
    """Where the next page starts, sealed: no name or rank is readable in the URL."""
    return cursors.seal("worklist", [row.urgency_rank, row.urgency_date.isoformat(), row.name, str(row.patient_id)])


def decode_cursor(text):
    try:
        rank, day, name, patient_id = cursors.unseal("worklist", text)
        if not isinstance(name, str) or "\x00" in name or not isinstance(rank, int) or not -RANK_LIMIT < rank < RANK_LIMIT:
            raise ValueError(name)
        return rank, date.fromisoformat(day), name, uuid.UUID(patient_id)
    except (ValueError, TypeError):
        raise validation_error({"cursor": ["This cursor is not valid. Start again without it."]}) from None


def worklist(provider, *, limit=PAGE_LIMIT, cursor=None, now) -> dict:
    """The provider's patients by urgency (CONTRACT.md section 6), a page at a time.

    One query: the page is read in index order from the summaries of the
    provider's care team (no replay, no sort of the whole team), and only its
    rows are joined to their users for the email.
    """
    teams = db.session.scalars(select(care_team_members.c.care_team_id).where(care_team_members.c.provider_id == provider.id)).all()
    if not teams:
        return {"items": [], "next_cursor": None}
    s = PatientSummary
    order = (s.urgency_rank, s.urgency_date, s.name, s.patient_id)
    page_query = (
        select(s.patient_id, s.name, s.last_entry_at, s.latest_score, s.latest_severity, s.status, s.open_flags,
               s.predicted_wear_off_date, s.suggested_session_by, s.next_planned_session, s.urgency_rank, s.urgency_date,
               s.assessment)
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
    # Each patient on the page had their latest score read: it shows in their access log, once a day.
    today = local_date_of(now, provider.timezone)
    since = end_of_local_day(today - timedelta(days=1), provider.timezone)
    audit.record_sightings(provider, "worklist", [row.patient_id for row in shown], since=since, at=now)
    return {
        "items": [
            {
                "id": str(row.patient_id),
                "name": row.name,
                "email": row.email,
                "last_entry_at": iso(row.last_entry_at),
                "latest_score": row.latest_score,
                "latest_severity": row.latest_severity,
                "status": row.status,
                "open_flags": list(row.open_flags or []),
                "predicted_wear_off_date": iso(row.predicted_wear_off_date),
                "suggested_session_by": iso(row.suggested_session_by),
                "next_planned_session": iso(row.next_planned_session),
                "next_planned_by": (row.assessment or {}).get("next_planned_by"),
                "session_due": (row.assessment or {}).get("session_due"),
            }
            for row in shown
        ],
        "next_cursor": encode_cursor(shown[-1]) if len(rows) > limit else None,
    }
