"""What a patient reports, as the care team must hear it: the safety answer and new notes.

- A safety answer above 0 (the PHQ-9's item 9, asked with the standard GAD-7) opens a
  ``safety`` flag at once. It has no ``cycle_start``, so the relief reconciliation
  (:mod:`.flags`) never resolves, withdraws or moves it: only a person acknowledges it,
  with a note (:data:`.flags.NOTE_REQUIRED_KINDS`). While one is open, another answer
  above 0 adds to it (its ``details``) rather than opening a second; once acknowledged,
  the next one opens a new flag. Opening one sends ``safety_flag_raised``, on which
  notifications queue the care team's alert email in the same transaction.
- A check-in with a note or a side effect (``Entry.reports``) marks the patient's
  summary row (``new_reports_at``); the worklist shows it until someone of the care team
  opens the patient's timeline (:func:`seen_by_care_team`).

Both run on ``entry_stored``, which the check-ins send only for a check-in stored anew
(or changed), so a retried POST never opens a second flag or sends a second email.
Services flush, never commit.
"""

from __future__ import annotations

from sqlalchemy import select, update

from .. import gad7, gad7_texts, signals
from ..extensions import db
from .evaluation import locked_summary
from .flags import insert_flag, open_flag, set_open_flags
from .models import OPEN, Flag, PatientSummary

SAFETY = "safety"


def entry_stored(patient, *, entry, created, now) -> None:
    """Acts on a check-in just stored (``created``) or changed: the safety flag, the worklist's mark."""
    if created and entry.safety:
        raise_safety_flag(patient, entry, now=now)
    if entry.reports:
        mark_new_report(patient, now=now)


def raise_safety_flag(patient, entry, *, now) -> Flag:
    """Opens the patient's ``safety`` flag for ``entry`` (or adds the entry to the open one)."""
    summary = locked_summary(patient, now)  # one flag at a time per patient, like a refresh
    flag = open_flag(patient.id, SAFETY)
    if flag is None:
        flag = insert_flag(
            Flag(
                patient_id=patient.id,
                kind=SAFETY,
                occurrence=f"{SAFETY}:{entry.id}",
                cycle_start=None,  # the relief reconciliation leaves it alone
                raised_on=entry.local_date,
                raised_at=now,
                details=_details(None, entry),
                status=OPEN,
            )
        )
        if flag is not None and flag.status == OPEN and flag.provider_alerted_at is None:
            db.session.flush()
            signals.safety_flag_raised.send(patient, flag=flag, now=now)
    if flag is None:
        flag = open_flag(patient.id, SAFETY)  # a concurrent check-in opened it
    if flag is not None and str(entry.id) not in flag.details.get("entry_ids", []):
        # Another answer above 0 while the first is open: the care team reads both on one flag.
        flag.details = _details(flag.details, entry)
    kinds = db.session.scalars(select(Flag.kind).where(Flag.patient_id == patient.id, Flag.status == OPEN))
    set_open_flags(summary, list(kinds))
    db.session.flush()
    return flag


def _details(details, entry) -> dict:
    """A safety flag's details with ``entry``'s answer added: the highest answer (and its words), and each
    answer (0..3), its local date and its check-in, oldest first."""
    details = details or {"reason": "safety_answer", "entry_id": str(entry.id)}
    answers = [*details.get("answers", []), entry.safety]
    return {
        **details,
        "answer": max(answers),
        "answer_label": gad7.SAFETY_ANSWERS[max(answers)].label,
        "answers": answers,
        "dates": [*details.get("dates", []), entry.local_date.isoformat()],
        "entry_ids": [*details.get("entry_ids", []), str(entry.id)],
    }


def in_readers_words(details: dict | None, language: str) -> dict | None:
    """A flag's details as a reader sees them: a safety flag keeps its answer as a number (0..3),
    and its ``answer_label`` is that answer in the reader's language, not the one stored."""
    if (
        not details
        or "answer_label" not in details
        or details.get("answer") not in range(len(gad7.SAFETY_ANSWERS))
    ):
        return details
    answers = gad7_texts.texts(language).forms[gad7.STANDARD].answers
    return {**details, "answer_label": answers[details["answer"]]}


def mark_new_report(patient, *, now) -> None:
    """Marks the patient on the worklist: a note or side effect the care team has not seen."""
    summary = locked_summary(patient, now)
    summary.new_reports_at = now
    db.session.flush()


def seen_by_care_team(patient_id) -> None:
    """A care-team member opened the patient's timeline: nothing reported is new any more.
    One indexed update by primary key, and none when nothing was marked."""
    db.session.execute(
        update(PatientSummary)
        .where(PatientSummary.patient_id == patient_id, PatientSummary.new_reports_at.is_not(None))
        .values(new_reports_at=None)
        .execution_options(synchronize_session=False)
    )
