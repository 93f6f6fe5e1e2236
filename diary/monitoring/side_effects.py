"""The side_effect flag: raised by what a patient reports, not by the relief engine
(docs/relief.md, "Side effects and home doses").

Rules, checked whenever a check-in or a session is stored or changed:

- ``late_dissociation``: a check-in lists dissociation more than 24 hours after the last
  completed dose before it (or with no dose recorded before it);
- ``craving``: a check-in or session lists craving or taking more than prescribed;
- ``severe``: any side effect rated severe;
- ``more_than_prescribed``: the doses the patient recorded themselves number more than the
  care team's home-dose schedule allows in some window of its days.

A flag's ``details.reasons`` lists what fired it, each with a ``text`` for the care team and
the record it came from. While a side_effect flag is open, a new reason joins it; once it is
acknowledged, the next reason opens a new one. The same reason from the same record is never
noted twice. The reconciliation of the relief flags leaves these alone (no ``cycle_start``):
only a person closes them.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from ..accounts.models import DISCHARGED, PATIENT
from ..checkins.models import Entry
from ..extensions import db
from ..localtime import local_date_of
from ..treatments.models import COMPLETED, Treatment
from .flags import insert_flag, open_flag
from .models import OPEN, Flag

SIDE_EFFECT = "side_effect"
LATE_DISSOCIATION = timedelta(hours=24)


def check(patient, record, *, now) -> None:
    """Notes on the side_effect flag every rule ``record`` (an Entry or a Treatment) fires."""
    if patient.status == DISCHARGED:
        return
    reasons = reasons_of(patient, record)
    if reasons:
        note(patient, reasons, now=now)


def reasons_of(patient, record) -> list[dict]:
    if isinstance(record, Treatment) and record.status != COMPLETED:
        return []
    kind = "entry" if isinstance(record, Entry) else "treatment"
    source = {"record": f"{kind}:{record.id}", "on": record.local_date.isoformat()}
    effects = list(record.side_effects or [])
    reasons = []
    if kind == "entry" and "dissociation" in effects:
        reasons += _late_dissociation(patient, record)
    if "craving" in effects:
        reasons.append(
            {"reason": "craving", "text": "Reported craving ketamine, or taking more than prescribed."}
        )
    severe = [code for code in effects if (record.side_effect_severity or {}).get(code) == "severe"]
    if severe:
        names = ", ".join(code.replace("_", " ") for code in severe)
        reasons.append({"reason": "severe", "effects": severe, "text": f"Rated severe: {names}."})
    if kind == "treatment" and record.recorded_by_role == PATIENT:
        reasons += _more_than_prescribed(patient, record)
    return [{**reason, **source} for reason in reasons]


def _late_dissociation(patient, entry) -> list[dict]:
    dose = db.session.scalar(
        select(Treatment.starts_at)
        .where(
            Treatment.patient_id == patient.id,
            Treatment.status == COMPLETED,
            Treatment.starts_at <= entry.recorded_at,
        )
        .order_by(Treatment.starts_at.desc())
        .limit(1)
    )
    if dose is None:
        return [
            {
                "reason": "late_dissociation",
                "hours_after_dose": None,
                "text": "Dissociation reported with no dose recorded before it.",
            }
        ]
    hours = (entry.recorded_at - dose).total_seconds() / 3600
    if entry.recorded_at - dose <= LATE_DISSOCIATION:
        return []
    return [
        {
            "reason": "late_dissociation",
            "hours_after_dose": int(hours),
            "text": f"Dissociation reported {int(hours)} hours after the last dose (expected to pass within hours).",
        }
    ]


def _more_than_prescribed(patient, dose) -> list[dict]:
    """Whether some window of the schedule's days holding ``dose`` has more of the patient's own
    doses than it allows."""
    allowed, days = patient.home_doses_max, patient.home_doses_days
    if allowed is None or days is None:
        return []
    span = timedelta(days=days)
    times = db.session.scalars(
        select(Treatment.starts_at)
        .where(
            Treatment.patient_id == patient.id,
            Treatment.status == COMPLETED,
            Treatment.recorded_by_role == PATIENT,
            Treatment.starts_at > dose.starts_at - span,
            Treatment.starts_at < dose.starts_at + span,
        )
        .order_by(Treatment.starts_at)
    ).all()
    most = max(
        (sum(1 for other in times if end - span < other <= end) for end in times if end >= dose.starts_at),
        default=0,
    )
    if most <= allowed:
        return []
    return [
        {
            "reason": "more_than_prescribed",
            "doses": most,
            "allowed": allowed,
            "days": days,
            "text": f"{most} home doses recorded within {days} days; the schedule allows {allowed}.",
        }
    ]


def note(patient, reasons, *, now) -> Flag | None:
    """Adds the reasons not noted before to the open side_effect flag, or to a new one."""
    flags = db.session.scalars(
        select(Flag).where(Flag.patient_id == patient.id, Flag.kind == SIDE_EFFECT)
    ).all()
    seen = {
        (r.get("reason"), r.get("record")) for flag in flags for r in (flag.details or {}).get("reasons", [])
    }
    new = [reason for reason in reasons if (reason["reason"], reason["record"]) not in seen]
    if not new:
        return None
    flag = next((flag for flag in flags if flag.status == OPEN), None) or _open(patient, now)
    flag.details = {**(flag.details or {}), "reasons": [*(flag.details or {}).get("reasons", []), *new]}
    flag_modified(flag, "details")
    db.session.flush()
    return flag


def _open(patient, now) -> Flag:
    """A new open side_effect flag, or the one another request opened first."""
    flag = Flag(
        patient_id=patient.id,
        kind=SIDE_EFFECT,
        status=OPEN,
        occurrence=f"{SIDE_EFFECT}:{uuid.uuid4()}",
        cycle_start=None,
        raised_on=local_date_of(now, patient.timezone),
        raised_at=now,
        details={"reasons": []},
    )
    return insert_flag(flag) or open_flag(patient.id, SIDE_EFFECT)
