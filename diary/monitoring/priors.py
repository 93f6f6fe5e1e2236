"""The clinic prior of the relief forecast: how long relief lasted in other patients' cycles.

``refresh_clinic_priors`` (the scheduler's ``clinic_priors`` job, every few
hours) collects, per care team and kind of course (a single session, or a
course of several), the durations of the wear-offs raised in the last
``WINDOW_DAYS``: the engine's estimate of the wear-off's day after the
course's last session (``estimated_duration``; v1 flags: ``duration``).
``prior_durations`` reads the care team's rows for an evaluation, leaving the
patient's own cycles out; the engine gives each cycle its own kind's.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from .. import relief
from ..accounts.models import Patient
from ..extensions import db
from .models import ClinicPrior, Flag

WINDOW_DAYS = 365
MAX_DURATIONS = 1000  # per care team and kind: the latest ones


def refresh_clinic_priors(*, now) -> int:
    """Rewrites every care team's clinic priors; returns how many rows it wrote. Flushes."""
    since = now.date() - timedelta(days=WINDOW_DAYS)
    found = defaultdict(list)
    for patient_id, team_id, details in db.session.execute(
        select(Flag.patient_id, Patient.care_team_id, Flag.details)
        .join(Patient, Patient.id == Flag.patient_id)
        .where(Flag.kind == "wearing_off", Flag.raised_on >= since)
        .order_by(Flag.raised_on, Flag.id)
    ):
        details = details or {}
        days = details.get("estimated_duration", details.get("duration"))
        if not isinstance(days, (int, float)) or isinstance(days, bool) or days <= 0 or team_id is None:
            continue
        kind = relief.prior_kind(1 if details.get("cycle_start") == details.get("last_session") else 2)
        found[(team_id, kind)].append([str(patient_id), days])
    # Only what changed is written: an unchanged clinic takes no write lock
    # (on SQLite a needless write would hold up the other jobs of a tick).
    stored = {(row.care_team_id, row.course_kind): row for row in db.session.scalars(select(ClinicPrior))}
    for key, durations in found.items():
        durations = durations[-MAX_DURATIONS:]
        row = stored.pop(key, None)
        if row is None:
            db.session.add(
                ClinicPrior(care_team_id=key[0], course_kind=key[1], durations=durations, refreshed_at=now)
            )
        elif row.durations != durations:
            row.durations, row.refreshed_at = durations, now
    for row in stored.values():
        db.session.delete(row)
    db.session.flush()
    return len(found)


def prior_durations(patient) -> dict[str, list[float]]:
    """The clinic prior for ``patient``: other patients' durations, per kind of course."""
    found: dict[str, list[float]] = {kind: [] for kind in relief.PRIOR_KINDS}
    if patient.care_team_id is None:
        return found
    own = str(patient.id)
    for kind, durations in db.session.execute(
        select(ClinicPrior.course_kind, ClinicPrior.durations).where(
            ClinicPrior.care_team_id == patient.care_team_id
        )
    ):
        if kind in found:
            found[kind] = [float(days) for patient_id, days in durations if patient_id != own]
    return found
