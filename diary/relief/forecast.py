"""Forecasts of the wear-off day. PURE: plain numbers in and out.

v1 (docs/relief.md): ``kaplan_meier_median`` of the past durations.

v2 (docs/relief.md), in two steps:

1. ``duration_prior``: before the cycle's own scores speak, the duration D (days
   from the course's last session to the wear-off) is log-normal around the
   patient's typical log duration mu; mu has a normal prior (the clinic's
   cycles of the same kind of course, or a fixed default) and is updated by the
   patient's past cycles: observed ones by their density, censored ones ("at
   least c days") by their survival, each weighted by ``history_recency ** age``.
2. ``cycle_forecast``: the cycle's scores from the nadir on are a plateau at a
   level N until a change-point tau, then a straight rise that reaches the
   threshold W after h days (h in ``RISE_DAYS``), so D = tau + h. The prior of
   step 1 is the prior of D; a Gaussian likelihood, tempered for the
   autocorrelation of daily scores, weighs every (tau, h). While the scores
   stay flat, the hypotheses "the rise has not begun" keep their prior weight
   and the others lose theirs: the forecast moves later day by day; when the
   rise begins it moves earlier.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .params import ReliefParams

_SQRT2 = math.sqrt(2.0)
#: Days from the start of the return to the threshold, and their prior weights:
#: a fast return (a day or two) to a slow one (a week).
RISE_DAYS = (1, 2, 4, 7)
RISE_WEIGHTS = (0.2, 0.3, 0.3, 0.2)
_MU_GRID = 61  # points of the grid over a patient's typical log duration
#: A past duration is an outlier (a missed or a premature detection, an
#: intercurrent event) with this probability: its spread is then 3x wider.
_OUTLIER, _OUTLIER_SCALE = 0.1, 3.0
_HISTORY_MAX = 12  # past cycles that can weigh in (0.8 ** 12 < 0.07)


def kaplan_meier_table(cycles: Iterable[tuple[float, bool]]) -> Iterator[tuple[float, int, int]]:
    """The Kaplan-Meier table of ``(duration, observed)`` pairs: ``(duration, at risk,
    wear-offs)`` for each duration with a wear-off, shortest first.

    At a tie, wear-offs come before censorings (a cycle censored at d was still
    "at risk" at d), the usual convention. The one home of that convention: the
    v1 median below and the clinic's outcome curves (monitoring.outcomes) read it.
    """
    ordered = sorted(cycles)
    at_risk = len(ordered)
    i = 0
    while i < len(ordered):
        duration = ordered[i][0]
        observed = censored = 0
        while i < len(ordered) and ordered[i][0] == duration:
            if ordered[i][1]:
                observed += 1
            else:
                censored += 1
            i += 1
        if observed:
            yield duration, at_risk, observed
        at_risk -= observed + censored


def kaplan_meier_median(cycles: Iterable[tuple[float, bool]]) -> float | None:
    """The Kaplan-Meier median of ``(duration, observed)`` pairs.

    Convention: the smallest observed duration at which the survival estimate
    is <= 0.5; ``None`` if it never gets there. Exact whole-number arithmetic,
    so a survival of 0.5 is 0.5.
    """
    # survival = surviving / total, kept as two whole numbers
    surviving = total = 1
    for duration, at_risk, observed in kaplan_meier_table(cycles):
        surviving *= at_risk - observed
        total *= at_risk
        if 2 * surviving <= total:
            return duration
    return None


def _cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / _SQRT2)


def _log_survival(z: float) -> float:
    return math.log(max(0.5 * math.erfc(z / _SQRT2), 1e-300))


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


#: The kinds of course a clinic prior is kept for: one session, or several.
SINGLE_SESSION, COURSE = "single", "course"
PRIOR_KINDS = (SINGLE_SESSION, COURSE)


def prior_kind(sessions: int) -> str:
    """The kind of course, for the clinic prior, of a cycle after ``sessions`` sessions."""
    return SINGLE_SESSION if sessions <= 1 else COURSE


@dataclass(frozen=True)
class DurationPrior:
    """The distribution of D before the cycle's own scores, on whole days.

    ``pmf[d]`` = P(D = d) for d = 0..max_days (pmf[0] = 0); the rest of the mass
    (D > max_days) is ``beyond``.
    """

    pmf: tuple[float, ...]
    beyond: float
    log_median: float
    log_sd: float
    own_cycles: int  # the patient's past cycles that weigh in
    observed: tuple[int, ...]  # their observed durations, oldest first
    censored: tuple[int, ...]  # their "at least" durations, oldest first
    clinic_cycles: int  # clinic durations behind the prior (0: the fixed default)


def duration_prior(
    history: Sequence[tuple[float, bool]], clinic: Sequence[float], default_days: float, p: ReliefParams
) -> DurationPrior:
    """Step 1: ``history`` is the patient's ``(duration, observed)``, oldest first."""
    return _duration_prior(tuple(history[-_HISTORY_MAX:]), tuple(clinic), float(default_days), p)


@lru_cache(maxsize=1024)
def _duration_prior(
    history: tuple[tuple[float, bool], ...], clinic: tuple[float, ...], default_days: float, p: ReliefParams
) -> DurationPrior:
    sd_w = p.cycle_sd
    logs = [math.log(d) for d in clinic if d > 0]
    if len(logs) >= p.prior_min_durations:
        m0 = _median(logs)
        # clinic spread = between patients + cycle to cycle; the prior of mu is the first
        mad = _median([abs(x - m0) for x in logs]) * 1.4826
        s0 = math.sqrt(max(mad * mad - sd_w * sd_w, 0.15**2))
        clinic_cycles = len(logs)
    else:
        m0, s0, clinic_cycles = math.log(max(default_days, 1.0)), p.prior_sd, 0
    recent = list(history[-_HISTORY_MAX:])
    own = [
        (math.log(max(d, 1.0)), seen, p.history_recency ** (len(recent) - 1 - k))
        for k, (d, seen) in enumerate(recent)
    ]
    lo = min([m0 - 4 * s0] + [x - 3 * sd_w for x, _, _ in own])
    hi = max([m0 + 4 * s0] + [x + 3 * sd_w for x, _, _ in own])
    step = (hi - lo) / (_MU_GRID - 1)
    grid = [lo + i * step for i in range(_MU_GRID)]
    logpost = []
    for mu in grid:
        value = -0.5 * ((mu - m0) / s0) ** 2
        for x, seen, weight in own:
            z = (x - mu) / sd_w
            if seen:  # a robust density: most cycles typical, a few outliers
                like = (1 - _OUTLIER) * math.exp(-0.5 * z * z) + _OUTLIER / _OUTLIER_SCALE * math.exp(
                    -0.5 * (z / _OUTLIER_SCALE) ** 2
                )
            else:
                like = (1 - _OUTLIER) * math.exp(_log_survival(z)) + _OUTLIER * math.exp(
                    _log_survival(z / _OUTLIER_SCALE)
                )
            value += weight * math.log(max(like, 1e-300))
        logpost.append(value)
    top = max(logpost)
    weights = [math.exp(v - top) for v in logpost]
    total = sum(weights)
    mean = sum(w * mu for w, mu in zip(weights, grid, strict=True)) / total
    var = sum(w * (mu - mean) ** 2 for w, mu in zip(weights, grid, strict=True)) / total
    sd = math.sqrt(sd_w * sd_w + var)
    pmf = [0.0]
    previous = 0.0
    for d in range(1, p.forecast_max_days + 1):
        upper = _cdf((math.log(d + 0.5) - mean) / sd)
        pmf.append(upper - previous)
        previous = upper
    return DurationPrior(
        pmf=tuple(pmf),
        beyond=1.0 - previous,
        log_median=mean,
        log_sd=sd,
        own_cycles=len(own),
        observed=tuple(round(d) for d, seen in recent if seen),
        censored=tuple(round(d) for d, seen in recent if not seen),
        clinic_cycles=clinic_cycles,
    )


@dataclass(frozen=True)
class CycleForecast:
    """Step 2: the forecast of D (days after the last session) as of day ``today``."""

    median: int
    low: int  # the 10 % quantile
    high: int  # the 90 % quantile (max_days + 1: later than the forecast looks)
    suggested: int  # the ``suggest_quantile`` quantile
    within_lead: float  # P(D <= today + plan_lead_days)
    rise: float  # P(the return from the nadir has begun by today)


def cycle_forecast(
    prior: DurationPrior,
    points: Sequence[tuple[int, float]],
    today: int,
    nadir: float | None,
    threshold: float | None,
    noise_sd: float,
    p: ReliefParams,
) -> CycleForecast:
    """``points``: (days after TL, score) from the nadir's day to ``today`` (days after TL)."""
    pmf = prior.pmf
    max_days = len(pmf) - 1
    post = list(pmf)
    beyond = prior.beyond
    rise = 0.0
    if points and nadir is not None and threshold is not None and threshold > nadir:
        post, beyond, rise = _posterior(prior, points, nadir, threshold, noise_sd, p)
    total = sum(post) + beyond
    lead_day = min(today + p.plan_lead_days, max_days)
    within = sum(post[: lead_day + 1]) / total

    def quantile(q: float) -> int:
        running, target = 0.0, q * total
        for d, mass in enumerate(post):
            running += mass
            if running >= target:
                return d
        return max_days + 1

    return CycleForecast(
        median=quantile(0.5),
        low=quantile(0.1),
        high=quantile(0.9),
        suggested=quantile(p.suggest_quantile),
        within_lead=within,
        rise=rise / total,
    )


def _posterior(
    prior: DurationPrior,
    points: Sequence[tuple[int, float]],
    nadir: float,
    threshold: float,
    noise_sd: float,
    p: ReliefParams,
) -> tuple[list[float], float, float]:
    """The unnormalised posterior pmf of D, the mass beyond max_days, and the mass of "risen"."""
    pmf = prior.pmf
    max_days = len(pmf) - 1
    scale = 1.0 / (2.0 * noise_sd * noise_sd * p.likelihood_tempering)
    sums = _prefix_sums(points, 2.0 * noise_sd)
    days = [s for s, _ in points]
    flat_log, logs = _log_likelihoods(sums, days, nadir, threshold, scale)
    top = max([flat_log] + list(logs.values()))
    flat_weight = math.exp(flat_log - top)
    post = [0.0] * (max_days + 1)
    risen = 0.0
    last = days[-1]
    # Below ``mixed`` some rise hypotheses start before the last point; from
    # there on every hypothesis is "flat so far" and shares one likelihood.
    mixed = min(last + RISE_DAYS[-1], max_days + 1)
    for d in range(1, mixed):
        mass = pmf[d]
        if mass == 0.0:
            continue
        value = 0.0
        for h, w in zip(RISE_DAYS, RISE_WEIGHTS, strict=True):
            tau = d - h if d > h else 0
            if tau >= last:
                value += w * flat_weight
            else:
                like = logs.get((tau, h))
                if like is not None:
                    part = w * math.exp(like - top)
                    value += part
                    risen += mass * part
        post[d] = mass * value
    for d in range(mixed, max_days + 1):
        post[d] = pmf[d] * flat_weight
    return post, prior.beyond * flat_weight, risen


_Sums = tuple[list[int], list[float], list[float], list[float], list[float], list[float]]


def _prefix_sums(points: Sequence[tuple[int, float]], band: float) -> _Sums:
    """Prefix sums of the points (count, y, y^2, s, s^2, s*y), each score y held within
    ``band`` of the median of itself and the two before it.

    "Never flag on one day": a score counts at most 2 SD from that causal
    median, so one wild score cannot start a rise.
    """
    n_, sy_, syy_, ss_, sss_, ssy_ = [0], [0.0], [0.0], [0.0], [0.0], [0.0]
    for i, (s, raw) in enumerate(points):
        centre = _median([v for _, v in points[max(i - 2, 0) : i + 1]])
        y = min(max(raw, centre - band), centre + band)
        n_.append(n_[-1] + 1)
        sy_.append(sy_[-1] + y)
        syy_.append(syy_[-1] + y * y)
        ss_.append(ss_[-1] + s)
        sss_.append(sss_[-1] + s * s)
        ssy_.append(ssy_[-1] + s * y)
    return n_, sy_, syy_, ss_, sss_, ssy_


def _log_likelihoods(
    sums: _Sums, days: list[int], nadir: float, threshold: float, scale: float
) -> tuple[float, dict[tuple[int, int], float]]:
    """The log likelihood of "flat through the last point", and of each (tau, h) whose
    rise starts before it: a plateau up to tau, then a line reaching W after h days."""
    n_, sy_, syy_, ss_, sss_, ssy_ = sums
    n = n_[-1]

    def plateau(k: int) -> tuple[float, float]:
        """(level, SSE) of the first k points as a flat plateau."""
        if k == 0:
            return nadir, 0.0
        level = sy_[k] / k
        return level, syy_[k] - sy_[k] * level

    _, flat_sse = plateau(n)
    flat_log = -flat_sse * scale  # every hypothesis whose rise starts after the last point
    logs: dict[tuple[int, int], float] = {}
    for tau in range(0, days[-1]):
        k = bisect_right(days, tau)
        level, sse = plateau(k)
        m = n - k
        if m == 0:
            continue
        sy, syy = sy_[n] - sy_[k], syy_[n] - syy_[k]
        ss, sss, ssy = ss_[n] - ss_[k], sss_[n] - sss_[k], ssy_[n] - ssy_[k]
        for h in RISE_DAYS:
            r = (threshold - level) / h
            if r <= 0:
                continue
            a = level - r * tau  # the rise: y = a + r * s
            rise_sse = syy - 2 * a * sy - 2 * r * ssy + m * a * a + 2 * a * r * ss + r * r * sss
            logs[(tau, h)] = -(sse + rise_sse) * scale
    return flat_log, logs
