"""Writing and reading the audit trail. Writers are services, inside their own transaction."""

import datetime as dt
import uuid
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import and_, case, func, insert, literal, select

from ..db_types import utcnow
from ..extensions import db
from ..localtime import local_date_of, start_of_local_day
from .models import AuditEvent


def record(actor, action, resource, patient_id=None, at=None):
    """Append one audit row for ``actor`` (a User, or None for the system)."""
    db.session.add(
        AuditEvent(
            at=at or utcnow(),
            actor_id=getattr(actor, "id", None),
            actor_role=getattr(actor, "role", "system"),
            patient_id=patient_id,
            action=action,
            resource=resource,
        )
    )


def record_read(actor, resource, patient_id, at=None):
    """A read is recorded when someone other than the patient makes it."""
    if actor is not None and actor.id != patient_id:
        record(actor, "read", resource, patient_id, at=at)


def record_reads(actor, resource, patient_ids, at=None):
    """One read row per patient shown at once (a worklist page), in one INSERT."""
    at = at or utcnow()
    actor_id, role = actor.id, actor.role  # once: ``actor`` is often current_user, a proxy
    rows = [
        {
            "id": uuid.uuid4(),
            "at": at,
            "actor_id": actor_id,
            "actor_role": role,
            "patient_id": patient_id,
            "action": "read",
            "resource": resource,
        }
        for patient_id in patient_ids
        if patient_id != actor_id
    ]
    if rows:
        db.session.execute(insert(AuditEvent), rows)


def record_sightings(actor, resource, patient_ids, *, since, at=None):
    """One read row per patient shown to ``actor`` since ``since`` (a worklist's day): the first sight.

    A provider who opens the worklist fifty times a day appears once a day in
    each patient's access log, not fifty times; the look-up reads the
    patients' own index (patient, instant) for the page's patients only.
    """
    actor_id = actor.id  # once: ``actor`` is often current_user, a proxy
    wanted = {patient_id for patient_id in patient_ids if patient_id != actor_id}
    if not wanted:
        return
    seen = db.session.scalars(
        select(AuditEvent.patient_id).where(
            AuditEvent.patient_id.in_(wanted),
            AuditEvent.at >= since,
            AuditEvent.actor_id == actor_id,
            AuditEvent.action == "read",
            AuditEvent.resource == resource,
        )
    ).all()
    unseen = wanted.difference(seen)
    record_reads(actor, resource, [patient_id for patient_id in patient_ids if patient_id in unseen], at=at)


# What a patient reads as one kind of access (docs/api.md, "The access log"): the reads a
# timeline open makes (timeline, check-ins, sessions, flags) are one look at the diary; the
# rows of one check-in, session or flag are named by what they are, not by their ids.
DIARY_READS = ("timeline", "entries", "treatments", "flags")
DIARY = "diary"
NAMED_BY_PREFIX = (
    ("entry:", "entries"),
    ("treatment:", "treatments"),
    ("flag:", "flags"),
    ("push_subscription:", "push_subscriptions"),
)
DAYS_PER_QUERY = 31


@dataclass(frozen=True)
class AccessLine:
    """One line of the access log: one actor's accesses of one kind on one local day."""

    day: dt.date
    actor_id: uuid.UUID | None
    actor_role: str
    actor_name: str | None  # None: the system, or an account since deleted
    action: str
    kind: str
    count: int
    first_at: dt.datetime
    last_at: dt.datetime


def _kind():
    by_prefix = [
        (func.substr(AuditEvent.resource, 1, len(prefix)) == prefix, literal(kind))
        for prefix, kind in NAMED_BY_PREFIX
    ]
    return case(
        (and_(AuditEvent.action == "read", AuditEvent.resource.in_(DIARY_READS)), literal(DIARY)),
        *by_prefix,
        else_=AuditEvent.resource,
    )


def _newest_day_before(patient_id, cutoff, tz):
    query = select(func.max(AuditEvent.at)).where(AuditEvent.patient_id == patient_id)
    if cutoff is not None:
        query = query.where(AuditEvent.at < cutoff)
    newest = db.session.scalar(query)
    return None if newest is None else local_date_of(newest, tz)


def _lines_of(patient_id, days, tz, cutoff):
    """The grouped lines of ``days`` (newest first, consecutive), in one query: the local day
    of each row is a CASE over the days' first instants, so DST and zones are exact."""
    starts = [(day, start_of_local_day(day, tz)) for day in days]
    day = case(*[(AuditEvent.at >= start, literal(d.isoformat())) for d, start in starts])
    rows = select(
        day.label("day"),
        AuditEvent.actor_id,
        AuditEvent.actor_role,
        AuditEvent.action,
        _kind().label("kind"),
        AuditEvent.resource,
        AuditEvent.at,
    ).where(AuditEvent.patient_id == patient_id, AuditEvent.at >= starts[-1][1])
    if cutoff is not None:
        rows = rows.where(AuditEvent.at < cutoff)
    rows = rows.subquery()
    line_keys = (rows.c.day, rows.c.actor_id, rows.c.actor_role, rows.c.action, rows.c.kind)
    per_resource = (
        select(
            *line_keys,
            func.count().label("n"),
            func.min(rows.c.at).label("first_at"),
            func.max(rows.c.at).label("last_at"),
        )
        .group_by(*line_keys, rows.c.resource)
        .subquery()
    )
    actor = AuditEvent.actor.property.mapper.class_  # the User model, without importing a higher feature
    c = per_resource.c
    keys = (c.day, c.actor_id, c.actor_role, c.action, c.kind, actor.name)
    # One open of the timeline reads its parts once each: a look at the diary counts as often as
    # its most-read part was read. Other kinds count their rows (three check-ins added: 3).
    count = case((c.kind == DIARY, func.max(c.n)), else_=func.sum(c.n))
    query = (
        select(*keys, count, func.min(c.first_at), func.max(c.last_at))
        .outerjoin(actor, actor.id == c.actor_id)
        .group_by(*keys)
        .order_by(c.day.desc(), func.max(c.last_at).desc(), c.action, c.kind)
    )
    return [
        AccessLine(dt.date.fromisoformat(d), actor_id, role, name, action, kind, count, first, last)
        for d, actor_id, role, action, kind, name, count, first, last in db.session.execute(query)
    ]


def access_log(patient_id, tz, *, limit, before=None):
    """The patient's access log, newest first: one line per actor, action, kind and local day.

    A page holds whole days, as many as fit in ``limit`` lines (always at least one day);
    ``before`` (a local date) reads on from the days before it. Returns the lines and the
    ``before`` of the next page, or None on the last one.
    """
    cutoff = None if before is None else start_of_local_day(before, tz)
    newest = _newest_day_before(patient_id, cutoff, tz)
    if newest is None:
        return [], None
    days = [newest - dt.timedelta(days=n) for n in range(DAYS_PER_QUERY)]
    kept = []
    for _day, group in groupby(_lines_of(patient_id, days, tz, cutoff), key=lambda line: line.day):
        lines = list(group)
        if kept and len(kept) + len(lines) > limit:
            return kept, kept[-1].day
        kept.extend(lines)
    older = db.session.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.patient_id == patient_id, AuditEvent.at < start_of_local_day(days[-1], tz))
        .limit(1)
    )
    return kept, (days[-1] if older is not None else None)


def events_between(since, until=None):
    """Every event from ``since`` (inclusive) to ``until`` (exclusive), oldest first, streamed."""
    query = select(AuditEvent).where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    query = query.order_by(AuditEvent.at, AuditEvent.id).execution_options(yield_per=500)
    return db.session.scalars(query)
