"""Check-in operations: create (idempotent), list, update, delete."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from .. import gad7, gad7_texts, signals
from ..accounts.models import DISCHARGED
from ..audit import service as audit
from ..errors import ApiError, validation_error
from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, language_of
from ..idempotency import create_once
from ..localtime import local_date_of
from . import sideeffects
from .models import Entry, EntryEdit

FUTURE_TOLERANCE = timedelta(minutes=5)
DEFAULT_RANGE_DAYS = 90
MAX_RANGE_DAYS = 731
OUTSIDE_WINDOW = "outside_backfill_window"


def check_recorded_at(recorded_at, *, now):
    backfill_days = current_app.config["BACKFILL_DAYS"]
    if recorded_at > now + FUTURE_TOLERANCE:
        raise validation_error({"recorded_at": ["A check-in cannot be in the future."]})
    if recorded_at < now - timedelta(days=backfill_days):
        raise validation_error({"recorded_at": [f"A check-in can be at most {backfill_days} days old."]})


def check_editable(entry, *, now):
    """A patient changes or deletes a check-in only inside the backfill window, the one that
    governs making a check-in for a past day; older ones stay as the care team has seen them."""
    backfill_days = current_app.config["BACKFILL_DAYS"]
    if entry.recorded_at < now - timedelta(days=backfill_days):
        raise ApiError(
            409,
            OUTSIDE_WINDOW,
            f"Check-ins older than {backfill_days} days can no longer be changed or deleted here. "
            "Please ask your care team if this one needs to change.",
        )


def _unchanged(entry, changes):
    for name, value in changes.items():
        stored = getattr(entry, name)
        if name == "side_effects":
            stored, value = sorted(stored or []), sorted(value or [])
        elif name == "answers":
            value = list(value)
        if stored != value:
            return False
    return True


def _replayed_edit(entry, key, *, now):
    """True when the edit ``key`` was applied before. Otherwise the key is stored with the
    edit, in its transaction: of two concurrent replays one inserts it, the other finds it."""
    _, created = create_once(
        EntryEdit,
        EntryEdit(id=key, entry_id=entry.id, applied_at=now),
        lambda existing: existing.entry_id == entry.id,
    )
    return not created


def _matches(entry, data):
    recorded_at = data.get("recorded_at")
    return (
        entry.patient_id == data["patient_id"]
        and entry.answers == list(data["answers"])
        and (data.get("instrument") is None or entry.instrument == data["instrument"])
        and entry.difficulty == data.get("difficulty")
        and entry.note == data.get("note")
        and sideeffects.same(entry, data)
        and entry.safety == data.get("safety")
        and (recorded_at is None or entry.recorded_at == recorded_at)
    )


def _replayed(patient, data):
    """The stored check-in ``data`` repeats (same id and content), or None."""
    stored = data.get("id") and db.session.get(Entry, data["id"])
    return stored if stored and _matches(stored, {**data, "patient_id": patient.id}) else None


def due_instrument(patient, day) -> str:
    """``gad7`` when no standard GAD-7 was taken within 14 days of local date ``day``, else ``daily``."""
    window = timedelta(days=gad7.STANDARD_INTERVAL_DAYS)
    standard_days = db.session.scalars(
        select(Entry.local_date).where(
            Entry.patient_id == patient.id,
            Entry.instrument == gad7.STANDARD,
            Entry.local_date > day - window,
            Entry.local_date < day + window,
        )
    ).all()
    return gad7.due_instrument(day, standard_days)


def checkin_form(patient, day=None, *, now) -> dict:
    """The form due on local date ``day`` (default: the patient's today), with all its texts in
    the patient's language, the backfill window, the patient's first day (joining, in their
    zone), and where to turn when the patient feels worse."""
    day = day or local_date_of(now, patient.timezone)
    config = current_app.config
    instrument = due_instrument(patient, day)
    language = language_of(patient.user)
    return {
        **gad7.form(instrument, language),
        "date": day,
        "backfill_days": config["BACKFILL_DAYS"],
        "first_day": local_date_of(patient.user.created_at, patient.timezone),
        "support": {
            "clinic": clinic_contact(language),
            "crisis": crisis_line(language),
            "crisis_message": gad7.crisis_message(language),
        },
        "safety": (
            {**gad7.safety_question(language), "crisis": crisis_help(language)}
            if instrument == gad7.STANDARD and safety_asked()
            else None
        ),
    }


def safety_asked() -> bool:
    """Whether the clinic asks the safety question with the standard GAD-7 (DIARY_SAFETY_QUESTION)."""
    return bool(current_app.config.get("SAFETY_QUESTION", True))


def _setting(name, language):
    """A per-language setting: ``NAME_ES`` for Spanish, falling back to ``NAME`` when unset."""
    config = current_app.config
    return (language != DEFAULT_LANGUAGE and config.get(f"{name}_{language.upper()}")) or config.get(name)


def clinic_contact(language=DEFAULT_LANGUAGE) -> str | None:
    """How to reach the clinic, for a reader of ``language`` (DIARY_CLINIC_CONTACT[_ES]); None: unset."""
    return _setting("CLINIC_CONTACT", language)


def crisis_line(language=DEFAULT_LANGUAGE) -> str:
    """The crisis line for a reader of ``language`` (DIARY_CRISIS_LINE[_ES]); unset: the local
    emergency number, in that language's words."""
    return _setting("CRISIS_LINE", language) or gad7_texts.texts(language).default_crisis_line


def crisis_help(language=DEFAULT_LANGUAGE) -> dict:
    """``{"message", "line"}``: what the patient reads at once after a safety answer above 0."""
    return {"message": gad7.crisis_message(language), "line": crisis_line(language)}


def crisis_for(entry) -> dict | None:
    """The crisis help a stored check-in's answer calls for, in the language it was answered in, or None."""
    return crisis_help(entry.language) if entry.safety else None


def _check_safety(data, instrument) -> None:
    problem = gad7.safety_answer_problem(data.get("safety"), instrument, asked=safety_asked())
    if problem:
        raise validation_error({"safety": [problem]})


def create_entry(patient, data, *, actor, now):
    """Stores a check-in; returns ``(entry, created)``. A replay of the same id is not an error,
    even once the check-in has aged out of the backfill window.

    Without ``instrument``, the check-in is what is due on its local date. A discharged
    patient's new check-in is refused (409 ``discharged``); their diary stays readable.
    """
    if patient.status == DISCHARGED:
        if stored := _replayed(patient, data):
            return stored, False  # an outbox's retry of a check-in stored before the discharge
        raise ApiError(
            409, "discharged", "Your care team has closed your diary for now, so new check-ins are not taken."
        )
    recorded_at = data.get("recorded_at") or now
    try:
        check_recorded_at(recorded_at, now=now)
    except ApiError:
        # An outbox retrying a check-in that was stored, once it has aged out of the
        # window: the stored entry, not a refusal the patient would read as a loss.
        if stored := _replayed(patient, data):
            return stored, False
        raise
    local_date = local_date_of(recorded_at, patient.timezone)
    instrument = data.get("instrument") or due_instrument(patient, local_date)
    try:
        _check_safety(data, instrument)
    except ApiError:
        # A retry without "instrument" of a stored gad7 check-in: today's form is daily by now.
        if stored := _replayed(patient, data):
            return stored, False
        raise
    entry = Entry(
        id=data.get("id"),
        patient_id=patient.id,
        recorded_at=recorded_at,
        local_date=local_date,
        instrument=instrument,
        answers=data["answers"],
        difficulty=data.get("difficulty"),
        note=data.get("note"),
        safety=data.get("safety"),
        # The language the patient read the questions in; an edit keeps it (the answers mean
        # what that form said).
        language=language_of(patient.user),
        created_at=now,
        updated_at=now,
    )
    sideeffects.store(entry, data)
    entry, created = create_once(
        Entry, entry, lambda existing: _matches(existing, {**data, "patient_id": patient.id})
    )
    if created:
        audit.record(actor, "create", f"entry:{entry.id}", patient.id, at=now)
        signals.entry_stored.send(patient, entry=entry, created=True, now=now)
        signals.patient_data_changed.send(patient, now=now, record=entry)
    return entry, created


def update_entry(entry, patient, changes, *, actor, now, key=None):
    """Applies ``changes`` to a check-in inside the backfill window (else 409
    ``outside_backfill_window``). An edit already applied, by its idempotency ``key`` or
    because it changes nothing, answers the check-in as it stands: no second audit row."""
    if key is not None and _replayed_edit(entry, key, now=now):
        return entry
    if _unchanged(entry, changes):
        return entry
    check_editable(entry, now=now)
    # A note or side effect added or changed is news for the care team, as on a new check-in.
    before = (entry.note, sorted(entry.side_effects or []))
    if "recorded_at" in changes:
        check_recorded_at(changes["recorded_at"], now=now)
        entry.recorded_at = changes["recorded_at"]
        entry.local_date = local_date_of(entry.recorded_at, patient.timezone)
    if "answers" in changes:
        entry.answers = changes["answers"]
    for name in ("difficulty", "note"):
        if name in changes:
            setattr(entry, name, changes[name])
    sideeffects.store(entry, changes)
    reported_more = entry.reports and (entry.note, sorted(entry.side_effects or [])) != before
    entry.updated_at = now
    audit.record(actor, "update", f"entry:{entry.id}", patient.id, at=now)
    db.session.flush()
    if reported_more:
        signals.entry_stored.send(patient, entry=entry, created=False, now=now)
    signals.patient_data_changed.send(patient, now=now, record=entry)
    return entry


def delete_entry(entry, patient, *, actor, now):
    check_editable(entry, now=now)
    db.session.delete(entry)
    audit.record(actor, "delete", f"entry:{entry.id}", patient.id, at=now)
    db.session.flush()
    signals.patient_data_changed.send(patient, now=now)


def resolve_range(patient, start, end, *, now):
    """The inclusive local-date range asked for, defaulting to the last 90 days."""
    end = end or local_date_of(now, patient.timezone)
    start = start or end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if start > end:
        raise validation_error({"from": ["'from' must not be after 'to'."]})
    if (end - start).days + 1 > MAX_RANGE_DAYS:  # both ends count: 731 dates at most
        raise validation_error({"to": [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]})
    return start, end


def list_entries(patient, start, end, *, actor, now):
    audit.record_read(actor, "entries", patient.id, at=now)
    return db.session.scalars(
        select(Entry)
        .where(Entry.patient_id == patient.id, Entry.local_date >= start, Entry.local_date <= end)
        .order_by(Entry.recorded_at, Entry.id)
    ).all()
