"""Relief: when is a ketamine treatment wearing off? The rules of RELIEF.md.

PURE: no Flask, no database. Plain dates and numbers in, plain dataclasses out.

    events = replay(scores, sessions, until, ...)   # everything raised, day by day
    today = assess(scores, sessions, today, ...)    # what the API shows today

``replay`` walks every day from the first session to ``until`` and evaluates
the rules on day t with the data dated up to t only, so a later entry never
rewrites what was raised earlier and the same history always gives the same
events. The persistence layer diffs these events against its stored flags.

Every event's ``details`` (JSON-ready: ISO dates, numbers) carry
``cycle_start`` (T0), ``last_session`` (TL as known that day) and
``days_since_session``, and besides:

- ``no_baseline`` (informational, on T0): pre_treatment_scores, pre_course_scores,
  threshold_rule
- ``non_response``: baseline, nadir, nadir_date, improvement, scores
- ``wearing_off``: score, smoothed, threshold, baseline, nadir, nadir_date,
  scores_at_or_above, duration
- ``urgent``: score, smoothed, baseline, reasons (``severe_scores`` and/or
  ``worse_than_baseline``), not_a_safety_screen (always true: GAD-7 has no
  suicide item)
- ``data_gap``: since, last_score_date, days_without_score
- ``plan_maintenance``: basis (``history`` | ``trend``), predicted_wear_off_date,
  suggested_session_by, expected_duration; for history estimate_days, method
  (``median`` | ``kaplan_meier``), cycles; for trend slope, threshold
- ``cycle_censored`` (informational, on the next course's T0; its cycle_start
  and last_session are the ended cycle's): duration_at_least,
  next_course_start, non_response, counts_for_forecast

Decisions where RELIEF.md is silent are written next to the rule they shape,
as "Decision:" comments, so a clinician reviewing the code finds them.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Iterable, Mapping

NO_BASELINE = "no_baseline"
NON_RESPONSE = "non_response"
WEARING_OFF = "wearing_off"
URGENT = "urgent"
DATA_GAP = "data_gap"
PLAN_MAINTENANCE = "plan_maintenance"
CYCLE_CENSORED = "cycle_censored"

#: Events that become care-team flags (CONTRACT.md section 6).
FLAG_KINDS = (WEARING_OFF, NON_RESPONSE, URGENT, DATA_GAP, PLAN_MAINTENANCE)
#: Events that only inform: the assessment notice and the forecast history.
INFO_KINDS = (NO_BASELINE, CYCLE_CENSORED)
EVENT_KINDS = INFO_KINDS + FLAG_KINDS
# Once one of these is raised in a cycle, plan_maintenance is moot there.
_PLAN_SETTLED = frozenset((PLAN_MAINTENANCE, WEARING_OFF, NON_RESPONSE))

NO_TREATMENT = "no_treatment"
AWAITING_RESPONSE = "awaiting_response"
RELIEF = "relief"
STATUSES = (NO_TREATMENT, AWAITING_RESPONSE, RELIEF, WEARING_OFF, NON_RESPONSE)

HISTORY = "history"
TREND = "trend"
PRIOR = "prior"

# Assessment notices besides "no_baseline": where the baseline came from when it
# is not the patient's own pre-treatment diary, and a cycle past its active span.
NOTICE_BASELINE_FROM_INTAKE = "baseline_from_intake"
NOTICE_BASELINE_FROM_COURSE = "baseline_from_course"
NOTICE_CYCLE_INACTIVE = "cycle_inactive"


@dataclass(frozen=True)
class ReliefParams:
    """Every default of RELIEF.md, in its order. Days are whole days."""

    course_gap_days: int = 7  # sessions less than this apart form one course
    active_cycle_days: int = 60  # a cycle is active until TL + this
    # Decision: one window/minimum serves both baseline windows (before the
    # first course and before the current one); RELIEF.md gives both as 7/3.
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
    wear_off_window_scores: int = 4
    wear_off_min_above: int = 3
    wear_off_window_days: int = 7
    urgent_score: float = 15
    urgent_min_severe_scores: int = 2  # "2 of the last 3 ... within 7 days"
    urgent_window_scores: int = 3
    urgent_window_days: int = 7
    urgent_above_baseline: float = 4  # S(t) >= B + this
    data_gap_days: int = 4
    suggest_days_before: int = 3
    history_durations: int = 5
    km_min_cycles: int = 3
    trend_window_days: int = 7
    trend_min_scores: int = 4
    trend_min_slope: float = 0.25
    prior_single_days: int = 7
    prior_course_days: int = 18

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"ReliefParams.{f.name} must be a number, not {value!r}")
            if f.type == "int" and not isinstance(value, int):
                raise TypeError(f"ReliefParams.{f.name} must be a whole number of days/scores")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"ReliefParams.{f.name} must be a finite number >= 0")
        for name in ("course_gap_days", "baseline_window_days", "baseline_min_scores",
                     "smoothing_scores", "smoothing_window_days", "smoothing_min_scores",
                     "wear_off_window_scores", "wear_off_min_above", "wear_off_window_days",
                     "urgent_window_scores", "urgent_min_severe_scores", "urgent_window_days",
                     "data_gap_days", "history_durations", "km_min_cycles",
                     "trend_window_days", "prior_single_days", "prior_course_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"ReliefParams.{name} must be at least 1")
        # A line needs two points; a zero slope would "reach" W never.
        if self.trend_min_scores < 2 or self.trend_min_slope <= 0:
            raise ValueError("ReliefParams: trend needs >= 2 scores and a positive slope")
        if not 0 < self.regain_fraction <= 1:
            raise ValueError("ReliefParams.regain_fraction must be in (0, 1]")
        for part, whole in (("smoothing_min_scores", "smoothing_scores"),
                            ("wear_off_min_above", "wear_off_window_scores"),
                            ("urgent_min_severe_scores", "urgent_window_scores")):
            if getattr(self, part) > getattr(self, whole):
                raise ValueError(f"ReliefParams.{part} cannot exceed {whole}")

    @classmethod
    def from_mapping(cls, overrides: Mapping[str, Any] | None) -> "ReliefParams":
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
            values[name] = _coerce(name, raw, known[name].type)
        return cls(**values)


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


DEFAULT_PARAMS = ReliefParams()


@dataclass(frozen=True)
class Event:
    """Something raised on ``day``; ``details`` is JSON-serialisable."""

    day: date
    kind: str
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"day": self.day.isoformat(), "kind": self.kind, "details": dict(self.details)}


@dataclass
class Assessment:
    """The state of the current cycle as of a day (CONTRACT.md section 6)."""

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

    def as_dict(self) -> dict:
        """The contract's JSON shape: dates as ISO strings."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, date) else value
        out["notices"] = list(self.notices)
        return out


# --------------------------------------------------------------------------- public API


def replay(scores: Mapping[date, int | float | None], sessions: Iterable[date], until: date, *,
           params: ReliefParams = DEFAULT_PARAMS, intake_baseline: float | None = None,
           prior_durations: Iterable[float] = (), planned: Iterable[date] = ()) -> list[Event]:
    """Every event raised from the first session to ``until``, ordered by day.

    ``scores`` maps a local date to that day's score (the latest entry's total);
    ``sessions`` are completed sessions (order and repeats do not matter);
    ``prior_durations`` are wear-off durations, in days, from before this history,
    oldest first; ``planned`` are booked sessions (they can hold back
    ``plan_maintenance``). Data dated after ``until`` is ignored.
    """
    return _Replay(scores, sessions, until, params, intake_baseline,
                   prior_durations, planned).run().events


def assess(scores: Mapping[date, int | float | None], sessions: Iterable[date], today: date, *,
           params: ReliefParams = DEFAULT_PARAMS, intake_baseline: float | None = None,
           prior_durations: Iterable[float] = (), planned: Iterable[date] = ()) -> Assessment:
    """The assessment of the current cycle as of ``today`` (the replay's last day)."""
    return _Replay(scores, sessions, today, params, intake_baseline,
                   prior_durations, planned).run().assessment()


def evaluate(scores: Mapping[date, int | float | None], sessions: Iterable[date], today: date, *,
             params: ReliefParams = DEFAULT_PARAMS, intake_baseline: float | None = None,
             prior_durations: Iterable[float] = (), planned: Iterable[date] = ()) -> tuple[list[Event], Assessment]:
    """``replay`` and ``assess`` for the same day from one pass over the history."""
    run = _Replay(scores, sessions, today, params, intake_baseline, prior_durations, planned).run()
    return run.events, run.assessment()


# --------------------------------------------------------------------------- the engine
# Dates become ordinals (ints) inside: the rules are day arithmetic, and it is fast.


def _iso(day: int | None) -> str | None:
    return None if day is None else date.fromordinal(day).isoformat()


def _median(values: list) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _number(value: Any, what: str) -> float:
    kind = type(value)
    if kind is int or (kind is float and math.isfinite(value)):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return value


def kaplan_meier_median(cycles: Iterable[tuple[float, bool]]) -> float | None:
    """The Kaplan-Meier median of ``(duration, observed)`` pairs.

    Convention: the smallest observed duration at which the survival estimate
    is <= 0.5; ``None`` if it never gets there. At a tie, wear-offs come before
    censorings (a cycle censored at d was still "at risk" at d), the usual
    convention. Exact whole-number arithmetic, so a survival of 0.5 is 0.5.
    """
    cycles = sorted(cycles)
    at_risk = len(cycles)
    # survival = surviving / at_risk_product, kept as two whole numbers
    surviving = total = 1
    i = 0
    while i < len(cycles):
        duration = cycles[i][0]
        observed = censored = 0
        while i < len(cycles) and cycles[i][0] == duration:
            if cycles[i][1]:
                observed += 1
            else:
                censored += 1
            i += 1
        if observed:
            surviving *= at_risk - observed
            total *= at_risk
            if 2 * surviving <= total:
                return duration
        at_risk -= observed + censored
    return None


class _Cycle:
    """Running state of one course's cycle, as of the day being replayed."""

    __slots__ = ("start", "sessions", "last", "baseline", "baseline_source",
                 "scores", "nadir", "nadir_day", "nadir_index", "threshold", "raised",
                 "response_scores", "wear_off_day", "history", "history_day")

    def __init__(self, start: int, baseline: float | None, source: str | None,
                 history: tuple[float, str, int] | None) -> None:
        self.start = start  # T0
        self.sessions = 1  # sessions of the course so far
        self.last = start  # TL so far
        self.baseline = baseline
        self.baseline_source = source
        # (day, score) of the cycle's logged days, session days left out
        self.scores: list[tuple[int, float]] = []
        self.nadir: float | None = None
        self.nadir_day: int | None = None
        self.nadir_index = -1  # position of the nadir day in ``scores``
        self.threshold: float | None = None
        self.raised: set[str] = set()
        self.response_scores = 0  # scores from T0+1 to TL+14, for non_response
        self.wear_off_day: int | None = None
        self.history = history  # (D-hat, method, cycles) from earlier cycles, or None
        self.history_day: int | None = None  # TL + D-hat, kept in step with TL
        self.moved_to(start)

    def moved_to(self, last_session: int) -> None:
        self.last = last_session
        if self.history is not None:
            self.history_day = last_session + _round_half_up(self.history[0])

    def common(self, day: int) -> dict:
        return {"cycle_start": _iso(self.start), "last_session": _iso(self.last),
                "days_since_session": day - self.last}


class _Replay:
    def __init__(self, scores, sessions, until, params, intake_baseline, prior_durations, planned):
        self.p = params
        self.until = until.toordinal()
        self.intake = (None if intake_baseline is None
                       else _number(intake_baseline, "intake_baseline"))
        session_days = sorted({d.toordinal() for d in sessions})
        session_days = [d for d in session_days if d <= self.until]
        excluded = set(session_days)
        # Session days' own scores are left out of every window, `current` too:
        # sedation and dissociation make them unreliable (RELIEF.md, Inputs).
        self.score_at = {}
        for day, value in scores.items():
            ordinal = day.toordinal()
            if value is not None and ordinal <= self.until and ordinal not in excluded:
                self.score_at[ordinal] = _number(value, f"score of {day}")
        self.courses: list[list[int]] = []
        for day in session_days:
            if self.courses and day - self.courses[-1][-1] < params.course_gap_days:
                self.courses[-1].append(day)
            else:
                self.courses.append([day])
        self.planned = sorted({d.toordinal() for d in planned})
        # the forecast history: (duration, observed or censored), oldest first
        self.durations: list[tuple[float, bool]] = [
            (_number(d, "prior duration"), True) for d in prior_durations]
        if any(d <= 0 for d, _ in self.durations):
            raise ValueError("prior durations must be positive")
        self.events: list[Event] = []
        self.cycle: _Cycle | None = None
        self.first_baseline = None
        if self.courses:
            self.first_baseline = self._window_median(self.courses[0][0])

    # -- the walk

    def run(self) -> "_Replay":
        for k, course in enumerate(self.courses):
            start = course[0]
            previous = self.cycle
            if previous is not None and WEARING_OFF not in previous.raised:
                self._censor(previous, start)
            cycle = self._open_cycle(k, start)
            self.cycle = cycle
            end = self.courses[k + 1][0] - 1 if k + 1 < len(self.courses) else self.until
            self._walk(cycle, course, end)
        return self

    def _open_cycle(self, index: int, start: int) -> _Cycle:
        baseline, source = self.first_baseline, "pre_treatment"
        if baseline is None and self.intake is not None:
            baseline, source = float(self.intake), "intake"
        if baseline is None and index > 0:
            baseline, source = self._window_median(start), "course"
        if baseline is None:
            source = None
        cycle = _Cycle(start, baseline, source, self._history_estimate())
        if baseline is None:
            # Decision: no_baseline is an event of the course's first day (when the
            # baseline is settled, from data before T0), once per cycle, besides
            # the assessment notice. It is informational: not a flag kind.
            cycle.raised.add(NO_BASELINE)
            self._emit(start, NO_BASELINE, cycle, {
                "pre_treatment_scores": self._window_count(self.courses[0][0]),
                "pre_course_scores": self._window_count(start),
                "threshold_rule": "max(no_baseline_threshold, nadir + no_baseline_min_rise)"})
        return cycle

    def _walk(self, c: _Cycle, course: list[int], end: int) -> None:
        score_at = self.score_at
        days_before = self.p.suggest_days_before
        gap_days = self.p.data_gap_days
        next_session = 1
        for t in range(c.start + 1, end + 1):
            if next_session < len(course) and course[next_session] == t:
                # Decision: a later session of the same course (induction) moves TL
                # but keeps the cycle: events already raised in it stay raised.
                c.moved_to(t)
                c.sessions += 1
                next_session += 1
                continue  # a session day: no score, and every rule below needs t > TL
            value = score_at.get(t)
            if value is not None:
                self._logged_day(c, t, value)
            elif t - max(c.scores[-1][0] if c.scores else c.last, c.last) == gap_days:
                self._data_gap(c, t)
            # The full forecast only when one that can be flagged may be due:
            # the history date is near, or a trend line can be fitted.
            if c.raised.isdisjoint(_PLAN_SETTLED) and (
                    (c.history_day is not None and t >= c.history_day - days_before)
                    or self._trend_possible(c, t)):
                self._plan_maintenance(c, t)

    def _smoothed(self, c: _Cycle) -> float | None:
        """S(t) for the cycle's latest logged day t."""
        p = self.p
        scores = c.scores
        since = scores[-1][0] - p.smoothing_window_days
        recent = [v for d, v in scores[-p.smoothing_scores:] if d > since]
        return _median(recent) if len(recent) >= p.smoothing_min_scores else None

    def _may_exceed(self, scores: list[tuple[int, float]], bar: float) -> bool:
        """False only when S of the latest day surely stays below ``bar``.

        A median of up to 3 scores reaches a bar only if one of the newest two
        does, a cheap test that spares computing S on most days.
        """
        if self.p.smoothing_scores > 3 or scores[-1][1] >= bar:
            return True
        return len(scores) > 1 and scores[-2][1] >= bar

    def _logged_day(self, c: _Cycle, t: int, value: float) -> None:
        p = self.p
        scores = c.scores
        scores.append((t, value))
        raised = c.raised
        settled = t > c.last + p.nadir_settle_days
        # S is needed while the nadir can fall and for urgent's baseline rule;
        # after that it is computed only when an event reports it.
        smoothed = None
        if not settled or (c.baseline is not None and URGENT not in raised
                           and self._may_exceed(scores, c.baseline + p.urgent_above_baseline)):
            smoothed = self._smoothed(c)
        if not settled:
            c.response_scores += 1
            if smoothed is not None and (c.nadir is None or smoothed < c.nadir):
                c.nadir, c.nadir_day, c.nadir_index = smoothed, t, len(scores) - 1
                c.threshold = self._threshold(c.baseline, smoothed)

        if (NON_RESPONSE not in raised and t >= c.last + p.non_response_after_days
                and c.response_scores >= p.non_response_min_scores
                and c.baseline is not None and c.nadir is not None
                and c.baseline - c.nadir < p.non_response_min_improvement):
            # Decision: without a baseline the improvement is unknown, so
            # non_response is never raised; the no_baseline notice says why.
            self._emit(t, NON_RESPONSE, c, {
                "baseline": c.baseline, "nadir": c.nadir, "nadir_date": _iso(c.nadir_day),
                "improvement": c.baseline - c.nadir, "scores": c.response_scores})

        if (WEARING_OFF not in raised and NON_RESPONSE not in raised
                and c.nadir is not None and t >= c.last + p.wear_off_min_days
                and t > c.nadir_day and value >= c.threshold):
            since = t - p.wear_off_window_days
            window = scores[max(c.nadir_index + 1, len(scores) - p.wear_off_window_scores):]
            above = sum(1 for d, v in window if v >= c.threshold and d > since)
            if above >= p.wear_off_min_above:
                # Decision: D = t - TL with TL as known on day t (mid-course too).
                c.wear_off_day = t
                self.durations.append((t - c.last, True))
                self._emit(t, WEARING_OFF, c, {
                    "score": value, "smoothed": self._smoothed(c), "threshold": c.threshold,
                    "baseline": c.baseline, "nadir": c.nadir, "nadir_date": _iso(c.nadir_day),
                    "scores_at_or_above": above, "duration": t - c.last})

        if URGENT not in raised and (value >= p.urgent_score or smoothed is not None):
            reasons = []
            if value >= p.urgent_score:
                since = t - p.urgent_window_days
                severe = sum(1 for d, v in scores[-p.urgent_window_scores:]
                             if v >= p.urgent_score and d > since)
                if severe >= p.urgent_min_severe_scores:
                    reasons.append("severe_scores")
            if (smoothed is not None and c.baseline is not None
                    and smoothed >= c.baseline + p.urgent_above_baseline):
                reasons.append("worse_than_baseline")
            if reasons:
                self._emit(t, URGENT, c, {
                    "score": value, "smoothed": self._smoothed(c), "baseline": c.baseline,
                    "reasons": reasons, "not_a_safety_screen": True})

    def _data_gap(self, c: _Cycle, t: int) -> None:
        """Called on the day data_gap_days have passed since the later of TL and
        the last score: once per silence, so a new silence raises it again."""
        p = self.p
        last_score = c.scores[-1][0] if c.scores else None
        since = c.last if last_score is None or last_score < c.last else last_score
        if t <= c.last + p.active_cycle_days:
            self._emit(t, DATA_GAP, c, {"since": _iso(since), "last_score_date": _iso(last_score),
                                        "days_without_score": p.data_gap_days})

    def _plan_maintenance(self, c: _Cycle, t: int) -> None:
        predicted, basis, slope = self._forecast(c, t)
        suggested = predicted - self.p.suggest_days_before
        if basis == PRIOR or t < suggested:
            return
        # Decision: a booking counts if it is dated from t (today's included) to
        # the day before the predicted date; a planned date already past and
        # still not completed was missed, so it holds nothing back.
        i = bisect_left(self.planned, t)
        if i < len(self.planned) and self.planned[i] < predicted:
            return
        if basis == TREND:
            why = {"slope": round(slope, 4), "threshold": c.threshold}
        else:
            estimate, method, cycles = c.history
            why = {"estimate_days": estimate, "method": method, "cycles": cycles}
        self._emit(t, PLAN_MAINTENANCE, c, {
            "basis": basis, "predicted_wear_off_date": _iso(predicted),
            "suggested_session_by": _iso(suggested), "expected_duration": predicted - c.last,
            **why})

    def _censor(self, c: _Cycle, next_start: int) -> None:
        at_least = next_start - c.last
        responded = NON_RESPONSE not in c.raised
        # Decision: a non-response cycle is reported as censored (RELIEF.md's
        # rule), but it says nothing about how long relief lasts, so it is kept
        # out of the forecast history.
        if responded:
            self.durations.append((at_least, False))
        self._emit(next_start, CYCLE_CENSORED, c, {
            "duration_at_least": at_least, "next_course_start": _iso(next_start),
            "non_response": not responded, "counts_for_forecast": responded})

    def _emit(self, t: int, kind: str, c: _Cycle, details: dict) -> None:
        c.raised.add(kind)
        self.events.append(Event(date.fromordinal(t), kind, {**c.common(t), **details}))

    # -- numbers

    def _window_scores(self, start: int) -> list[float]:
        score_at = self.score_at
        return [score_at[d] for d in range(start - self.p.baseline_window_days, start)
                if d in score_at]

    def _window_count(self, start: int) -> int:
        return len(self._window_scores(start))

    def _window_median(self, start: int) -> float | None:
        values = self._window_scores(start)
        return _median(values) if len(values) >= self.p.baseline_min_scores else None

    def _threshold(self, baseline: float | None, nadir: float) -> float:
        p = self.p
        if baseline is None:
            return float(max(p.no_baseline_threshold, nadir + p.no_baseline_min_rise))
        # Decision: a negative improvement (nadir above baseline) counts as 0.
        improvement = max(baseline - nadir, 0)
        return float(nadir + max(p.mcid, p.regain_fraction * improvement))

    def _history_estimate(self) -> tuple[float, str, int] | None:
        """D-hat from the cycles before the current one: (days, method, cycles)."""
        p = self.p
        # Decision: "the last 5" is a window over the latest cycles, wear-offs and
        # censored alike, so that old history ages out of Kaplan-Meier as well.
        window = self.durations[-p.history_durations:]
        observed = [d for d, seen in window if seen]
        if len(observed) < len(window) and len(window) >= p.km_min_cycles:
            median = kaplan_meier_median(window)
            return None if median is None else (float(median), "kaplan_meier", len(window))
        # Decision: without a censored cycle in the window (or with fewer than
        # km_min_cycles cycles) it is the plain median of the observed durations:
        # censored "at least" values are then left out.
        if observed:
            return _median(observed), "median", len(observed)
        return None

    def _trend_possible(self, c: _Cycle, t: int) -> bool:
        """Enough scores after tN within the trend window to fit a line."""
        need = self.p.trend_min_scores
        return (c.nadir is not None and len(c.scores) - c.nadir_index > need
                and c.scores[-need][0] > t - self.p.trend_window_days)

    def _trend(self, c: _Cycle, t: int) -> tuple[int, float] | None:
        """(predicted day, slope) from an OLS line over the scores after tN, or None."""
        if not self._trend_possible(c, t):
            return None
        p = self.p
        scores = c.scores
        first = max(c.nadir_index + 1, len(scores) - p.trend_window_days)
        since = t - p.trend_window_days
        points = [(day - t, y) for day, y in scores[first:] if day > since]
        if len(points) < p.trend_min_scores:
            return None
        # x = day - t: small whole numbers keep the sums exact for whole scores.
        n = sx = sy = sxx = sxy = 0
        for x, y in points:
            n += 1
            sx += x
            sy += y
            sxx += x * x
            sxy += x * y
        min_slope = p.trend_min_slope
        rise = n * sxy - sx * sy  # slope = rise / run; run > 0 for distinct days
        run = n * sxx - sx * sx
        if rise <= 0 or rise < min_slope * run:
            return None
        # Decision (guard): "never flag on one day". One outlying score at the
        # end of the window tilts a 7-point OLS line past W by itself, so the
        # rise must hold with any single score left out.
        m = n - 1
        for x, y in points:
            rest_x = sx - x
            rest_rise = m * (sxy - x * y) - rest_x * (sy - y)
            if rest_rise <= 0 or rest_rise < min_slope * (m * (sxx - x * x) - rest_x * rest_x):
                return None
        # Where the line reaches W, in one division (so exact at halves).
        crossing = (sx * rise + (n * c.threshold - sy) * run) / (n * rise)
        # Decision: the crossing is rounded to the nearest day, halves up, like
        # every forecast (RELIEF.md: "TL + D-hat rounded to the nearest day").
        return max(t + _round_half_up(crossing), t + 1), rise / run

    def _forecast(self, c: _Cycle, t: int) -> tuple[int, str, float | None]:
        """(predicted day, basis, trend slope) for cycle ``c`` as of day ``t``."""
        history_day = c.history_day
        # Decision: the trend needs a nadir (the running one: it can still fall
        # until TL+14, as wearing_off uses it) and scores after it.
        trend = self._trend(c, t)
        if trend is not None and (history_day is None or trend[0] < history_day):
            return trend[0], TREND, trend[1]
        if history_day is not None:
            return history_day, HISTORY, None
        prior = self.p.prior_single_days if c.sessions == 1 else self.p.prior_course_days
        return c.last + prior, PRIOR, None

    # -- the assessment

    def assessment(self) -> Assessment:
        p = self.p
        c = self.cycle
        latest = max(self.score_at) if self.score_at else None
        if c is None:
            # Decision: before any session the baseline shown is the one a session
            # tomorrow would get (its 7 days before, else the intake baseline).
            baseline = self._window_median(self.until + 1)
            if baseline is None and self.intake is not None:
                baseline = float(self.intake)
            return Assessment(
                status=NO_TREATMENT, baseline=baseline,
                current=None if latest is None else float(self.score_at[latest]),
                notices=[NO_BASELINE] if baseline is None else [])

        today = self.until
        smoothed = self._smoothed(c) if c.scores and c.scores[-1][0] == latest else None
        if smoothed is not None:
            current = smoothed
        else:
            current = None if latest is None else float(self.score_at[latest])

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

        predicted = basis = suggested = None
        if status == WEARING_OFF:
            # Decision: after a wear-off the "prediction" is the observed day, with
            # no basis; the suggested date keeps its rule (and so lies in the past).
            predicted = c.wear_off_day
        elif status != NON_RESPONSE:
            predicted, basis, _ = self._forecast(c, today)
        if predicted is not None:
            suggested = predicted - p.suggest_days_before

        fraction = None
        if None not in (current, c.nadir, c.baseline) and c.baseline != c.nadir:
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
            status=status, last_session_date=date.fromordinal(c.last), baseline=c.baseline,
            nadir=None if c.nadir is None else float(c.nadir),
            threshold=c.threshold, current=current, regained_fraction=fraction,
            days_since_session=today - c.last,
            predicted_wear_off_date=None if predicted is None else date.fromordinal(predicted),
            prediction_basis=basis,
            suggested_session_by=None if suggested is None else date.fromordinal(suggested),
            notices=notices)
