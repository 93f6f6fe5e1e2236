"""The replay: every rule evaluated day by day over a patient's history.

PURE: no Flask, no database. Plain dates and numbers in, plain dataclasses out.

    history = History.of(scores, sessions, intake_baseline=..., ...)  # the data, once
    events = replay(history, until, params=...)    # everything raised, day by day
    today = assess(history, today)                 # what the API shows today
    events, today, checkpoint = evaluate_from(checkpoint, history, today)

Each also takes ``History.of``'s arguments in place of the History
(``replay(scores, sessions, until, planned=...)``) and reads them first.

``replay`` walks every day from the first session to ``until`` and evaluates
the rules on day t with the data dated up to t only, so a later entry never
rewrites what was raised earlier and the same history always gives the same
events. The persistence layer diffs these events against its stored flags.
``evaluate_from`` resumes from a checkpoint taken at the open course's first
session (checkpoint.py) and walks the open cycle alone. ``evaluate`` and
``evaluate_from`` give the flags' view of the day: the open cycle's
plan_maintenance follows the day's forecast (rules/plan_follow.py). The walk is walk.py,
the rules rules/, their state state.py.

``ReliefParams.rules`` picks the rule set: ``v1`` (the first rules, docs/relief.md) or
``v2`` (the default, docs/relief.md): v2 keeps v1's baseline, nadir, threshold,
non_response, urgent and data_gap, and replaces two rules: wearing_off is a
one-sided CUSUM of the scores against the threshold, and plan_maintenance is
raised from a predictive distribution of the wear-off day (forecast.py).
The choice is made once per replay (``rules.rule_set``).

Every event's ``details`` (JSON-ready: ISO dates, numbers) carry
``cycle_start`` (T0), ``last_session`` (TL as known that day) and
``days_since_session``, and besides:

- ``no_baseline`` (informational, on T0): pre_treatment_scores, pre_course_scores,
  threshold_rule
- ``non_response``: baseline, nadir, nadir_date, improvement, scores
- ``wearing_off``: score, smoothed, threshold, baseline, nadir, nadir_date,
  scores_at_or_above, duration; v2 also cusum, rise_start (the estimated
  first day of the rise) and estimated_duration (what the forecasts learn)
- ``urgent`` (per run, rules/urgent.py): score, smoothed, baseline,
  baseline_source, reasons (``severe_scores``, ``worse_than_baseline``,
  ``pre_treatment_severe_scores``, ``standard_gad7_severe``), standard_score
  (a standard GAD-7's), returned (None, ``new_run``, ``still_going``),
  flag_raised_on, runs, latest_run_start, not_a_safety_screen and
  not_a_risk_assessment (always true: GAD-7 has no suicide item); before the
  first session pre_treatment (true), last_session and days_since_session None
- ``data_gap``: since (the later of TL, the last score and the last other
  check-in), last_score_date, days_without_score
- ``plan_maintenance``: basis (``history`` | ``trend``), predicted_wear_off_date,
  suggested_session_by, expected_duration; v1: for history estimate_days, method
  (``median`` | ``kaplan_meier``), cycles; for trend slope, threshold. v2:
  interval_80 (two ISO dates), probability_within_lead, lead_days, sources,
  why (plain words). From ``evaluate``, the open cycle's carry the forecast of
  the day instead of the raise day's, and besides forecast_on (that day) and
  raised_with (the raise day's predicted_wear_off_date and suggested_session_by)
- ``cycle_censored`` (informational, on the next course's T0; its cycle_start
  and last_session are the ended cycle's): duration_at_least,
  next_course_start, non_response, counts_for_forecast, baseline, nadir

Decisions where the rules of docs/relief.md are silent are written next to the rule they shape,
as "Decision:" comments, so a clinician reviewing the code finds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple, Unpack

from .assessment import Assessment
from .checkpoint import Checkpoint
from .events import Event
from .history import History, Inputs, PriorDurations, Scores
from .params import DEFAULT_PARAMS, ReliefParams
from .walk import assessment, walk

__all__ = ["Evaluation", "History", "PriorDurations", "assess", "evaluate", "evaluate_from", "replay"]


def replay(
    history: History | Scores,
    *day: date | Iterable[date],
    params: ReliefParams = DEFAULT_PARAMS,
    **inputs: Unpack[Inputs],
) -> list[Event]:
    """Every event raised from the first session to the day, ordered by day.

    ``replay(history, until)``, or ``replay(scores, sessions, until, **inputs)``
    (``History.of``'s arguments). Data dated after ``until`` is ignored.
    """
    return walk(*_read(history, day, inputs), params).events


def assess(
    history: History | Scores,
    *day: date | Iterable[date],
    params: ReliefParams = DEFAULT_PARAMS,
    **inputs: Unpack[Inputs],
) -> Assessment:
    """The assessment of the current cycle as of the day (the replay's last day)."""
    return assessment(walk(*_read(history, day, inputs), params, follow=True))


def evaluate(
    history: History | Scores,
    *day: date | Iterable[date],
    params: ReliefParams = DEFAULT_PARAMS,
    **inputs: Unpack[Inputs],
) -> tuple[list[Event], Assessment]:
    """``replay`` and ``assess`` for the same day from one pass over the history; the open
    cycle's plan_maintenance follows the day's forecast (restated, or withdrawn by a
    booking: rules/plan_follow.py), as the assessment shows it."""
    run = walk(*_read(history, day, inputs), params, follow=True)
    return run.events, assessment(run)


class Evaluation(NamedTuple):
    events: list[Event]
    assessment: Assessment
    checkpoint: Checkpoint | None  # to hand back next time (None: one course, nothing to skip)


def evaluate_from(
    checkpoint: Checkpoint | None,
    history: History | Scores,
    *day: date | Iterable[date],
    params: ReliefParams = DEFAULT_PARAMS,
    **inputs: Unpack[Inputs],
) -> Evaluation:
    """``evaluate``, resumed from ``checkpoint`` when it still matches the data (checkpoint.py),
    and the checkpoint to keep for the next evaluation. With the clinic prior the
    checkpoint was made with, the result is exactly ``evaluate``'s."""
    run = walk(*_read(history, day, inputs), params, checkpoint, follow=True)
    return Evaluation(run.events, assessment(run), run.checkpoint)


def _read(
    history: History | Scores, day: tuple[date | Iterable[date], ...], inputs: Inputs
) -> tuple[History, date]:
    """(History, day) from ``(history, day)`` or from ``(scores, sessions, day, **inputs)``."""
    if isinstance(history, History):
        if len(day) != 1 or inputs:
            raise TypeError("with a History, give the day alone")
        until = day[0]
    elif len(day) == 2 and not isinstance(day[0], date):
        sessions, until = day[0], day[1]
        history = History.of(history, sessions, **inputs)
    else:
        raise TypeError("give a History and the day, or the scores, the sessions and the day")
    if not isinstance(until, date):
        raise TypeError(f"the day must be a date, not {until!r}")
    return history, until
