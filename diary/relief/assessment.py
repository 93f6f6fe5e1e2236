"""The assessment: the state of the current cycle as of a day (docs/api.md, "Relief monitoring").

PURE: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:  # the replay builds assessments; only its type is needed here
    from .replay import _Replay


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


def build_assessment(run: _Replay) -> Assessment:
    """The assessment of a finished replay's current cycle, as of its last day."""
    p = run.p
    c = run.cycle
    latest = max(run.score_at) if run.score_at else None
    if c is None:
        # Decision: before any session the baseline shown is the one a session
        # tomorrow would get (its 7 days before, else the intake baseline).
        baseline = run._window_median(run.until + 1)
        if baseline is None and run.intake is not None:
            baseline = float(run.intake)
        return Assessment(
            status=NO_TREATMENT,
            baseline=baseline,
            current=None if latest is None else float(run.score_at[latest]),
            notices=[NO_BASELINE] if baseline is None else [],
        )

    today = run.until
    smoothed = run._smoothed(c) if c.scores and c.scores[-1][0] == latest else None
    current: float | None = smoothed
    if current is None and latest is not None:
        current = float(run.score_at[latest])

    if NON_RESPONSE in c.raised:
        status = NON_RESPONSE
    elif WEARING_OFF in c.raised:
        status = WEARING_OFF
    elif c.nadir is None:
        status = AWAITING_RESPONSE
    elif c.baseline is None:
        # Decision: without a baseline, relief means a nadir below the moderate
        # band (the same cut-off the no-baseline threshold uses).
        status = RELIEF if c.nadir < p.no_baseline_threshold else AWAITING_RESPONSE
    elif c.baseline - c.nadir < p.non_response_min_improvement:
        status = AWAITING_RESPONSE
    else:
        status = RELIEF

    predicted: int | None = None
    basis: str | None = None
    suggested: int | None = None
    forecast: dict[str, Any] | None = None
    if status == WEARING_OFF:
        # Decision: after a wear-off the "prediction" is the observed day, with
        # no basis; the suggested date keeps its rule (and so lies in the past).
        predicted = c.wear_off_day
        if predicted is not None:
            suggested = predicted - p.suggest_days_before
    elif status != NON_RESPONSE:
        if run.v2:
            outlook, basis, sources = run._forecast_v2(c, today)
            predicted, suggested = c.last + outlook.median, c.last + outlook.suggested
            forecast = {**run._forecast_details(c, outlook, sources, today), "basis": basis}
        else:
            predicted, basis, _ = run._forecast(c, today)
            suggested = predicted - p.suggest_days_before

    fraction = None
    if current is not None and c.nadir is not None and c.baseline is not None and c.baseline != c.nadir:
        fraction = round((current - c.nadir) / (c.baseline - c.nadir), 3)

    notices = []
    if c.baseline is None:
        notices.append(NO_BASELINE)
    elif c.baseline_source == "intake":
        notices.append(NOTICE_BASELINE_FROM_INTAKE)
    elif c.baseline_source == "course":
        notices.append(NOTICE_BASELINE_FROM_COURSE)
    if today > c.last + p.active_cycle_days:
        notices.append(NOTICE_CYCLE_INACTIVE)

    return Assessment(
        status=status,
        last_session_date=date.fromordinal(c.last),
        baseline=c.baseline,
        nadir=None if c.nadir is None else float(c.nadir),
        threshold=c.threshold,
        current=current,
        regained_fraction=fraction,
        days_since_session=today - c.last,
        predicted_wear_off_date=None if predicted is None else date.fromordinal(predicted),
        prediction_basis=basis,
        suggested_session_by=None if suggested is None else date.fromordinal(suggested),
        notices=notices,
        forecast=forecast,
    )
