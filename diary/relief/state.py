"""The state the rules read and write: one replay's (``Run``) and one cycle's (``Cycle``). PURE.

A replay (walk.py) walks a History day by day up to ``until``; on each day the
rules (rules/) look at the open cycle's state and the run's, update them and
emit events. Days are ordinals (ints). The numbers several rules share are
here too: the median, S(t), the threshold W, the noise SD.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from datetime import date
from typing import Any

from .assessment import Outlook
from .checkpoint import Checkpoint
from .courses import courses
from .events import Event
from .forecast import SINGLE_SESSION, DurationPrior, prior_kind
from .history import History
from .params import ReliefParams


def iso(day: int | None) -> str | None:
    return None if day is None else date.fromordinal(day).isoformat()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


class UrgentRuns:
    """The urgent runs of one cycle (or of the days before the first session)."""

    __slots__ = ("active", "index", "raised_day", "start", "scores")

    def __init__(self) -> None:
        self.active = False  # a run is going
        self.index: int | None = None  # the position in run.events of the latest urgent
        self.raised_day: int | None = None  # its day
        self.start: int | None = None  # before treatment: the first urgent's day (its "cycle_start")
        self.scores: list[tuple[int, float]] = []  # before treatment: the daily scores so far


class Cycle:
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
        "urgent",
    )

    def __init__(self, start: int, baseline: float | None, source: str | None) -> None:
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
        # v1: (D-hat, method, cycles) from earlier cycles, or None; TL + D-hat
        self.history: tuple[float, str, int] | None = None
        self.history_day: int | None = None
        # v2: the CUSUM of the scores against W since the nadir, the day its
        # current run began, the run's scores >= W, and the latest score's day
        self.cusum = 0.0
        self.cusum_start: int | None = None
        self.cusum_crossed: int | None = None  # the run's first score >= W
        self.cusum_above = 0
        self.cusum_last: int | None = None
        self.prior: DurationPrior | None = None  # v2: step 1 of the forecast
        self.urgent = UrgentRuns()  # rules/urgent.py

    def moved_to(self, last_session: int) -> None:
        """TL moves (a later session of the course); the history date keeps in step."""
        self.last = last_session
        if self.history is not None:
            self.history_day = last_session + round_half_up(self.history[0])

    def common(self, day: int) -> dict[str, Any]:
        return {
            "cycle_start": iso(self.start),
            "last_session": iso(self.last),
            "days_since_session": day - self.last,
        }


class Run:
    """One replay's state: the History cut at ``until``, and what has been raised so far."""

    __slots__ = (
        "p",
        "until",
        "score_at",
        "days",
        "intake",
        "courses",
        "planned",
        "other_check_ins",
        "paused",
        "durations",
        "clinic",
        "own_prior",
        "noise_sd",
        "events",
        "cycle",
        "checkpoint",
        "first_baseline",
        "outlook",
        "standard",
        "acknowledged",
        "first_standard",
    )

    def __init__(
        self,
        history: History,
        until: date,
        params: ReliefParams,
        own: tuple[float, ...],
        clinic: dict[str, tuple[float, ...]],
    ) -> None:
        self.p = params
        self.until = until.toordinal()
        # every score is in the History; the rules read the days up to ``until`` only
        self.score_at = history.score_at
        self.days = history.days
        self.intake = history.intake_baseline
        sessions = history.sessions[: bisect_right(history.sessions, self.until)]
        self.courses: list[list[int]] = [
            [d.toordinal() for d in course]
            for course in courses(map(date.fromordinal, sessions), params.course_gap_days)
        ]
        self.planned = history.planned
        others = history.other_check_ins
        self.other_check_ins = others[: bisect_right(others, self.until)]
        self.paused = history.paused[: bisect_right(history.paused, self.until)]
        # the forecast history: (duration, observed or censored), oldest first
        self.durations: list[tuple[float, bool]] = [(d, True) for d in own]
        self.clinic = clinic
        self.own_prior = own  # part of the checkpoint's key
        self.noise_sd = 1.5  # v2: the scores' noise, re-estimated at each cycle
        self.events: list[Event] = []
        self.cycle: Cycle | None = None
        self.checkpoint: Checkpoint | None = None  # the state at the open course's start
        self.first_baseline: float | None = None
        # the open cycle's forecast as of ``until``, once computed (rules/plan_follow.py)
        self.outlook: Outlook | None = None
        # standard GAD-7 totals and urgent acknowledgements up to ``until`` (rules/urgent.py)
        self.standard = {d: v for d, v in history.standard.items() if d <= self.until}
        # Decision: acknowledgements are read whatever their date (they say which runs a flag
        # held when the care team saw it); the rule that waits 7 days reads their day.
        self.acknowledged = history.acknowledged
        # the latest standard GAD-7 before the first session: the baseline of last resort
        self.first_standard: float | None = None
        if self.courses:
            self.first_baseline = self.window_median(self.courses[0][0])
            before = [d for d in self.standard if d < self.courses[0][0]]
            if before:
                self.first_standard = float(self.standard[max(before)])

    def latest(self) -> int | None:
        """The last logged day up to ``until``."""
        end = bisect_right(self.days, self.until)
        return self.days[end - 1] if end else None

    def booked(self, t: int, suggested: int, predicted: int) -> bool:
        """Whether a booking answers plan_maintenance on day ``t``: the one rule
        (docs/relief.md, "A flag that follows the forecast"). A session booked on a day
        from ``t`` to the suggested day answers it; once the suggested day has come
        (today or past), one booked by the predicted wear-off day does. Both ends
        included. A booking already past and not completed was missed: it answers nothing."""
        by = suggested if suggested > t else predicted
        i = bisect_left(self.planned, t)
        return i < len(self.planned) and self.planned[i] <= by

    def emit(self, t: int, kind: str, c: Cycle, details: dict[str, Any]) -> None:
        c.raised.add(kind)
        self.events.append(Event(date.fromordinal(t), kind, {**c.common(t), **details}))

    def window_scores(self, start: int) -> list[float]:
        score_at = self.score_at
        return [score_at[d] for d in range(start - self.p.baseline_window_days, start) if d in score_at]

    def window_median(self, start: int) -> float | None:
        values = self.window_scores(start)
        return median(values) if len(values) >= self.p.baseline_min_scores else None

    def fixed_prior_days(self, sessions: int) -> int:
        """The configured duration of a cycle of this kind of course, before any data."""
        p = self.p
        return p.prior_single_days if prior_kind(sessions) == SINGLE_SESSION else p.prior_course_days

    def estimate_noise_sd(self, before: int) -> float:
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
        estimate = median(diffs) / (0.6745 * math.sqrt(2)) if len(diffs) >= 10 else 1.5
        return max(estimate, self.p.noise_sd_floor)


def smoothed(p: ReliefParams, c: Cycle) -> float | None:
    """S(t) for the cycle's latest logged day t."""
    scores = c.scores
    since = scores[-1][0] - p.smoothing_window_days
    recent = [v for d, v in scores[-p.smoothing_scores :] if d > since]
    return median(recent) if len(recent) >= p.smoothing_min_scores else None


def threshold(p: ReliefParams, baseline: float | None, nadir: float) -> float:
    """W from the baseline and the nadir."""
    if baseline is None:
        return float(max(p.no_baseline_threshold, nadir + p.no_baseline_min_rise))
    # Decision: a negative improvement (nadir above baseline) counts as 0.
    improvement = max(baseline - nadir, 0)
    return float(nadir + max(p.mcid, p.regain_fraction * improvement))
