"""plan_maintenance follows the current forecast (docs/relief.md, "A flag that follows the forecast"). PURE.

The flag is raised on the first day the forecast reaches the bar (plan_maintenance_v1,
plan_maintenance_v2), with that day's forecast. The forecast moves every day after it;
so, at the end of a replay, the open cycle's plan_maintenance is restated with the
forecast as of the replay's last day: the same one the assessment shows, so the flag,
the worklist and the assessment agree. A booking that answers it under the one rule
(``Run.booked``, as of that day) withdraws it. Closed cycles keep what they said.
"""

from __future__ import annotations

from typing import Any

from ..assessment import Outlook
from ..events import PLAN_MAINTENANCE, Event
from ..state import Cycle, Run, iso

#: Restated with the current forecast, when the rule set's forecast carries them (v2).
_FORECAST_KEYS = ("expected_duration", "interval_80", "sources", "why", "why_parts")


def follow(run: Run, c: Cycle, outlook: Outlook) -> None:
    """Restates (or withdraws) cycle ``c``'s plan_maintenance as of ``run.until``."""
    start = iso(c.start)
    for i in range(len(run.events) - 1, -1, -1):
        event = run.events[i]
        if event.kind == PLAN_MAINTENANCE and event.details["cycle_start"] == start:
            break
    else:
        return
    today = run.until
    predicted, suggested = outlook.predicted.toordinal(), outlook.suggested.toordinal()
    if run.booked(today, suggested, predicted):
        del run.events[i]  # answered by a booking: withdrawn (it comes back if the booking goes)
        return
    run.events[i] = Event(event.day, PLAN_MAINTENANCE, restated(event.details, c, today, outlook))


def restated(details: dict[str, Any], c: Cycle, today: int, outlook: Outlook) -> dict[str, Any]:
    """The raise day's details with today's forecast in place of the raise day's, which
    stays as ``raised_with``; ``forecast_on`` is the forecast's day."""
    current: dict[str, Any] = {
        **c.common(today),
        "basis": outlook.basis,
        "predicted_wear_off_date": outlook.predicted.isoformat(),
        "suggested_session_by": outlook.suggested.isoformat(),
        "forecast_on": iso(today),
        "raised_with": details.get("raised_with")
        or {
            "predicted_wear_off_date": details["predicted_wear_off_date"],
            "suggested_session_by": details["suggested_session_by"],
        },
    }
    forecast = outlook.forecast or {}
    current.update({key: forecast[key] for key in _FORECAST_KEYS if key in forecast})
    return {**details, **current}
