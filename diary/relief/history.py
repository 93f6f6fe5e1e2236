"""History: a patient's data as the relief engine reads it, one immutable value. PURE.

    history = History.of(scores, sessions, intake_baseline=..., prior_durations=...,
                         planned=..., other_check_ins=...)

``History.of`` is the engine's one entry signature: ``replay``, ``assess``,
``evaluate`` and ``evaluate_from`` (replay.py) take a History and a day, or the
same arguments as ``History.of`` followed by the day, and read them here.
Dates become ordinals (ints) inside: the rules are day arithmetic, and it is fast.
A History holds everything it was given; a replay up to a day reads only what
is dated up to that day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict, Unpack

from .forecast import PRIOR_KINDS

Scores = Mapping[date, "int | float | None"]
#: Prior wear-off durations in days: one list, or (v2) one per kind of course.
PriorDurations = Iterable[float] | Mapping[str, Iterable[float]]


class Inputs(TypedDict, total=False):
    """The data besides the scores and sessions (``History.of``'s keywords).

    ``intake_baseline``: the intake's GAD-7, when too little was logged before
    the first session. ``prior_durations``: wear-off durations, in days, from
    before this history, oldest first (v1: the patient's own; v2: the
    clinic's, either one list for every cycle or a mapping from the kind of
    course, ``"single"`` or ``"course"``, to its list, each cycle then taking
    its own kind's). ``planned``: booked sessions (they can hold back
    ``plan_maintenance``). ``other_check_ins``: days with a check-in that is not
    a score (the standard GAD-7): it ends a silence (``data_gap``) and is no score.
    ``paused``: the patient's pauses of reminders, each ``(first, last)`` paused
    day, both included: a paused day is no silence (no ``data_gap`` there).
    ``standard_scores``: the standard GAD-7 totals by local date: one of 15 or
    more raises ``urgent``, and the latest before the first session is the
    baseline of last resort (rules/baseline.py). ``urgent_acknowledged``: the
    care team's acknowledgements of ``urgent`` flags, each ``(raised_on,
    acknowledged_on, last_run_start)``: the flag's day, the day it was
    acknowledged and the start of the latest run it held then (rules/urgent.py:
    a later run raises a new one; a run still going 7 days after raises it
    again). Both live in the database; the caller hands them in, and the engine
    stays pure.
    """

    intake_baseline: float | None
    prior_durations: PriorDurations
    planned: Iterable[date]
    other_check_ins: Iterable[date]
    paused: Iterable[tuple[date, date]]
    standard_scores: Scores
    urgent_acknowledged: Iterable[tuple[date, date, date]]


@dataclass(frozen=True)
class History:
    """A patient's data, checked, as ordinals. Build it with ``History.of``."""

    score_at: Mapping[int, float]  # day -> score; session days' scores left out
    days: tuple[int, ...]  # the logged days, in order
    sessions: tuple[int, ...]  # completed sessions, distinct, in order
    planned: tuple[int, ...]  # booked sessions, distinct, in order
    other_check_ins: tuple[int, ...]  # days with another check-in and no score, in order
    intake_baseline: float | None
    prior_durations: Mapping[str, tuple[float, ...]]  # per kind of course (one list serves both)
    prior_per_kind: bool  # given per kind of course (v2 only)
    paused: tuple[int, ...] = ()  # paused days with no score, in order
    standard: Mapping[int, float] = field(
        default_factory=dict
    )  # standard GAD-7 totals; session days left out
    # urgent acknowledgements: the flag's day -> (the day acknowledged, the latest run it held then)
    acknowledged: Mapping[int, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, scores: Scores, sessions: Iterable[date], **inputs: Unpack[Inputs]) -> History:
        """``scores`` maps a local date to that day's score (the latest entry's total);
        ``sessions`` are completed sessions (order and repeats do not matter); the
        rest is ``Inputs``. A score that is not a finite number: ValueError."""
        intake = inputs.get("intake_baseline")
        session_days = tuple(sorted({d.toordinal() for d in sessions}))
        # Session days' own scores are left out of every window, `current` too:
        # sedation and dissociation make them unreliable (docs/relief.md, "What goes in").
        excluded = set(session_days)
        score_at: dict[int, float] = {}
        for day, value in scores.items():
            if value is None:
                continue
            ordinal = day.toordinal()
            if ordinal in excluded:
                continue
            kind = type(value)  # the common case inline: this loop is most of a replay's cost
            if kind is int or (kind is float and math.isfinite(value)):
                score_at[ordinal] = value
            else:
                score_at[ordinal] = number(value, f"score of {day}")
        # Decision: a standard GAD-7 is logging all the same (the check-in due after a
        # long silence): it ends a data gap, though the rules read daily scores only.
        others = {d.toordinal() for d in inputs.get("other_check_ins", ())} - set(score_at)
        prior = inputs.get("prior_durations", ())
        paused = {
            d
            for first, last in inputs.get("paused", ())
            for d in range(first.toordinal(), last.toordinal() + 1)
        } - set(score_at)
        return cls(
            score_at,
            tuple(sorted(score_at)),
            session_days,
            tuple(sorted({d.toordinal() for d in inputs.get("planned", ())})),
            tuple(sorted(others)),
            None if intake is None else number(intake, "intake_baseline"),
            _prior_by_kind(prior),
            isinstance(prior, Mapping),
            tuple(sorted(paused)),
            {
                day.toordinal(): number(value, f"standard score of {day}")
                for day, value in inputs.get("standard_scores", {}).items()
                if value is not None and day.toordinal() not in excluded
            },
            _acknowledgements(inputs.get("urgent_acknowledged", ())),
        )


def _acknowledgements(acks: Iterable[tuple[date, date, date]]) -> dict[int, tuple[int, int]]:
    """The flag's day -> (acknowledged on, latest run start), the earliest acknowledgement of each."""
    out: dict[int, tuple[int, int]] = {}
    for raised_on, acknowledged_on, last_run_start in sorted(acks):
        out.setdefault(raised_on.toordinal(), (acknowledged_on.toordinal(), last_run_start.toordinal()))
    return out


def number(value: Any, what: str) -> float:
    """``value`` if it is a finite number (an int stays an int), else ValueError."""
    kind = type(value)
    if kind is int or (kind is float and math.isfinite(value)):
        return value  # type: ignore[no-any-return]  # checked just above: an int or a finite float
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return value


def _prior_by_kind(prior_durations: PriorDurations) -> dict[str, tuple[float, ...]]:
    """``prior_durations`` checked, as a tuple per kind of course (one list serves both)."""

    def checked(values: Iterable[float]) -> tuple[float, ...]:
        durations = tuple(number(d, "prior duration") for d in values)
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
