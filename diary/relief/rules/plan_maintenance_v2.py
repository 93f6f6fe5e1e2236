"""plan_maintenance, v2: a predictive distribution of the wear-off day (docs/relief.md). PURE.

The prior of the duration D comes from the patient's past cycles and the
clinic's (forecast.duration_prior), the cycle's own scores move it
(forecast.cycle_forecast); the flag comes when P(D <= today - TL + lead)
reaches plan_probability, on a basis other than the prior alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..assessment import Outlook
from ..events import HISTORY, PLAN_MAINTENANCE, PRIOR, TREND
from ..forecast import CycleForecast, DurationPrior, cycle_forecast, duration_prior, prior_kind
from ..state import Cycle, Run, iso


def open_cycle(run: Run, c: Cycle) -> None:
    """The noise SD of the scores so far, and the duration prior of a single session's cycle."""
    run.noise_sd = run.estimate_noise_sd(c.start)
    c.prior = _duration_prior(run, 1)


def later_session(run: Run, c: Cycle) -> None:
    """A second session makes the cycle a course's: the fixed prior depends on the kind of course."""
    if c.sessions == 2:
        c.prior = _duration_prior(run, 2)


def _duration_prior(run: Run, sessions: int) -> DurationPrior:
    kind = prior_kind(sessions)
    return duration_prior(run.durations, run.clinic[kind], run.fixed_prior_days(sessions), run.p)


def plan_maintenance(run: Run, c: Cycle, t: int) -> None:
    p = run.p
    prior = c.prior
    if prior is None or (not prior.own_cycles and c.nadir is None) or not _may_reach_the_bar(run, c, t):
        return
    forecast, basis, sources = _forecast(run, c, t)
    if basis == PRIOR or forecast.within_lead < p.plan_probability:
        return
    if run.booked(t, c.last + forecast.suggested, c.last + forecast.median):
        return
    run.emit(
        t,
        PLAN_MAINTENANCE,
        c,
        {
            "basis": basis,
            **_details(c, forecast, sources),
            "probability_within_lead": round(forecast.within_lead, 3),
            "lead_days": p.plan_lead_days,
        },
    )


def _may_reach_the_bar(run: Run, c: Cycle, t: int) -> bool:
    """Decision (speed): the full posterior only when it can reach the bar:
    the prior's chance of a wear-off within the lead, among the days not yet
    seen flat, is a fifth of the bar or more, or the latest score is halfway
    from the nadir to W."""
    p = run.p
    prior = c.prior
    assert prior is not None
    u = t - c.last
    last_score = c.scores[-1][1] if c.scores else None
    if (
        last_score is not None
        and c.nadir is not None
        and c.threshold is not None
        and last_score >= (c.nadir + c.threshold) / 2
    ):
        return True
    pmf = prior.pmf
    seen = max(u - 3, 0)
    ahead = sum(pmf[seen + 1 : u + p.plan_lead_days + 1])
    rest = sum(pmf[seen + 1 :]) + prior.beyond
    return not (rest <= 0 or ahead < rest * p.plan_probability / 5)


def _forecast(run: Run, c: Cycle, t: int) -> tuple[CycleForecast, str, list[str]]:
    """The forecast of cycle ``c`` as of day ``t``, its basis and its sources."""
    prior = c.prior
    assert prior is not None  # set when the cycle opened
    points: list[tuple[int, float]] = []
    if c.nadir_day is not None:
        points = [(d - c.last, v) for d, v in c.scores[c.nadir_index :] if d > c.last]
    forecast = cycle_forecast(prior, points, t - c.last, c.nadir, c.threshold, run.noise_sd, run.p)
    sources = []
    if prior.own_cycles:
        sources.append("own_cycles")
    sources.append("clinic" if prior.clinic_cycles else "default_prior")
    if points:
        sources.append("scores")
    if forecast.rise >= 0.5:
        basis = TREND
    elif prior.own_cycles:
        basis = HISTORY
    else:
        basis = PRIOR
    return forecast, basis, sources


def _details(c: Cycle, forecast: CycleForecast, sources: list[str]) -> dict[str, Any]:
    """The forecast in an event's or the assessment's words (ISO dates)."""
    last = c.last
    parts = _why_parts(c, forecast)
    return {
        "predicted_wear_off_date": iso(last + forecast.median),
        "suggested_session_by": iso(last + forecast.suggested),
        "expected_duration": forecast.median,
        "interval_80": [iso(last + forecast.low), iso(last + forecast.high)],
        "sources": sources,
        "why": _why(parts),
        "why_parts": parts,
    }


def _why_parts(c: Cycle, forecast: CycleForecast) -> list[dict[str, Any]]:
    """What the forecast rests on, as facts: each a ``part`` and its numbers. The care team's
    screens put them in words in the reader's language; ``_why`` puts them in English."""
    prior = c.prior
    assert prior is not None
    parts: list[dict[str, Any]] = []
    observed = prior.observed[-4:]
    if observed:
        parts.append(
            {"part": "observed", "cycles": len(observed), "shortest": min(observed), "longest": max(observed)}
        )
    if prior.censored:
        parts.append({"part": "censored", "cycles": len(prior.censored), "shortest": min(prior.censored)})
    if not prior.own_cycles:
        parts.append(
            {"part": "clinic_prior", "cycles": prior.clinic_cycles}
            if prior.clinic_cycles
            else {"part": "typical_prior"}
        )
    if forecast.rise >= 0.5:
        parts.append({"part": "rising"})
    elif c.nadir is not None and c.scores:
        parts.append({"part": "not_rising"})
    return parts


def _why(parts: list[dict[str, Any]]) -> str:
    """The forecast in plain English, for the API's ``why`` and the CSV."""
    words = []
    for p in parts:
        if p["part"] == "observed":
            low, high = p["shortest"], p["longest"]
            span = f"{low}-{high} days" if low != high else f"{low} days"
            count = "cycle" if p["cycles"] == 1 else f"{p['cycles']} cycles"
            words.append(f"the last {count} with a wear-off lasted {span}")
        elif p["part"] == "censored":
            words.append(
                f"{p['cycles']} ended by a session before relief faded (at least {p['shortest']} days)"
            )
        elif p["part"] == "clinic_prior":
            words.append(f"no past cycles yet: the clinic's {p['cycles']} cycles stand in")
        elif p["part"] == "typical_prior":
            words.append("no past cycles yet: a typical duration stands in")
        elif p["part"] == "rising":
            words.append("the scores have started to rise from their lowest level")
        else:
            words.append("the scores have not started to rise yet")
    text = "; ".join(words)
    return text[:1].upper() + text[1:] + "." if text else ""


def outlook(run: Run, c: Cycle, today: int) -> Outlook:
    """The assessment's prediction: the forecast's median and suggested quantile, and its details."""
    forecast, basis, sources = _forecast(run, c, today)
    details = {**_details(c, forecast, sources), "basis": basis}
    predicted, suggested = c.last + forecast.median, c.last + forecast.suggested
    return Outlook(date.fromordinal(predicted), basis, date.fromordinal(suggested), details)
