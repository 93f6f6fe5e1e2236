"""The assessment: the state of the current cycle as of a day (docs/api.md, "Relief monitoring").

PURE: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any, NamedTuple

from .events import (
    AWAITING_RESPONSE,
    NO_BASELINE,
    NO_TREATMENT,
    NON_RESPONSE,
    NOTICE_BASELINE_FROM_COURSE,
    NOTICE_BASELINE_FROM_INTAKE,
    NOTICE_CYCLE_INACTIVE,
    RELIEF,
    WEARING_OFF,
)
from .params import ReliefParams


@dataclass
class Assessment:
    """The state of the current cycle as of a day (docs/api.md, "Relief monitoring").

    ``forecast`` (v2, not part of ``as_dict``: the contract's shape) is the
    forecast's details: predicted_wear_off_date, suggested_session_by,
    expected_duration, interval_80, sources, why.
    """

    status: str
    last_session_date: date | None = None
    baseline: float | None = None
    #: where the baseline comes from: "daily_run_in", "intake", "daily_before_course", "gad7" or None
    baseline_source: str | None = None
    nadir: float | None = None
    threshold: float | None = None
    current: float | None = None
    regained_fraction: float | None = None
    days_since_session: int | None = None
    predicted_wear_off_date: date | None = None
    prediction_basis: str | None = None
    suggested_session_by: date | None = None
    notices: list[str] = field(default_factory=list)
    forecast: dict[str, Any] | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON shape: dates as ISO strings."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "forecast":
                continue
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, date) else value
        out["notices"] = list(self.notices)
        return out


class Outlook(NamedTuple):
    """The current cycle's prediction on the assessment's day (the rule set's forecast)."""

    predicted: date
    basis: str | None
    suggested: date
    forecast: dict[str, Any] | None  # v2: the forecast's details (``Assessment.forecast``)


@dataclass(frozen=True)
class CycleFacts:
    """What the assessment reads of the current cycle, as of its day."""

    last_session: date
    baseline: float | None
    baseline_source: str | None  # rules/baseline.py: "daily_run_in", "intake", "daily_before_course", "gad7"
    nadir: float | None
    threshold: float | None
    raised: frozenset[str]  # the kinds raised in the cycle so far
    wear_off_day: date | None


def build_assessment(
    params: ReliefParams,
    today: date,
    current: float | None,
    cycle: CycleFacts | None,
    outlook: Outlook | None = None,
    baseline_before: float | None = None,
    source_before: str | None = None,
) -> Assessment:
    """The assessment as of ``today``: ``current`` is S of the latest logged day, or
    its score; ``cycle`` the current cycle (None before any session: then
    ``baseline_before`` is the baseline a session tomorrow would get); ``outlook``
    the rule set's prediction, needed unless the cycle wore off or did not respond."""
    if cycle is None:
        # Decision: before any session the baseline shown is the one a session
        # tomorrow would get (its 7 days before, else the intake baseline).
        return Assessment(
            status=NO_TREATMENT,
            baseline=baseline_before,
            baseline_source=source_before,
            current=current,
            notices=[NO_BASELINE] if baseline_before is None else [],
        )
    p = params
    status = _status(p, cycle)
    predicted: date | None = None
    basis: str | None = None
    suggested: date | None = None
    forecast: dict[str, Any] | None = None
    if status == WEARING_OFF:
        # Decision: after a wear-off the "prediction" is the observed day, with
        # no basis; the suggested date keeps its rule (and so lies in the past).
        predicted = cycle.wear_off_day
        if predicted is not None:
            suggested = predicted - timedelta(days=p.suggest_days_before)
    elif status != NON_RESPONSE:
        assert outlook is not None  # the caller's rule set forecasts this cycle
        predicted, basis, suggested, forecast = outlook

    fraction = None
    nadir, baseline = cycle.nadir, cycle.baseline
    if current is not None and nadir is not None and baseline is not None and baseline != nadir:
        fraction = round((current - nadir) / (baseline - nadir), 3)

    return Assessment(
        status=status,
        last_session_date=cycle.last_session,
        baseline=baseline,
        baseline_source=cycle.baseline_source,
        nadir=None if nadir is None else float(nadir),
        threshold=cycle.threshold,
        current=current,
        regained_fraction=fraction,
        days_since_session=(today - cycle.last_session).days,
        predicted_wear_off_date=predicted,
        prediction_basis=basis,
        suggested_session_by=suggested,
        notices=_notices(p, today, cycle),
        forecast=forecast,
    )


def _status(p: ReliefParams, c: CycleFacts) -> str:
    if NON_RESPONSE in c.raised:
        return NON_RESPONSE
    if WEARING_OFF in c.raised:
        return WEARING_OFF
    if c.nadir is None:
        return AWAITING_RESPONSE
    if c.baseline is None:
        # Decision: without a baseline, relief means a nadir below the moderate
        # band (the same cut-off the no-baseline threshold uses).
        return RELIEF if c.nadir < p.no_baseline_threshold else AWAITING_RESPONSE
    if c.baseline - c.nadir < p.non_response_min_improvement:
        return AWAITING_RESPONSE
    return RELIEF


def _notices(p: ReliefParams, today: date, c: CycleFacts) -> list[str]:
    notices = []
    if c.baseline is None:
        notices.append(NO_BASELINE)
    elif c.baseline_source in ("intake", "gad7"):
        notices.append(NOTICE_BASELINE_FROM_INTAKE)
    elif c.baseline_source == "daily_before_course":
        notices.append(NOTICE_BASELINE_FROM_COURSE)
    if (today - c.last_session).days > p.active_cycle_days:
        notices.append(NOTICE_CYCLE_INACTIVE)
    return notices
