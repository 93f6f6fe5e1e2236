"""Provider alerts: one email per provider about the flags opened since the last pass.

The pass flushes, never commits: the scheduler's job owns the transaction.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from ..accounts.models import Patient, care_team_members
from ..extensions import db
from ..monitoring.models import ALERTING_KINDS, OPEN, Flag
from .models import EMAIL, PROVIDER_ALERT
from .outbox import enqueue, message_row

PROVIDER_ALERT_LIFETIME = timedelta(days=3)


@dataclass
class AlertPass:
    flags: int = 0
    providers: int = 0
    patients: int = 0

    def add(self, other: AlertPass) -> AlertPass:
        self.flags, self.providers, self.patients = (
            self.flags + other.flags,
            self.providers + other.providers,
            self.patients + other.patients,
        )
        return self

    def summary(self) -> str:
        return f"{self.providers} email(s) queued about {self.flags} new flag(s)"


def queue_provider_alerts(*, now, limit=1000) -> AlertPass:
    """One email per provider about the flags of ``ALERTING_KINDS`` opened since the last pass
    (a ``safety`` flag's alert was queued when it opened: the pass finds it claimed).

    A flag is claimed by setting ``provider_alerted_at`` (conditionally, so two
    passes cannot both claim it) and is counted in exactly one email per
    provider of its care team. The email says how many patients, never who or why.
    """
    result = AlertPass()
    rows = db.session.execute(
        select(Flag.id, Flag.patient_id, Patient.care_team_id)
        .join(Patient, Patient.id == Flag.patient_id)
        .where(Flag.kind.in_(ALERTING_KINDS), Flag.provider_alerted_at.is_(None), Flag.status == OPEN)
        .order_by(Flag.raised_at, Flag.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Flag)
    ).all()
    claimed = [
        row
        for row in rows
        if db.session.execute(
            update(Flag)
            .where(Flag.id == row.id, Flag.provider_alerted_at.is_(None))
            .values(provider_alerted_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    ]
    return _queue_for(claimed, now=now, result=result)


def queue_alert_now(flag, *, now) -> AlertPass:
    """The care team's alert about one flag (a ``safety`` flag, the moment it opens), queued in the
    caller's transaction rather than at the next pass: delivery sends it within its next run.

    The same claim as the pass (``provider_alerted_at``), so the pass never counts it again, and
    the same email ("1 patient needs your attention"): it says neither who nor why.
    """
    claimed = db.session.execute(
        update(Flag)
        .where(Flag.id == flag.id, Flag.provider_alerted_at.is_(None))
        .values(provider_alerted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    flag.provider_alerted_at = flag.provider_alerted_at or now  # the loaded row as now stored
    if claimed != 1:
        return AlertPass()
    row = db.session.execute(
        select(Flag.id, Flag.patient_id, Patient.care_team_id)
        .join(Patient, Patient.id == Flag.patient_id)
        .where(Flag.id == flag.id)
    ).one()
    return _queue_for([row], now=now, result=AlertPass())


def _queue_for(claimed, *, now, result: AlertPass) -> AlertPass:
    """One email per provider of the claimed flags' care teams; ``result`` counts them."""
    if not claimed:
        return result
    providers_of = defaultdict(list)
    for team_id, provider_id in db.session.execute(
        select(care_team_members.c.care_team_id, care_team_members.c.provider_id).where(
            care_team_members.c.care_team_id.in_({row.care_team_id for row in claimed})
        )
    ).all():
        providers_of[team_id].append(provider_id)

    flags_for, patients_for = defaultdict(set), defaultdict(set)
    for row in claimed:
        for provider_id in providers_of[row.care_team_id]:
            flags_for[provider_id].add(str(row.id))
            patients_for[provider_id].add(row.patient_id)
    alerts = []
    for provider_id, flag_ids in flags_for.items():
        digest = hashlib.sha256(",".join(sorted(flag_ids)).encode()).hexdigest()[:32]
        alerts.append(
            message_row(
                dedupe_key=f"provider_alert:{provider_id}:{digest}",
                kind=PROVIDER_ALERT,
                channel=EMAIL,
                user_id=provider_id,
                payload={"count": len(patients_for[provider_id])},
                now=now,
                expires_at=now + PROVIDER_ALERT_LIFETIME,
            )
        )
    enqueue(alerts)
    result.flags, result.providers = len(claimed), len(alerts)
    result.patients = len({row.patient_id for row in claimed})
    return result
