"""The names the relief engine speaks in: event kinds, statuses, forecast bases; and Event.

PURE: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

NO_BASELINE = "no_baseline"
NON_RESPONSE = "non_response"
WEARING_OFF = "wearing_off"
URGENT = "urgent"
DATA_GAP = "data_gap"
PLAN_MAINTENANCE = "plan_maintenance"
CYCLE_CENSORED = "cycle_censored"

#: Events that become care-team flags (docs/api.md, "Relief monitoring").
FLAG_KINDS = (WEARING_OFF, NON_RESPONSE, URGENT, DATA_GAP, PLAN_MAINTENANCE)
#: Events that only inform: the assessment notice and the forecast history.
INFO_KINDS = (NO_BASELINE, CYCLE_CENSORED)
EVENT_KINDS = INFO_KINDS + FLAG_KINDS

NO_TREATMENT = "no_treatment"
AWAITING_RESPONSE = "awaiting_response"
RELIEF = "relief"
STATUSES = (NO_TREATMENT, AWAITING_RESPONSE, RELIEF, WEARING_OFF, NON_RESPONSE)

#: Forecast bases (docs/api.md, "Relief monitoring"). v2: ``history`` when the patient's own past
#: cycles weigh in, ``trend`` when the cycle's own scores have moved the
#: forecast (the rise has begun), ``prior`` when only the clinic's cycles or the
#: fixed prior speak (never flagged); the details' ``sources`` say more.
HISTORY = "history"
TREND = "trend"
PRIOR = "prior"
BASES = (HISTORY, TREND, PRIOR)

# Assessment notices besides "no_baseline": where the baseline came from when it
# is not the patient's own pre-treatment diary, and a cycle past its active span.
NOTICE_BASELINE_FROM_INTAKE = "baseline_from_intake"
NOTICE_BASELINE_FROM_COURSE = "baseline_from_course"
NOTICE_CYCLE_INACTIVE = "cycle_inactive"


@dataclass(frozen=True)
class Event:
    """Something raised on ``day``; ``details`` is JSON-serialisable."""

    day: date
    kind: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "kind": self.kind, "details": dict(self.details)}
