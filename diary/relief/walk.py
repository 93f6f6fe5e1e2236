"""The walk: a History replayed day by day under one rule set. PURE.

Every course's cycle is walked from its first session to the day before the
next course (or ``until``). On day t the rules see the data dated up to t
only: a later entry never rewrites what was raised earlier, and the same
history always gives the same events. The rule set is chosen once, from
``params.rules`` (rules/__init__.py); the walk itself does not know which.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from datetime import date
from hashlib import blake2b
from typing import Any

from .assessment import Assessment, CycleFacts, Outlook, build_assessment
from .checkpoint import ENGINE_DIGEST, Checkpoint
from .events import CYCLE_CENSORED, NON_RESPONSE, PLAN_MAINTENANCE, WEARING_OFF, Event
from .history import History
from .params import ReliefParams
from .rules import RuleSet, plan_follow, rule_set
from .rules.baseline import cycle_baseline, lower_nadir, no_baseline, pending_baseline
from .rules.data_gap import data_gap, silence_start
from .rules.non_response import non_response
from .rules.urgent import pre_treatment, urgent, urgent_standard
from .state import Cycle, Run, iso, smoothed

# Once one of these is raised in a cycle, plan_maintenance is moot there.
_PLAN_SETTLED = frozenset((PLAN_MAINTENANCE, WEARING_OFF, NON_RESPONSE))
# Once one of these is raised, the assessment forecasts nothing.
_FORECAST_SETTLED = frozenset((WEARING_OFF, NON_RESPONSE))


def walk(
    history: History,
    until: date,
    params: ReliefParams,
    checkpoint: Checkpoint | None = None,
    *,
    follow: bool = False,
) -> Run:
    """The run of every course up to ``until``, resumed from ``checkpoint`` when it still holds.

    ``follow``: the open cycle's plan_maintenance is restated with the forecast as of
    ``until``, or withdrawn by a booking (rules/plan_follow.py): the flags' view of
    today. Without it the events are the replay's, each as raised on its day."""
    rules = rule_set(params)
    own, clinic = rules.priors(history)
    run = Run(history, until, params, own, clinic)
    courses = run.courses
    first = _resume(run, checkpoint) if checkpoint is not None else 0
    if not courses:
        # A patient waiting for their first session (rules/urgent.py). Decision: once a session
        # is recorded the care team has seen them, and the days before it are the run-in that
        # sets the baseline (often severe): the replay leaves them out, and an urgent raised
        # while they waited closes as new_cycle (monitoring/flags.py).
        pre_treatment(run, run.until + 1)
    for k in range(first, len(courses)):
        course = courses[k]
        start = course[0]
        previous = run.cycle
        if previous is not None and WEARING_OFF not in previous.raised:
            _censor(run, previous, start)
        if k == len(courses) - 1 and k > first:
            run.checkpoint = Checkpoint(
                date.fromordinal(start), _checkpoint_key(run, start), tuple(run.events), tuple(run.durations)
            )
        cycle = _open_cycle(run, rules, k, start)
        run.cycle = cycle
        end = courses[k + 1][0] - 1 if k + 1 < len(courses) else run.until
        _walk_cycle(run, rules, cycle, course, end)
    if follow and run.cycle is not None and PLAN_MAINTENANCE in run.cycle.raised:
        outlook = _outlook(run)
        if outlook is not None:
            plan_follow.follow(run, run.cycle, outlook)
    return run


def _outlook(run: Run) -> Outlook | None:
    """The open cycle's forecast as of ``until``, computed once (the assessment and the
    plan_maintenance it restates read the same); None once the cycle wore off or did not respond."""
    c = run.cycle
    if run.outlook is None and c is not None and c.raised.isdisjoint(_FORECAST_SETTLED):
        run.outlook = rule_set(run.p).outlook(run, c, run.until)
    return run.outlook


def _resume(run: Run, checkpoint: Checkpoint) -> int:
    """The course to walk from: the checkpoint's, if its course still starts there and
    nothing dated before it has changed (checkpoint.py), else the first."""
    starts = [course[0] for course in run.courses]
    start = checkpoint.start.toordinal()
    i = bisect_left(starts, start)
    if i < len(starts) and starts[i] == start and checkpoint.key == _checkpoint_key(run, start):
        run.events = [Event(e.day, e.kind, dict(e.details)) for e in checkpoint.events]
        run.durations = list(checkpoint.durations)
        if i == len(starts) - 1:
            run.checkpoint = checkpoint
        return i
    return 0


def _checkpoint_key(run: Run, start: int) -> str:
    """What the events before the course starting on ``start`` depend on (checkpoint.py), as a digest."""
    days = run.days[: bisect_left(run.days, start)]
    sessions = [d for course in run.courses for d in course if d < start]
    data = array("d", days)
    data.extend(map(run.score_at.__getitem__, days))
    data.append(-1.0)  # separates the scores from the sessions
    data.extend(sessions)
    data.append(-2.0)  # and the sessions from the other check-ins (they end a silence)
    data.extend(d for d in run.other_check_ins if d < start)
    if run.paused:  # no pause, the key of a history before pauses existed
        data.append(-3.0)
        data.extend(d for d in run.paused if d < start)
    standard = sorted(d for d in run.standard if d < start)
    if standard or run.acknowledged:  # what urgent reads besides (rules/urgent.py)
        data.append(-4.0)
        for d in standard:
            data.extend((d, run.standard[d]))
        data.append(-5.0)
        for raised, (acknowledged, covered) in sorted(run.acknowledged.items()):
            if raised < start:
                data.extend((raised, acknowledged, covered))
    digest = blake2b(ENGINE_DIGEST, digest_size=20)
    digest.update(repr((run.p, run.intake, list(run.planned), start, run.own_prior, len(days))).encode())
    digest.update(data.tobytes())
    return digest.hexdigest()


def _open_cycle(run: Run, rules: RuleSet, index: int, start: int) -> Cycle:
    baseline, source = cycle_baseline(run, index, start)
    cycle = Cycle(start, baseline, source)
    rules.open_cycle(run, cycle)
    no_baseline(run, cycle)
    return cycle


def _walk_cycle(run: Run, rules: RuleSet, c: Cycle, course: list[int], end: int) -> None:
    score_at = run.score_at
    gap_days = run.p.data_gap_days
    # A paused day ends a silence as a check-in does: no data_gap in a pause.
    others, last_other = set(run.other_check_ins).union(run.paused), None
    plan = rules.plan_maintenance
    standard = run.standard
    next_session = 1
    for t in range(c.start + 1, end + 1):
        if next_session < len(course) and course[next_session] == t:
            # Decision: a later session of the same course (induction) moves TL
            # but keeps the cycle: events already raised in it stay raised.
            c.moved_to(t)
            c.sessions += 1
            rules.later_session(run, c)
            next_session += 1
            continue  # a session day: no score, and every rule below needs t > TL
        value = score_at.get(t)
        if value is not None:
            _logged_day(run, rules, c, t, value)
        elif t in others:
            last_other = t  # a check-in (or a paused day), though no score: the silence starts again
        elif t - silence_start(c, last_other) == gap_days:
            data_gap(run, c, t, last_other)
        if t in standard:
            urgent_standard(run, c, c.urgent, t, standard[t])
        if c.raised.isdisjoint(_PLAN_SETTLED):
            plan(run, c, t)


def _logged_day(run: Run, rules: RuleSet, c: Cycle, t: int, value: float) -> None:
    p = run.p
    scores = c.scores
    scores.append((t, value))
    raised = c.raised
    settled = t > c.last + p.nadir_settle_days
    # S is needed while the nadir can fall and for urgent's baseline rule (urgent
    # may come back: docs/relief.md); after that it is computed only when an event reports it.
    today = None
    if not settled or (
        c.baseline is not None
        and _may_exceed(p.smoothing_scores, scores, c.baseline + p.urgent_above_baseline)
    ):
        today = smoothed(p, c)
    if not settled:
        c.response_scores += 1
        lower_nadir(run, c, t, rules.nadir_level(run, c, today))
    non_response(run, c, t)
    if WEARING_OFF not in raised and NON_RESPONSE not in raised:
        rules.wearing_off(run, c, t, value)
    urgent(run, c, t, value, today)


def _may_exceed(smoothing_scores: int, scores: list[tuple[int, float]], bar: float) -> bool:
    """False only when S of the latest day surely stays below ``bar``.

    A median of up to 3 scores reaches a bar only if one of the newest two
    does, a cheap test that spares computing S on most days.
    """
    if smoothing_scores > 3 or scores[-1][1] >= bar:
        return True
    return len(scores) > 1 and scores[-2][1] >= bar


def _censor(run: Run, c: Cycle, next_start: int) -> None:
    """cycle_censored: the next course began before this cycle wore off."""
    at_least = next_start - c.last
    responded = NON_RESPONSE not in c.raised
    # Decision: a non-response cycle is reported as censored (docs/relief.md's
    # rule), but it says nothing about how long relief lasts, so it is kept
    # out of the forecast history.
    if responded:
        run.durations.append((at_least, False))
    details: dict[str, Any] = {
        "duration_at_least": at_least,
        "next_course_start": iso(next_start),
        "non_response": not responded,
        "counts_for_forecast": responded,
        "baseline": c.baseline,
        "nadir": c.nadir,
    }
    run.emit(next_start, CYCLE_CENSORED, c, details)


def assessment(run: Run) -> Assessment:
    """The assessment of a finished run's current cycle, as of its last day."""
    latest = run.latest()
    today = date.fromordinal(run.until)
    c = run.cycle
    if c is None:
        baseline, source = pending_baseline(run)
        current = None if latest is None else float(run.score_at[latest])
        return build_assessment(run.p, today, current, None, baseline_before=baseline, source_before=source)
    current = smoothed(run.p, c) if c.scores and c.scores[-1][0] == latest else None
    if current is None and latest is not None:
        current = float(run.score_at[latest])
    outlook = _outlook(run)
    facts = CycleFacts(
        date.fromordinal(c.last),
        c.baseline,
        c.baseline_source,
        c.nadir,
        c.threshold,
        frozenset(c.raised),
        None if c.wear_off_day is None else date.fromordinal(c.wear_off_day),
    )
    return build_assessment(run.p, today, current, facts, outlook)
