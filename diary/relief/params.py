"""ReliefParams: every number of the relief rules, and its parsing from configuration.

PURE: no Flask, no database. ``DIARY_RELIEF_PARAMS`` ("mcid=5,course_gap_days=6")
is parsed here, next to the fields it names, so the monitoring layer only reads
the setting and calls ``parse_relief_params``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

#: The rule sets: ``v1`` is the first rules (docs/relief.md), ``v2`` the probabilistic
#: forecast and the CUSUM wear-off detector of docs/relief.md (the default).
RULES = ("v1", "v2")

# Fields that are whole numbers of days or scores, and must be at least 1.
_AT_LEAST_ONE = (
    "course_gap_days",
    "baseline_window_days",
    "baseline_min_scores",
    "smoothing_scores",
    "smoothing_window_days",
    "smoothing_min_scores",
    "wear_off_window_scores",
    "wear_off_min_above",
    "wear_off_window_days",
    "urgent_window_scores",
    "urgent_min_severe_scores",
    "urgent_window_days",
    "urgent_reraise_days",
    "data_gap_days",
    "history_durations",
    "km_min_cycles",
    "trend_window_days",
    "prior_single_days",
    "prior_course_days",
    "plan_lead_days",
    "cusum_min_above",
    "return_scores",
    "return_window_days",
    "forecast_max_days",
    "nadir_scores",
)
# Fields that are probabilities, strictly between 0 and 1.
_PROBABILITIES = ("plan_probability", "suggest_quantile", "history_recency")


@dataclass(frozen=True)
class ReliefParams:
    """Every default of the relief rules, v1 and v2 (docs/relief.md). Days are whole days."""

    rules: str = "v2"
    course_gap_days: int = 7  # sessions less than this apart form one course
    active_cycle_days: int = 60  # a cycle is active until TL + this
    # Decision: one window/minimum serves both baseline windows (before the
    # first course and before the current one); v1 (docs/relief.md) gives both as 7/3.
    baseline_window_days: int = 7
    baseline_min_scores: int = 3
    smoothing_scores: int = 3
    smoothing_window_days: int = 7
    smoothing_min_scores: int = 2
    nadir_settle_days: int = 14  # the nadir is fixed after TL + this
    mcid: float = 4  # W = N + max(mcid, regain_fraction * I)
    regain_fraction: float = 0.5
    no_baseline_threshold: float = 10  # without B: W = max(this, N + no_baseline_min_rise)
    no_baseline_min_rise: float = 4
    non_response_after_days: int = 7
    non_response_min_scores: int = 5
    non_response_min_improvement: float = 4
    wear_off_min_days: int = 3
    wear_off_window_scores: int = 4  # v1: "3 of the last 4"
    wear_off_min_above: int = 3
    wear_off_window_days: int = 7
    urgent_score: float = 15
    urgent_min_severe_scores: int = 2  # "2 of the last 3 ... within 7 days"
    urgent_window_scores: int = 3
    urgent_window_days: int = 7
    urgent_above_baseline: float = 4  # S(t) >= B + this
    urgent_standard_score: float = 15  # a standard GAD-7 total >= this (severe band, Spitzer 2006)
    urgent_reraise_days: int = 7  # a run still going this many days after its acknowledgement: again
    data_gap_days: int = 4
    suggest_days_before: int = 3  # v1: suggested_session_by = predicted - this
    history_durations: int = 5  # v1: the last 5 durations; v2: the last 5 cycles weigh in
    km_min_cycles: int = 3
    trend_window_days: int = 7
    trend_min_scores: int = 4
    trend_min_slope: float = 0.25
    prior_single_days: int = 7  # without history or a clinic prior: typical relief
    prior_course_days: int = 18
    # ---- v2 (docs/relief.md): the nadir, and the wear-off detector, a one-sided CUSUM
    nadir_scores: int = 7  # the nadir is the lowest median of this many scores
    # the CUSUM's three numbers are in units of the patient's noise SD (estimated)
    cusum_slack: float = 0.5  # scores count from W - slack up
    cusum_clip: float = 2.0  # one score moves the sum by at most this
    cusum_limit: float = 3.5  # raise wearing_off when the sum reaches this
    cusum_min_above: int = 2  # ... and at least this many of its scores are >= W
    cusum_reset_days: int = 7  # a silence this long empties the sum
    # back at the baseline: the mean of this many of the run's latest scores, within
    # return_window_days, at or above B is a wear-off whatever the sum (rules/cusum.py)
    return_scores: int = 3
    return_window_days: int = 4
    # ---- v2: the forecast of this cycle's wear-off day
    plan_lead_days: int = 7  # plan_maintenance when P(wear-off within this) ...
    plan_probability: float = 0.6  # ... reaches this
    suggest_quantile: float = 0.2  # suggested_session_by: this quantile of the forecast
    history_recency: float = 0.8  # the weight of a past cycle: this ** (cycles since)
    cycle_sd: float = 0.22  # SD of log duration from cycle to cycle, one patient
    prior_sd: float = 0.45  # SD of a patient's typical log duration around the prior
    prior_min_durations: int = 5  # clinic durations needed to replace the fixed prior
    noise_sd_floor: float = 1.0  # scores' noise SD is estimated, at least this
    likelihood_tempering: float = 2.0  # daily scores are autocorrelated: each counts 1/this
    forecast_max_days: int = 120  # the forecast looks at most this far after TL

    def __post_init__(self) -> None:
        if self.rules not in RULES:
            raise ValueError(f"ReliefParams.rules must be one of {', '.join(RULES)}, not {self.rules!r}")
        for f in fields(self):
            if f.name != "rules":
                _check_number(f.name, getattr(self, f.name), f.type == "int")
        _check_ranges(self)

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any] | None) -> ReliefParams:
        """Defaults overridden by ``{field name: value}``, e.g. from app configuration.

        Names are case-insensitive (``MCID`` or ``mcid``); values may be numbers
        or numeric strings (environment variables). Unknown names: ValueError.
        """
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for raw_name, raw in (overrides or {}).items():
            name = str(raw_name).lower()
            if name not in known:
                raise ValueError(f"unknown relief parameter {raw_name!r}")
            if name == "rules":
                values[name] = str(raw).strip().lower()
            else:
                values[name] = _coerce(name, raw, str(known[name].type))
        return cls(**values)


def _check_number(name: str, value: Any, whole: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"ReliefParams.{name} must be a number, not {value!r}")
    if whole and not isinstance(value, int):
        raise TypeError(f"ReliefParams.{name} must be a whole number of days/scores")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"ReliefParams.{name} must be a finite number >= 0")


def _check_ranges(params: ReliefParams) -> None:
    too_small = [name for name in _AT_LEAST_ONE if getattr(params, name) < 1]
    if too_small:
        raise ValueError(f"ReliefParams.{too_small[0]} must be at least 1")
    # A line needs two points; a zero slope would "reach" W never.
    if params.trend_min_scores < 2 or params.trend_min_slope <= 0:
        raise ValueError("ReliefParams: trend needs >= 2 scores and a positive slope")
    if not 0 < params.regain_fraction <= 1:
        raise ValueError("ReliefParams.regain_fraction must be in (0, 1]")
    for name in _PROBABILITIES:
        if not 0 < getattr(params, name) < 1:
            raise ValueError(f"ReliefParams.{name} must be between 0 and 1")
    for name in ("cycle_sd", "prior_sd", "noise_sd_floor", "likelihood_tempering", "cusum_limit"):
        if getattr(params, name) <= 0:
            raise ValueError(f"ReliefParams.{name} must be positive")
    for part, whole in (
        ("smoothing_min_scores", "smoothing_scores"),
        ("wear_off_min_above", "wear_off_window_scores"),
        ("urgent_min_severe_scores", "urgent_window_scores"),
    ):
        if getattr(params, part) > getattr(params, whole):
            raise ValueError(f"ReliefParams.{part} cannot exceed {whole}")


def _coerce(name: str, raw: Any, kind: str) -> int | float:
    if isinstance(raw, bool):
        raise ValueError(f"relief parameter {name} must be a number, not {raw!r}")
    try:
        number = float(raw) if isinstance(raw, str) else raw
        if kind == "int":
            if isinstance(number, float):
                if not number.is_integer():
                    raise ValueError
                number = int(number)
            return int(number)
        return number if isinstance(number, int) else float(number)
    except (TypeError, ValueError):
        raise ValueError(f"relief parameter {name} must be a {kind}, not {raw!r}") from None


def parse_relief_params(value: str | Mapping[str, Any] | None) -> ReliefParams:
    """``DIARY_RELIEF_PARAMS`` (``"mcid=5,course_gap_days=6"``) or a mapping, as ReliefParams.

    ``rules=v1`` selects the first rules (v1, docs/relief.md). A wrong name or value: ValueError.
    """
    if isinstance(value, Mapping):
        return ReliefParams.from_mapping(value)
    overrides: dict[str, str] = {}
    for part in (value or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        name, sep, number = part.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"DIARY_RELIEF_PARAMS: expected name=value, not {part.strip()!r}")
        overrides[name.strip()] = number.strip()
    return ReliefParams.from_mapping(overrides)


DEFAULT_PARAMS = ReliefParams()
