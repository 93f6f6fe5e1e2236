"""The relief engine as it was before the rules were split (issue 22): the test oracle.

A frozen, test-only copy of ``diary/relief/replay.py`` as of the commit that
split it into ``diary/relief/rules/`` (with ``build_assessment`` as it was, over
the ``_Replay`` object). It is never imported by the application.
``tests/relief/test_equivalence.py`` replays random histories through both this
copy and the package and requires the same events, assessments and checkpoints,
bit for bit: the split changed the code's shape, not one result.

When a rule is changed on purpose, the two disagree: delete this file and the
equivalence test in that commit (they proved the refactoring, not the rules).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import date
from hashlib import blake2b
from typing import Any, NamedTuple

from diary.relief.assessment import Assessment
from diary.relief.checkpoint import ENGINE_DIGEST, Checkpoint
from diary.relief.courses import courses
from diary.relief.events import (
    AWAITING_RESPONSE,
    CYCLE_CENSORED,
    DATA_GAP,
    HISTORY,
    NO_BASELINE,
    NO_TREATMENT,
    NON_RESPONSE,
    NOTICE_BASELINE_FROM_COURSE,
    NOTICE_BASELINE_FROM_INTAKE,
    NOTICE_CYCLE_INACTIVE,
    PLAN_MAINTENANCE,
    PRIOR,
    RELIEF,
    TREND,
    URGENT,
    WEARING_OFF,
    Event,
)
from diary.relief.forecast import (
    PRIOR_KINDS,
    SINGLE_SESSION,
    CycleForecast,
    DurationPrior,
    cycle_forecast,
    duration_prior,
    kaplan_meier_median,
    prior_kind,
)
from diary.relief.params import DEFAULT_PARAMS, ReliefParams

# Once one of these is raised in a cycle, plan_maintenance is moot there.
_PLAN_SETTLED = frozenset((PLAN_MAINTENANCE, WEARING_OFF, NON_RESPONSE))
Scores = Mapping[date, "int | float | None"]


# --------------------------------------------------------------------------- public API


#: Prior wear-off durations in days: one list, or (v2) one per kind of course.
PriorDurations = Iterable[float] | Mapping[str, Iterable[float]]


def _prior_by_kind(prior_durations: PriorDurations) -> dict[str, list[float]]:
    """``prior_durations`` checked, as a list per kind of course (one list serves both)."""

    def checked(values: Iterable[float]) -> list[float]:
        durations = [_number(d, "prior duration") for d in values]
        if any(d <= 0 for d in durations):
            raise ValueError("prior durations must be positive")
        return durations

    if isinstance(prior_durations, Mapping):
        unknown = set(prior_durations) - set(PRIOR_KINDS)
        if unknown:
            raise ValueError(f"prior durations for unknown kinds of course: {sorted(unknown)}")
        return {kind: checked(prior_durations.get(kind, ())) for kind in PRIOR_KINDS}
    durations = checked(prior_durations)
    return dict.fromkeys(PRIOR_KINDS, durations)


def replay(
    scores: Mapping[date, int | float | None],
    sessions: Iterable[date],
    until: date,
    *,
    params: ReliefParams = DEFAULT_PARAMS,
    intake_baseline: float | None = None,
    prior_durations: PriorDurations = (),
    planned: Iterable[date] = (),
    other_check_ins: Iterable[date] = (),
) -> list[Event]:
    """Every event raised from the first session to ``until``, ordered by day.

    ``scores`` maps a local date to that day's score (the latest entry's total);
    ``sessions`` are completed sessions (order and repeats do not matter);
    ``prior_durations`` are wear-off durations, in days, from before this history,
    oldest first (v1: the patient's own; v2: the clinic's, either one list for
    every cycle or a mapping from the kind of course, ``"single"`` or
    ``"course"``, to its list, each cycle then taking its own kind's);
    ``planned`` are booked sessions (they can hold back ``plan_maintenance``);
    ``other_check_ins`` are days with a check-in that is not a score (the
    standard GAD-7): it ends a silence (``data_gap``) and is no score.
    Data dated after ``until`` is ignored.
    """
    return (
        _Replay(scores, sessions, until, params, intake_baseline, prior_durations, planned, other_check_ins)
        .run()
        .events
    )


def assess(
    scores: Mapping[date, int | float | None],
    sessions: Iterable[date],
    today: date,
    *,
    params: ReliefParams = DEFAULT_PARAMS,
    intake_baseline: float | None = None,
    prior_durations: PriorDurations = (),
    planned: Iterable[date] = (),
    other_check_ins: Iterable[date] = (),
) -> Assessment:
    """The assessment of the current cycle as of ``today`` (the replay's last day)."""
    return (
        _Replay(scores, sessions, today, params, intake_baseline, prior_durations, planned, other_check_ins)
        .run()
        .assessment()
    )


def evaluate(
    scores: Mapping[date, int | float | None],
    sessions: Iterable[date],
    today: date,
    *,
    params: ReliefParams = DEFAULT_PARAMS,
    intake_baseline: float | None = None,
    prior_durations: PriorDurations = (),
    planned: Iterable[date] = (),
    other_check_ins: Iterable[date] = (),
) -> tuple[list[Event], Assessment]:
    """``replay`` and ``assess`` for the same day from one pass over the history."""
    run = _Replay(
        scores, sessions, today, params, intake_baseline, prior_durations, planned, other_check_ins
    ).run()
    return run.events, run.assessment()


class Evaluation(NamedTuple):
    events: list[Event]
    assessment: Assessment
    checkpoint: Checkpoint | None  # to hand back next time (None: one course, nothing to skip)


def evaluate_from(
    checkpoint: Checkpoint | None,
    scores: Mapping[date, int | float | None],
    sessions: Iterable[date],
    today: date,
    *,
    params: ReliefParams = DEFAULT_PARAMS,
    intake_baseline: float | None = None,
    prior_durations: PriorDurations = (),
    planned: Iterable[date] = (),
    other_check_ins: Iterable[date] = (),
) -> Evaluation:
    """``evaluate``, resumed from ``checkpoint`` when it still matches the data (checkpoint.py),
    and the checkpoint to keep for the next evaluation. With the clinic prior the
    checkpoint was made with, the result is exactly ``evaluate``'s."""
    run = _Replay(scores, sessions, today, params, intake_baseline, prior_durations, planned, other_check_ins)
    run.run(checkpoint)
    return Evaluation(run.events, run.assessment(), run.checkpoint)


# --------------------------------------------------------------------------- the engine
# Dates become ordinals (ints) inside: the rules are day arithmetic, and it is fast.


def _iso(day: int | None) -> str | None:
    return None if day is None else date.fromordinal(day).isoformat()


def _median(values: list[float]) -> float:
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
        return value  # type: ignore[no-any-return]  # checked just above: an int or a finite float
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return value


class _Cycle:
    """Running state of one course's cycle, as of the day being replayed."""

    __slots__ = (
        "start",
        "sessions",
        "last",
        "baseline",
        "baseline_source",
        "scores",
        "nadir",
        "nadir_day",
        "nadir_index",
        "threshold",
        "raised",
        "response_scores",
        "wear_off_day",
        "history",
        "history_day",
        "cusum",
        "cusum_start",
        "cusum_above",
        "cusum_crossed",
        "cusum_last",
        "prior",
    )

    def __init__(
        self, start: int, baseline: float | None, source: str | None, history: tuple[float, str, int] | None
    ) -> None:
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
        # v2: the CUSUM of the scores against W since the nadir, the day its
        # current run began, the run's scores >= W, and the latest score's day
        self.cusum = 0.0
        self.cusum_start: int | None = None
        self.cusum_crossed: int | None = None  # the run's first score >= W
        self.cusum_above = 0
        self.cusum_last: int | None = None
        self.prior: DurationPrior | None = None  # v2: step 1 of the forecast
        self.moved_to(start)

    def moved_to(self, last_session: int) -> None:
        self.last = last_session
        if self.history is not None:
            self.history_day = last_session + _round_half_up(self.history[0])

    def common(self, day: int) -> dict[str, Any]:
        return {
            "cycle_start": _iso(self.start),
            "last_session": _iso(self.last),
            "days_since_session": day - self.last,
        }


class _Replay:
    def __init__(
        self,
        scores: Scores,
        sessions: Iterable[date],
        until: date,
        params: ReliefParams,
        intake_baseline: float | None,
        prior_durations: PriorDurations,
        planned: Iterable[date],
        other_check_ins: Iterable[date] = (),
    ) -> None:
        self.p = params
        self.v2 = params.rules == "v2"
        self.until = until.toordinal()
        self.intake = None if intake_baseline is None else _number(intake_baseline, "intake_baseline")
        session_days = sorted({d.toordinal() for d in sessions})
        session_days = [d for d in session_days if d <= self.until]
        excluded = set(session_days)
        # Session days' own scores are left out of every window, `current` too:
        # sedation and dissociation make them unreliable (docs/relief.md, "What goes in").
        self.score_at: dict[int, float] = {}
        score_at, until_day = self.score_at, self.until
        for day, value in scores.items():
            if value is None:
                continue
            ordinal = day.toordinal()
            if ordinal > until_day or ordinal in excluded:
                continue
            kind = type(value)  # the common case inline: this loop is most of a replay's cost
            if kind is int or (kind is float and math.isfinite(value)):
                score_at[ordinal] = value
            else:
                score_at[ordinal] = _number(value, f"score of {day}")
        self.days = sorted(score_at)  # the logged days, in order
        self.courses: list[list[int]] = [
            [d.toordinal() for d in course]
            for course in courses(map(date.fromordinal, session_days), params.course_gap_days)
        ]
        self.planned = sorted({d.toordinal() for d in planned})
        # Decision: a standard GAD-7 is logging all the same (the check-in due after a
        # long silence): it ends a data gap, though the rules read daily scores only.
        others = {d.toordinal() for d in other_check_ins} - set(score_at)
        self.other_check_ins = sorted(d for d in others if d <= until_day)
        if not self.v2 and isinstance(prior_durations, Mapping):
            raise ValueError("v1 takes the patient's own prior durations as one list")
        by_kind = _prior_by_kind(prior_durations)
        # the forecast history: (duration, observed or censored), oldest first.
        # v1: prior_durations are the patient's earlier wear-offs, the oldest
        # history; v2: they are the clinic's (other patients' cycles of each
        # kind of course), the prior behind a short history.
        own = [] if self.v2 else by_kind[PRIOR_KINDS[0]]
        self.durations: list[tuple[float, bool]] = [(d, True) for d in own]
        self.clinic: dict[str, list[float]] = by_kind if self.v2 else {kind: [] for kind in PRIOR_KINDS}
        self.own_prior = tuple(own)  # v1's, part of the checkpoint's key
        self.noise_sd = 1.5  # v2: the scores' noise, re-estimated at each cycle
        self.events: list[Event] = []
        self.cycle: _Cycle | None = None
        self.checkpoint: Checkpoint | None = None  # the state at the open course's start
        self.first_baseline: float | None = None
        if self.courses:
            self.first_baseline = self._window_median(self.courses[0][0])

    # -- the walk

    def run(self, checkpoint: Checkpoint | None = None) -> _Replay:
        courses = self.courses
        first = 0
        if checkpoint is not None:
            # Resume where the checkpoint was taken, if its course still starts
            # there and nothing dated before it has changed (checkpoint.py).
            starts = [course[0] for course in courses]
            start = checkpoint.start.toordinal()
            i = bisect_left(starts, start)
            if i < len(starts) and starts[i] == start and checkpoint.key == self._checkpoint_key(start):
                self.events = [Event(e.day, e.kind, dict(e.details)) for e in checkpoint.events]
                self.durations = list(checkpoint.durations)
                first = i
                if i == len(courses) - 1:
                    self.checkpoint = checkpoint
        for k in range(first, len(courses)):
            course = courses[k]
            start = course[0]
            previous = self.cycle
            if previous is not None and WEARING_OFF not in previous.raised:
                self._censor(previous, start)
            if k == len(courses) - 1 and k > first:
                self.checkpoint = Checkpoint(
                    date.fromordinal(start),
                    self._checkpoint_key(start),
                    tuple(self.events),
                    tuple(self.durations),
                )
            cycle = self._open_cycle(k, start)
            self.cycle = cycle
            end = self.courses[k + 1][0] - 1 if k + 1 < len(self.courses) else self.until
            self._walk(cycle, course, end)
        return self

    def _checkpoint_key(self, start: int) -> str:
        """What the events before the course starting on ``start`` depend on (checkpoint.py), as a digest."""
        days = self.days[: bisect_left(self.days, start)]
        sessions = [d for course in self.courses for d in course if d < start]
        data = array("d", days)
        data.extend(map(self.score_at.__getitem__, days))
        data.append(-1.0)  # separates the scores from the sessions
        data.extend(sessions)
        data.append(-2.0)  # and the sessions from the other check-ins (they end a silence)
        data.extend(d for d in self.other_check_ins if d < start)
        digest = blake2b(ENGINE_DIGEST, digest_size=20)
        digest.update(repr((self.p, self.intake, self.planned, start, self.own_prior, len(days))).encode())
        digest.update(data.tobytes())
        return digest.hexdigest()

    def _open_cycle(self, index: int, start: int) -> _Cycle:
        source: str | None
        baseline, source = self.first_baseline, "pre_treatment"
        if baseline is None and self.intake is not None:
            baseline, source = float(self.intake), "intake"
        if baseline is None and index > 0:
            baseline, source = self._window_median(start), "course"
        if baseline is None:
            source = None
        cycle = _Cycle(start, baseline, source, None if self.v2 else self._history_estimate())
        if self.v2:
            self.noise_sd = self._noise_sd(start)
            cycle.prior = self._duration_prior(1)
        if baseline is None:
            # Decision: no_baseline is an event of the course's first day (when the
            # baseline is settled, from data before T0), once per cycle, besides
            # the assessment notice. It is informational: not a flag kind.
            cycle.raised.add(NO_BASELINE)
            self._emit(
                start,
                NO_BASELINE,
                cycle,
                {
                    "pre_treatment_scores": self._window_count(self.courses[0][0]),
                    "pre_course_scores": self._window_count(start),
                    "threshold_rule": "max(no_baseline_threshold, nadir + no_baseline_min_rise)",
                },
            )
        return cycle

    def _walk(self, c: _Cycle, course: list[int], end: int) -> None:
        score_at = self.score_at
        days_before = self.p.suggest_days_before
        gap_days = self.p.data_gap_days
        others, last_other = set(self.other_check_ins), None
        next_session = 1
        for t in range(c.start + 1, end + 1):
            if next_session < len(course) and course[next_session] == t:
                # Decision: a later session of the same course (induction) moves TL
                # but keeps the cycle: events already raised in it stay raised.
                c.moved_to(t)
                c.sessions += 1
                if self.v2 and c.sessions == 2:
                    # the fixed prior depends on the kind of course
                    c.prior = self._duration_prior(2)
                next_session += 1
                continue  # a session day: no score, and every rule below needs t > TL
            value = score_at.get(t)
            if value is not None:
                self._logged_day(c, t, value)
            elif t in others:
                last_other = t  # a check-in, though no score: the silence starts again
            elif t - self._silence_start(c, last_other) == gap_days:
                self._data_gap(c, t, last_other)
            if self.v2:
                if c.raised.isdisjoint(_PLAN_SETTLED):
                    self._plan_maintenance_v2(c, t)
                continue
            # The full forecast only when one that can be flagged may be due:
            # the history date is near, or a trend line can be fitted.
            if c.raised.isdisjoint(_PLAN_SETTLED) and (
                (c.history_day is not None and t >= c.history_day - days_before) or self._trend_possible(c, t)
            ):
                self._plan_maintenance(c, t)

    def _smoothed(self, c: _Cycle) -> float | None:
        """S(t) for the cycle's latest logged day t."""
        p = self.p
        scores = c.scores
        since = scores[-1][0] - p.smoothing_window_days
        recent = [v for d, v in scores[-p.smoothing_scores :] if d > since]
        return _median(recent) if len(recent) >= p.smoothing_min_scores else None

    def _nadir_level(self, c: _Cycle) -> float | None:
        """v2: the median of the last up-to-nadir_scores cycle scores within the window."""
        p = self.p
        scores = c.scores
        since = scores[-1][0] - p.smoothing_window_days
        recent = [v for d, v in scores[-p.nadir_scores :] if d > since]
        return _median(recent) if len(recent) >= p.smoothing_min_scores else None

    def _may_exceed(self, scores: list[tuple[int, float]], bar: float) -> bool:
        """False only when S of the latest day surely stays below ``bar``.

        A median of up to 3 scores reaches a bar only if one of the newest two
        does, a cheap test that spares computing S on most days.
        """
        if self.p.smoothing_scores > 3 or scores[-1][1] >= bar:
            return True
        return len(scores) > 1 and scores[-2][1] >= bar

    def _logged_day(self, c: _Cycle, t: int, value: float) -> None:  # noqa: C901 (frozen oracle: never edited)
        p = self.p
        scores = c.scores
        scores.append((t, value))
        raised = c.raised
        settled = t > c.last + p.nadir_settle_days
        # S is needed while the nadir can fall and for urgent's baseline rule;
        # after that it is computed only when an event reports it.
        smoothed = None
        if not settled or (
            c.baseline is not None
            and URGENT not in raised
            and self._may_exceed(scores, c.baseline + p.urgent_above_baseline)
        ):
            smoothed = self._smoothed(c)
        if not settled:
            c.response_scores += 1
            # v2: the nadir is the lowest median of a wider window (nadir_scores):
            # the lowest of many 3-score medians sits below the plateau's level.
            level = self._nadir_level(c) if self.v2 and smoothed is not None else smoothed
            if level is not None and (c.nadir is None or level < c.nadir):
                c.nadir, c.nadir_day, c.nadir_index = level, t, len(scores) - 1
                c.threshold = self._threshold(c.baseline, level)

        if (
            NON_RESPONSE not in raised
            and t >= c.last + p.non_response_after_days
            and c.response_scores >= p.non_response_min_scores
            and c.baseline is not None
            and c.nadir is not None
            and c.baseline - c.nadir < p.non_response_min_improvement
        ):
            # Decision: without a baseline the improvement is unknown, so
            # non_response is never raised; the no_baseline notice says why.
            self._emit(
                t,
                NON_RESPONSE,
                c,
                {
                    "baseline": c.baseline,
                    "nadir": c.nadir,
                    "nadir_date": _iso(c.nadir_day),
                    "improvement": c.baseline - c.nadir,
                    "scores": c.response_scores,
                },
            )

        if self.v2:
            if WEARING_OFF not in raised and NON_RESPONSE not in raised:
                self._cusum(c, t, value)
        elif (
            WEARING_OFF not in raised
            and NON_RESPONSE not in raised
            and c.nadir is not None
            and c.nadir_day is not None
            and c.threshold is not None
            and t >= c.last + p.wear_off_min_days
            and t > c.nadir_day
            and value >= c.threshold
        ):
            since = t - p.wear_off_window_days
            window = scores[max(c.nadir_index + 1, len(scores) - p.wear_off_window_scores) :]
            threshold = c.threshold
            above = sum(1 for d, v in window if v >= threshold and d > since)
            if above >= p.wear_off_min_above:
                # Decision: D = t - TL with TL as known on day t (mid-course too).
                c.wear_off_day = t
                self.durations.append((t - c.last, True))
                self._emit(
                    t,
                    WEARING_OFF,
                    c,
                    {
                        "score": value,
                        "smoothed": self._smoothed(c),
                        "threshold": c.threshold,
                        "baseline": c.baseline,
                        "nadir": c.nadir,
                        "nadir_date": _iso(c.nadir_day),
                        "scores_at_or_above": above,
                        "duration": t - c.last,
                    },
                )

        if URGENT not in raised and (value >= p.urgent_score or smoothed is not None):
            reasons: list[str] = []
            if value >= p.urgent_score:
                since = t - p.urgent_window_days
                severe = sum(
                    1 for d, v in scores[-p.urgent_window_scores :] if v >= p.urgent_score and d > since
                )
                if severe >= p.urgent_min_severe_scores:
                    reasons.append("severe_scores")
            if (
                smoothed is not None
                and c.baseline is not None
                and smoothed >= c.baseline + p.urgent_above_baseline
            ):
                reasons.append("worse_than_baseline")
            if reasons:
                self._emit(
                    t,
                    URGENT,
                    c,
                    {
                        "score": value,
                        "smoothed": self._smoothed(c),
                        "baseline": c.baseline,
                        "reasons": reasons,
                        "not_a_safety_screen": True,
                    },
                )

    @staticmethod
    def _silence_start(c: _Cycle, last_other: int | None) -> int:
        """The later of TL, the last score and the last other check-in (``last_other``)."""
        since = max(c.scores[-1][0], c.last) if c.scores else c.last
        return since if last_other is None else max(since, last_other)

    def _data_gap(self, c: _Cycle, t: int, last_other: int | None = None) -> None:
        """Called on the day data_gap_days have passed since the later of TL, the
        last score and the last other check-in: once per silence, so a new silence
        raises it again."""
        p = self.p
        last_score = c.scores[-1][0] if c.scores else None
        since = self._silence_start(c, last_other)
        if t <= c.last + p.active_cycle_days:
            self._emit(
                t,
                DATA_GAP,
                c,
                {
                    "since": _iso(since),
                    "last_score_date": _iso(last_score),
                    "days_without_score": p.data_gap_days,
                },
            )

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
        why: dict[str, Any]
        if basis == TREND and slope is not None:
            why = {"slope": round(slope, 4), "threshold": c.threshold}
        else:
            assert c.history is not None  # the basis is history
            estimate, method, cycles = c.history
            why = {"estimate_days": estimate, "method": method, "cycles": cycles}
        self._emit(
            t,
            PLAN_MAINTENANCE,
            c,
            {
                "basis": basis,
                "predicted_wear_off_date": _iso(predicted),
                "suggested_session_by": _iso(suggested),
                "expected_duration": predicted - c.last,
                **why,
            },
        )

    def _censor(self, c: _Cycle, next_start: int) -> None:
        at_least = next_start - c.last
        responded = NON_RESPONSE not in c.raised
        # Decision: a non-response cycle is reported as censored (docs/relief.md's
        # v1 rule), but it says nothing about how long relief lasts, so it is kept
        # out of the forecast history.
        if responded:
            self.durations.append((at_least, False))
        self._emit(
            next_start,
            CYCLE_CENSORED,
            c,
            {
                "duration_at_least": at_least,
                "next_course_start": _iso(next_start),
                "non_response": not responded,
                "counts_for_forecast": responded,
                "baseline": c.baseline,
                "nadir": c.nadir,
            },
        )

    def _emit(self, t: int, kind: str, c: _Cycle, details: dict[str, Any]) -> None:
        c.raised.add(kind)
        self.events.append(Event(date.fromordinal(t), kind, {**c.common(t), **details}))

    # -- numbers

    def _window_scores(self, start: int) -> list[float]:
        score_at = self.score_at
        return [score_at[d] for d in range(start - self.p.baseline_window_days, start) if d in score_at]

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
        window = self.durations[-p.history_durations :]
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
        return (
            c.nadir is not None
            and len(c.scores) - c.nadir_index > need
            and c.scores[-need][0] > t - self.p.trend_window_days
        )

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
        n = sx = sxx = 0
        sy: float = 0
        sxy: float = 0
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
        assert c.threshold is not None  # a nadir is set (_trend_possible)
        # Where the line reaches W, in one division (so exact at halves).
        crossing = (sx * rise + (n * c.threshold - sy) * run) / (n * rise)
        # Decision: the crossing is rounded to the nearest day, halves up, like
        # every forecast (docs/relief.md, v1's forecast: TL + D-hat rounded to the nearest day).
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
        return c.last + self._fixed_prior_days(c.sessions), PRIOR, None

    # -- v2 (docs/relief.md)

    def _cusum(self, c: _Cycle, t: int, value: float) -> None:
        """wearing_off, v2: a one-sided CUSUM of the scores after the nadir.

        Each score adds (score - (W - slack)), clipped to +-clip; the sum never
        goes below 0. wearing_off when the sum reaches ``cusum_limit`` with at
        least ``cusum_min_above`` of the run's scores >= W, today's among them,
        on or after TL + wear_off_min_days. The day the run began estimates the
        start of the rise, its first score >= W the wear-off's day: the duration
        the forecasts learn from.
        """
        p = self.p
        if c.nadir is None or c.threshold is None or c.nadir_day is None or t <= c.nadir_day:
            # Decision: a new (lower) nadir moves W: the sum starts again after it.
            c.cusum, c.cusum_start, c.cusum_above, c.cusum_crossed, c.cusum_last = 0.0, None, 0, None, t
            return
        if c.cusum_last is not None and t - c.cusum_last >= p.cusum_reset_days:
            # Decision: after a long silence old scores say little about today.
            c.cusum, c.cusum_start, c.cusum_above, c.cusum_crossed = 0.0, None, 0, None
        c.cusum_last = t
        threshold = c.threshold
        sd = self.noise_sd  # the sum counts in units of the patient's noise
        clip = p.cusum_clip * sd
        step = min(max(value - (threshold - p.cusum_slack * sd), -clip), clip)
        c.cusum = max(0.0, c.cusum + step)
        if c.cusum == 0.0:
            c.cusum_start, c.cusum_above, c.cusum_crossed = None, 0, None
            return
        if c.cusum_start is None:
            c.cusum_start = t
        if value >= threshold:
            c.cusum_above += 1
            if c.cusum_crossed is None:
                c.cusum_crossed = t
        if (
            c.cusum >= p.cusum_limit * sd
            and value >= threshold
            and c.cusum_above >= p.cusum_min_above
            and t >= c.last + p.wear_off_min_days
        ):
            c.wear_off_day = t
            # The wear-off's own day, as the forecasts learn it: the run's first
            # score at or above W (the detection comes a day or more later).
            crossed = c.cusum_crossed if c.cusum_crossed is not None else t
            estimated = max(crossed - c.last, 1)
            self.durations.append((estimated, True))
            self._emit(
                t,
                WEARING_OFF,
                c,
                {
                    "score": value,
                    "smoothed": self._smoothed(c),
                    "threshold": threshold,
                    "baseline": c.baseline,
                    "nadir": c.nadir,
                    "nadir_date": _iso(c.nadir_day),
                    "scores_at_or_above": c.cusum_above,
                    "duration": t - c.last,
                    "cusum": round(c.cusum, 3),
                    "rise_start": _iso(c.cusum_start),
                    "first_at_or_above": _iso(crossed),
                    "estimated_duration": estimated,
                },
            )

    def _noise_sd(self, before: int) -> float:
        """The scores' day-to-day noise (SD), from the last 60 logged days before ``before``.

        A robust estimate from successive differences (median absolute
        difference / (0.6745 * sqrt 2)), so slow changes of level barely count;
        1.5 points with fewer than 10 differences; never below noise_sd_floor.
        """
        end = bisect_left(self.days, before)
        days = self.days[max(end - 61, 0) : end]
        diffs = [
            abs(self.score_at[b] - self.score_at[a])
            for a, b in zip(days, days[1:], strict=False)
            if b - a <= 2
        ]
        estimate = _median(diffs) / (0.6745 * math.sqrt(2)) if len(diffs) >= 10 else 1.5
        return max(estimate, self.p.noise_sd_floor)

    def _fixed_prior_days(self, sessions: int) -> int:
        """The configured duration of a cycle of this kind of course, before any data."""
        return (
            self.p.prior_single_days if prior_kind(sessions) == SINGLE_SESSION else self.p.prior_course_days
        )

    def _duration_prior(self, sessions: int) -> DurationPrior:
        kind = prior_kind(sessions)
        return duration_prior(self.durations, self.clinic[kind], self._fixed_prior_days(sessions), self.p)

    def _forecast_v2(self, c: _Cycle, t: int) -> tuple[CycleForecast, str, list[str]]:
        """The forecast of cycle ``c`` as of day ``t``, its basis and its sources."""
        prior = c.prior
        assert prior is not None  # set when the cycle opened (v2)
        points: list[tuple[int, float]] = []
        if c.nadir_day is not None:
            points = [(d - c.last, v) for d, v in c.scores[c.nadir_index :] if d > c.last]
        forecast = cycle_forecast(prior, points, t - c.last, c.nadir, c.threshold, self.noise_sd, self.p)
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

    def _plan_maintenance_v2(self, c: _Cycle, t: int) -> None:
        p = self.p
        prior = c.prior
        if prior is None or (not prior.own_cycles and c.nadir is None):
            return
        # Decision (speed): the full posterior only when it can reach the bar:
        # the prior's chance of a wear-off within the lead, among the days not
        # yet seen flat, is a fifth of the bar or more, or the latest score is
        # halfway from the nadir to W.
        u = t - c.last
        last_score = c.scores[-1][1] if c.scores else None
        rising = (
            last_score is not None
            and c.nadir is not None
            and c.threshold is not None
            and last_score >= (c.nadir + c.threshold) / 2
        )
        if not rising:
            pmf = prior.pmf
            seen = max(u - 3, 0)
            ahead = sum(pmf[seen + 1 : u + p.plan_lead_days + 1])
            rest = sum(pmf[seen + 1 :]) + prior.beyond
            if rest <= 0 or ahead < rest * p.plan_probability / 5:
                return
        forecast, basis, sources = self._forecast_v2(c, t)
        if basis == PRIOR or forecast.within_lead < p.plan_probability:
            return
        predicted = c.last + forecast.median
        i = bisect_left(self.planned, t)
        if i < len(self.planned) and self.planned[i] < predicted:
            return
        self._emit(
            t,
            PLAN_MAINTENANCE,
            c,
            {
                "basis": basis,
                **self._forecast_details(c, forecast, sources, t),
                "probability_within_lead": round(forecast.within_lead, 3),
                "lead_days": p.plan_lead_days,
            },
        )

    def _forecast_details(
        self, c: _Cycle, forecast: CycleForecast, sources: list[str], t: int
    ) -> dict[str, Any]:
        """The forecast in an event's or the assessment's words (ISO dates)."""
        last = c.last
        return {
            "predicted_wear_off_date": _iso(last + forecast.median),
            "suggested_session_by": _iso(last + forecast.suggested),
            "expected_duration": forecast.median,
            "interval_80": [_iso(last + forecast.low), _iso(last + forecast.high)],
            "sources": sources,
            "why": self._why(c, forecast, t),
        }

    def _why(self, c: _Cycle, forecast: CycleForecast, t: int) -> str:
        """The forecast in plain words, for the care team."""
        prior = c.prior
        assert prior is not None
        parts = []
        observed = prior.observed[-4:]
        if observed:
            span = (
                f"{min(observed)}-{max(observed)} days"
                if min(observed) != max(observed)
                else f"{observed[0]} days"
            )
            count = "cycle" if len(observed) == 1 else f"{len(observed)} cycles"
            parts.append(f"the last {count} with a wear-off lasted {span}")
        if prior.censored:
            shortest = min(prior.censored)
            parts.append(
                f"{len(prior.censored)} ended by a session before relief faded (at least {shortest} days)"
            )
        if not prior.own_cycles:
            parts.append(
                f"no past cycles yet: the clinic's {prior.clinic_cycles} cycles stand in"
                if prior.clinic_cycles
                else "no past cycles yet: a typical duration stands in"
            )
        if forecast.rise >= 0.5:
            parts.append("the scores have started to rise from the nadir")
        elif c.nadir is not None and c.scores:
            parts.append("the scores have not started to rise yet")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "." if text else ""

    # -- the assessment

    def assessment(self) -> Assessment:
        return _build_assessment(self)


def _build_assessment(run: _Replay) -> Assessment:  # noqa: C901 (frozen oracle: never edited)
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
