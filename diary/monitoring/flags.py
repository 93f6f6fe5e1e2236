"""Flag reconciliation: the stored flags brought in line with the replay's events.

Flags and their occurrences. A flag is unique per patient and ``occurrence``:
``<kind>:<cycle start>`` for the kinds that happen once per cycle,
``data_gap:<raised on>`` for gaps, and for ``urgent``, which comes back
(relief/rules/urgent.py), ``urgent:<cycle start>`` for a cycle's first and
``urgent:<cycle start>:<raised on>`` for each that comes back after an
acknowledgement (a new flag, so a new alert to the care team). Before the first
session the first urgent's day stands in for the cycle start. While an urgent is
still open the engine adds a new run to it (its details change, its id stays),
so there is never a second open one. The reconciliation owns the flags it
raised (those with a ``cycle_start``) and leaves any other flag alone:

- an event with no stored flag becomes an open flag, or a resolved one when its
  cause had already ended (history replayed after the fact, e.g. a backfill);
- an open or acknowledged flag resolves when a newer course started
  (``new_cycle``; for urgent and wearing_off only a course with a session the
  care team recorded: a dose the patient recorded cannot close the care
  team's flags by itself), when a score arrived after a gap was raised
  (``logging_resumed``), when wearing_off or non_response answered a
  plan_maintenance of the same cycle, or when a newer course raised urgent or
  wearing_off again while the older one was still open because the patient
  started that course alone (``superseded``: the newer flag carries the concern,
  with its own day and details; should the newer one go, the older reopens);
- a flag whose event the changed data no longer raise (an entry deleted or
  edited, a score backfilled into a gap, a session moved, a booking made) is
  resolved as ``withdrawn``; a withdrawn flag whose event comes back reopens, and
  so does one closed as ``new_cycle`` when the newer course goes (its session
  deleted, or moved to a booking). Flags are never deleted: each one ends with a
  reason the care team can read.
  An open plan_maintenance takes the current forecast from its event (the engine
  restates it each day) and keeps ``details["history"]``, what it said when (``followed``).
  An urgent or wearing_off whose event only the patient's own dose took away (the
  dose's day has no check-in the rules read, and it moves TL) stands: the replay
  of the care team's sessions alone still raises it (``Causes.held``).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import relief
from ..extensions import db
from ..relief import Event
from .models import ACKNOWLEDGED, FLAG_ORDER, NO_FLAG_RANK, OPEN, RESOLVED, URGENCY, Flag

log = logging.getLogger(__name__)

NEW_CYCLE, LOGGING_RESUMED, SUPERSEDED, WITHDRAWN = "new_cycle", "logging_resumed", "superseded", "withdrawn"
#: The patient was discharged (or closed their account): their flags close, none are raised.
DISCHARGED = "discharged"
#: Kinds only the care team's own sessions (or acknowledgements) close: a new
#: course the patient started alone (a self-administered dose) leaves them open.
TEAM_CLOSES = frozenset(("urgent", "wearing_off"))
#: Kinds a person acknowledges only with a note saying what they did (422 without one).
NOTE_REQUIRED_KINDS = frozenset({"safety"})
#: How long after acknowledging a flag its acknowledger may undo it (docs/api.md, "Relief monitoring").
UNDO_WINDOW = timedelta(minutes=10)


def undo_until(status, acknowledged_at):
    """Until when an acknowledgement can be undone (an acknowledged flag's), or None."""
    return acknowledged_at + UNDO_WINDOW if status == ACKNOWLEDGED and acknowledged_at else None


#: Kinds raised at most once per treatment cycle; data_gap may recur, and urgent comes back
#: (after an acknowledgement: its details say ``returned``).
ONCE_PER_CYCLE = frozenset(relief.FLAG_KINDS) - {"data_gap"}


def occurrence_of(event) -> str:
    if event.kind in ONCE_PER_CYCLE:
        if event.kind == "urgent" and event.details.get("returned"):
            raised_on = event.details.get("flag_raised_on") or event.day.isoformat()
            return f"urgent:{event.details['cycle_start']}:{raised_on}"
        return f"{event.kind}:{event.details['cycle_start']}"
    return f"{event.kind}:{event.day.isoformat()}"


class Causes:
    """Tells whether a flag's cause has ended, as of the current data."""

    def __init__(self, cycle_start, last_logged, settled_cycles, team_cycle_start=None, team_raises=None):
        self.cycle_start = cycle_start
        self.last_logged = last_logged
        self.settled_cycles = settled_cycles
        # the latest course holding a session the care team recorded
        self.team_cycle_start = team_cycle_start
        # team_raises(kind, day): would the replay without the patient's own doses raise
        # ``kind`` in the cycle holding ``day``? None: the patient recorded no dose.
        self.team_raises = team_raises
        # per kind only the care team closes, the newest cycle whose event stays open (note_open)
        self.newest: dict[str, date] = {}

    def note_open(self, events) -> None:
        """Notes, of ``events``, the newest cycle of each team-closed kind whose cause goes on.

        An older flag of that kind gives way to it (``superseded``): one open flag per
        kind, and the care team sees the current course's.
        """
        self.newest, newest = {}, {}
        for event in events:
            if event.kind in TEAM_CLOSES:
                cycle_start = date.fromisoformat(event.details["cycle_start"])
                if self.ended(event.kind, cycle_start, event.details) is None:
                    newest[event.kind] = max(newest.get(event.kind, cycle_start), cycle_start)
        self.newest = newest

    def held(self, flag) -> bool:
        """Whether a team-closed flag the replay no longer raises is kept by the care team's
        own data: the patient's dose took its event away (a dose makes its day's check-in
        unread and moves TL), and a patient's dose cannot close the care team's flags.
        Asked of open and acknowledged flags only (the second replay is not free)."""
        return (
            self.team_raises is not None
            and flag.kind in TEAM_CLOSES
            and flag.cycle_start is not None
            and self.team_raises(flag.kind, flag.raised_on, flag.cycle_start)
        )

    def cycle_may_go_on(self):
        """Which flags ``new_cycle`` no longer closes, as a condition on their rows: those of the
        current course or later (for the team-closed kinds, of the current course the care
        team had a session in); ``new_cycle`` still holds for every other one."""
        team = Flag.kind.in_(TEAM_CLOSES)
        if self.team_cycle_start is not None:
            team = team & (Flag.cycle_start >= self.team_cycle_start)
        if self.cycle_start is None:
            return team
        return team | (Flag.cycle_start >= self.cycle_start)

    def new_cycle(self, cycle_start, kind=None) -> str | None:
        """Why a flag's cycle is over, whether or not its event is still raised: a newer course
        closed it, or (team-closed kinds) a newer course raised the same kind."""
        latest = self.team_cycle_start if kind in TEAM_CLOSES else self.cycle_start
        if latest is not None and cycle_start < latest:
            return NEW_CYCLE
        if kind in self.newest and cycle_start < self.newest[kind]:
            return SUPERSEDED
        return None

    def ended(self, kind, cycle_start, details) -> str | None:
        """Why the cause of a flag whose event the replay still raises has ended, or None."""
        if over := self.new_cycle(cycle_start, kind):
            return over
        if kind == "data_gap" and self.last_logged is not None:
            since = (details or {}).get("since")
            if since and self.last_logged > date.fromisoformat(since):
                return LOGGING_RESUMED
        if kind == "plan_maintenance" and cycle_start in self.settled_cycles:
            return SUPERSEDED
        return None


def reconcile(patient_id, events, causes, now) -> list[Flag]:
    """Brings the stored flags in line with the replay's events; returns the patient's live flags."""
    known, live = _stored_flags(patient_id, causes)
    wanted = _wanted(events, live, causes)
    # Resolutions first, so a new flag of a kind never meets the old open one.
    _resolve(live, wanted, causes, now)
    db.session.flush()
    _raise(patient_id, live, wanted, known, causes, now)
    return [flag for flag in live.values() if flag in db.session]


def _stored_flags(patient_id, causes) -> tuple[set[str], dict[str, Flag]]:
    """(every stored occurrence, the flags that can still change by occurrence).

    Only the flags that can still change are loaded whole: those not resolved,
    withdrawn ones, team-closed ones a newer course superseded, and those closed
    as new_cycle whose cycle is the current one again (the newer course's session
    deleted or moved): all may reopen. Of the settled rest, the occurrences
    suffice to raise nothing twice.
    """
    known = set(db.session.scalars(select(Flag.occurrence).where(Flag.patient_id == patient_id)))
    live = {
        flag.occurrence: flag
        for flag in db.session.scalars(
            select(Flag)
            .where(
                Flag.patient_id == patient_id,
                (Flag.status != RESOLVED)
                | (Flag.resolution == WITHDRAWN)
                | ((Flag.resolution == SUPERSEDED) & Flag.kind.in_(TEAM_CLOSES))
                | ((Flag.resolution == NEW_CYCLE) & causes.cycle_may_go_on()),
            )
            .execution_options(populate_existing=True)
        )
    }
    return known, live


def _wanted(events, live, causes) -> dict[str, Event]:
    """The events the flags should stand for, by occurrence: the replay's, and those of the
    care team's flags only the patient's own dose took away (``Causes.held``)."""
    wanted: dict[str, Event] = {}
    for event in events:
        occurrence = occurrence_of(event)
        if occurrence in wanted:
            # A later run added to a still-open urgent (relief/rules/urgent.py): the flag
            # keeps its day and takes the newer details.
            event = Event(wanted[occurrence].day, event.kind, event.details)
        wanted[occurrence] = event
    for occurrence, flag in live.items():
        if occurrence not in wanted and flag.status != RESOLVED and causes.held(flag):
            # Its event stands, as the flag has it: only the patient's own dose hid it.
            wanted[occurrence] = Event(flag.raised_on, flag.kind, flag.details)
    causes.note_open(wanted.values())
    return wanted


def _resolve(live, wanted, causes, now) -> None:
    """Resolves the open and acknowledged flags whose cause ended or whose event went;
    moves the others to their event's day and details."""
    for occurrence, flag in live.items():
        if flag.status == RESOLVED or flag.cycle_start is None:
            continue  # withdrawn, or not raised by the replay (left to the care team)
        event = wanted.get(occurrence)
        reason = (
            causes.ended(flag.kind, flag.cycle_start, flag.details)
            if event
            else causes.new_cycle(flag.cycle_start, flag.kind)
        )
        if reason is None and event is None:
            # The data no longer raise it (a backfilled score inside a gap, a deleted
            # entry): withdrawn, never deleted, so the care team can read what became
            # of it; it reopens if its event comes back.
            reason = WITHDRAWN
        if reason:
            flag.status, flag.resolved_at, flag.resolution = RESOLVED, now, reason
            continue
        details = followed(flag.details, event)
        if event.day != flag.raised_on or details != flag.details:
            # Backfilled data moved or reworded it, or the forecast moved; the same occurrence
            # keeps its id.
            flag.raised_on, flag.details = event.day, details


def _raise(patient_id, live, wanted, known, causes, now) -> None:
    """Reopens the resolved flags whose cause is back, and adds a flag for each event never
    stored (resolved at once when its cause had already ended); ``live`` gains the new ones."""
    for occurrence, event in wanted.items():
        cycle_start = date.fromisoformat(event.details["cycle_start"])
        reason = causes.ended(event.kind, cycle_start, event.details)
        flag = live.get(occurrence)
        if flag is not None:
            if flag.status == RESOLVED and reason is None:
                # its event is back, the newer course's flag is gone, or the newer course itself
                _reopen(flag, event)
        elif occurrence not in known:
            flag = Flag(
                patient_id=patient_id,
                kind=event.kind,
                occurrence=occurrence,
                cycle_start=cycle_start,
                raised_on=event.day,
                raised_at=now,
                details=followed(None, event),
                status=RESOLVED if reason else OPEN,
                resolved_at=now if reason else None,
                resolution=reason,
            )
            live[occurrence] = insert_flag(flag) or flag


def insert_flag(flag) -> Flag | None:
    """Adds ``flag``; on a unique conflict (a concurrent refresh, an open flag of its kind)
    reads what is stored."""
    try:
        with db.session.begin_nested():
            db.session.add(flag)
    except IntegrityError:
        existing = db.session.scalar(
            select(Flag).where(Flag.patient_id == flag.patient_id, Flag.occurrence == flag.occurrence)
        )
        if existing is None:
            # No kind and no date: the line may be logged in the patient's own request.
            log.warning("a flag was not raised: an open flag of its kind is in the way")
        return existing
    return flag


def open_flag(patient_id, kind) -> Flag | None:
    """The patient's open flag of ``kind`` (at most one: ``uq_flags_one_open_per_kind``)."""
    return db.session.scalar(
        select(Flag).where(Flag.patient_id == patient_id, Flag.kind == kind, Flag.status == OPEN)
    )


def _reopen(flag, event):
    try:
        with db.session.begin_nested():
            flag.status = ACKNOWLEDGED if flag.acknowledged_at else OPEN
            flag.resolved_at = flag.resolution = None
            flag.raised_on, flag.details = event.day, followed(flag.details, event)
            db.session.flush()
    except IntegrityError:
        db.session.refresh(flag)  # another open flag of its kind: it stays withdrawn


def followed(stored, event) -> dict:
    """The details a flag takes from its event, with the history of what a flag that follows
    the forecast said when (docs/relief.md, "A flag that follows the forecast"): ``history``
    is ``[{"on", "predicted_wear_off_date", "suggested_session_by"}, ...]``, oldest first,
    starting with the raise day's forecast; a day's entry is added only when the forecast
    moved (a later change the same day replaces that day's)."""
    details = event.details
    if "forecast_on" not in details:
        return details
    history = list((stored or {}).get("history") or [])
    if not history:
        history = [{"on": event.day.isoformat(), **details["raised_with"]}]
    entry = {
        "on": details["forecast_on"],
        "predicted_wear_off_date": details["predicted_wear_off_date"],
        "suggested_session_by": details["suggested_session_by"],
    }
    if len(history) > 1 and history[-1]["on"] == entry["on"]:
        history.pop()  # the day's latest forecast stands for the day
    if _dates(history[-1]) != _dates(entry):
        history.append(entry)
    return {**details, "history": history}


def _dates(entry) -> tuple[str, str]:
    return entry["predicted_wear_off_date"], entry["suggested_session_by"]


def set_open_flags(summary, kinds):
    kinds = sorted(set(kinds), key=FLAG_ORDER.index)
    summary.open_flags = kinds
    summary.urgency_rank = min((URGENCY[kind] for kind in kinds), default=NO_FLAG_RANK)


def close_flags(patient_id, now) -> list[Flag]:
    """Resolves every flag of the patient still open or acknowledged, as ``discharged``; returns
    the open flags left (none). A discharged patient's flags never return (``_stored_flags``
    does not reload them), so a readmission starts from the flags new events raise."""
    for flag in db.session.scalars(
        select(Flag).where(Flag.patient_id == patient_id, Flag.status != RESOLVED)
    ).all():
        flag.status, flag.resolved_at, flag.resolution = RESOLVED, now, DISCHARGED
    db.session.flush()
    return []
