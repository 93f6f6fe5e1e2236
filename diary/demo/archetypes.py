"""The demo's archetypes: who each demo patient is, and the story their history tells.

PURE: no Flask, no database. An archetype is a situation a clinic meets every
week (just enrolled, wearing off now, stopped logging...), with what the relief
engine must make of it today. Its *plan* is the story in numbers, drawn from a
patient's *profile* (baseline, nadir, their own wear-off time scale, noise):
courses of sessions, each with the level it brings the patient down to and
when relief fades, dated in days relative to the patient's local today.
:mod:`.histories` renders a plan as check-ins and sessions, and checks it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .. import relief


@dataclass(frozen=True)
class Archetype:
    name: str
    summary: str
    status: str  # the assessment status today
    flags: frozenset[str]  # flags open today (the current cycle's, and a gap not yet ended)
    also: frozenset[str] = frozenset()  # flags that may come with it (a forecast before a wear-off)


def _archetype(name, summary, status, flags=(), also=()):
    return Archetype(name, summary, status, frozenset(flags), frozenset(also))


ARCHETYPES = (
    _archetype(
        "new_enrollee", "Enrolled this week, logging a baseline; first infusion booked.", relief.NO_TREATMENT
    ),
    _archetype(
        "first_session",
        "Had the first induction infusion yesterday; the course goes on.",
        relief.AWAITING_RESPONSE,
    ),
    _archetype(
        "steady_responder", "Long-time maintenance patient, relief holds for about a month.", relief.RELIEF
    ),
    _archetype(
        "wearing_off",
        "Induction a few weeks ago; relief is wearing off now, nothing booked.",
        relief.WEARING_OFF,
        [relief.WEARING_OFF],
        [relief.PLAN_MAINTENANCE],
    ),
    _archetype(
        "non_responder",
        "Finished an induction course without a meaningful response.",
        relief.NON_RESPONSE,
        [relief.NON_RESPONSE],
    ),
    _archetype(
        "relapse",
        "Relief wore off and anxiety is now worse than before treatment.",
        relief.WEARING_OFF,
        [relief.WEARING_OFF, relief.URGENT],
        [relief.PLAN_MAINTENANCE],
    ),
    _archetype(
        "stopped_logging",
        "Responding well, but has not logged for over a week.",
        relief.RELIEF,
        [relief.DATA_GAP],
    ),
    _archetype(
        "due_for_maintenance",
        "Regular maintenance rhythm; the forecast says book the next session.",
        relief.RELIEF,
        [relief.PLAN_MAINTENANCE],
    ),
    _archetype(
        "maintenance_booked", "Regular maintenance rhythm; the next session is already booked.", relief.RELIEF
    ),
    _archetype(
        "slow_starter",
        "Half way through induction, only a small improvement so far.",
        relief.AWAITING_RESPONSE,
    ),
    _archetype(
        "intake_baseline",
        "Started the diary after the first infusion; baseline from the intake form.",
        relief.RELIEF,
    ),
    _archetype("prophylactic", "Booked every few weeks, always before relief fades.", relief.RELIEF),
)
ARCHETYPE_BY_NAME = {a.name: a for a in ARCHETYPES}


# ------------------------------------------------------------------ the plan


@dataclass
class Course:
    sessions: list[int]  # completed session days
    nadir: float  # the level the course brings the patient down to
    fade: float | None = None  # days after the last session when the rise crosses the wear-off line
    relapse: float | None = None  # the level the rise ends at (default: just under baseline)
    rise: int = 7  # days the rise takes to reach the wear-off line
    total_sessions: int = 0  # sessions the course will have, planned ones included
    planned: list[int] = field(default_factory=list)


@dataclass
class Plan:
    baseline: float
    first_log: int
    courses: list[Course] = field(default_factory=list)
    stop_logging_after: int | None = None
    intake_baseline: int | None = None
    holidays: list[tuple[int, int]] = field(default_factory=list)  # unlogged spans, inclusive
    log_today: bool | None = None  # None: by chance, like any day


@dataclass
class Profile:
    """What makes one patient unlike another of the same archetype."""

    rng: random.Random
    days: int  # how far back the history may reach
    baseline: float
    nadir: float
    scale: float  # the patient's own wear-off time scale, in days
    noise: float
    skip: float  # chance of not logging a day
    route: str
    dose: float


def _profile(rng: random.Random, days: int) -> Profile:
    route = rng.choices(("iv", "intranasal", "intramuscular"), weights=(80, 14, 6))[0]
    dose = {
        "iv": round(rng.uniform(28, 48)),
        "intranasal": rng.choice((56, 84)),
        "intramuscular": round(rng.uniform(40, 70)),
    }[route]
    baseline = rng.uniform(12.5, 16.5)
    return Profile(
        rng=rng,
        days=days,
        baseline=baseline,
        nadir=rng.uniform(3, 6),
        scale=rng.uniform(14, 30),
        noise=rng.uniform(0.7, 1.2),
        skip=rng.uniform(0.04, 0.15),
        route=route,
        dose=dose,
    )


def _induction(rng, last: int, count: int | None = None) -> list[int]:
    """An induction course of 4-6 sessions 2-4 days apart, the last on ``last``."""
    count = count or rng.randint(4, 6)
    days = [last]
    for _ in range(count - 1):
        days.insert(0, days[0] - rng.choice((2, 3, 3, 4)))
    return days


def _history_relapse(p: Profile) -> float:
    """Where an earlier cycle's rise would end: the clinic re-treats before it is all back."""
    return min(p.baseline - 1, 13)


def _with_history(p: Profile, current: list[Course], *, reach: float = 1.0) -> tuple[list[Course], int]:
    """Earlier courses before ``current``: maintenance cycles back to an induction
    course and a week or two of logging before it, as far back as the history may
    reach. Returns every course and the first logged day."""
    rng = p.rng
    earliest = -int(p.days * reach) + 1
    courses = list(current)
    next_start = current[0].sessions[0]
    while True:
        fade = p.scale * rng.uniform(0.85, 1.15)
        last = next_start - round(fade) - rng.randint(3, 5)  # the wear-off is seen, then booked
        induction = _induction(rng, last)
        baseline_days = rng.randint(7, 12)
        if induction[0] - baseline_days < earliest:
            break
        earlier_last = last - round(p.scale * 1.15) - 7
        room_for_more = earlier_last - 20 - 12 >= earliest
        course = Course(
            sessions=induction, nadir=p.nadir, fade=fade, relapse=_history_relapse(p), rise=rng.randint(5, 9)
        )
        if room_for_more:
            booster = rng.random() < 0.15
            course.sessions = [last - rng.choice((2, 3)), last] if booster else [last]
            course.nadir = p.nadir + rng.uniform(-1, 1)
            courses.insert(0, course)
            next_start = course.sessions[0]
            continue
        courses.insert(0, course)
        return courses, induction[0] - baseline_days
    return courses, max(earliest, next_start - rng.randint(7, 12))


def _plan_new_enrollee(p: Profile) -> Plan:
    rng = p.rng
    planned = [rng.randint(2, 4)]
    for _ in range(rng.randint(3, 5)):
        planned.append(planned[-1] + rng.choice((2, 3, 3, 4)))
    course = Course(sessions=[], nadir=p.nadir, total_sessions=len(planned), planned=planned)
    return Plan(baseline=p.baseline, first_log=-rng.randint(3, 6), courses=[course])


def _plan_first_session(p: Profile) -> Plan:
    rng = p.rng
    total = rng.randint(4, 6)
    planned = []
    day = -1
    for _ in range(total - 1):
        day += rng.choice((2, 3, 3, 4))
        planned.append(day)
    course = Course(sessions=[-1], nadir=p.nadir, total_sessions=total, planned=planned)
    return Plan(baseline=p.baseline, first_log=-1 - rng.randint(7, 14), courses=[course], log_today=True)


def _plan_steady_responder(p: Profile) -> Plan:
    p.scale = p.rng.uniform(26, 34)
    last = -p.rng.randint(5, 10)
    current = Course(sessions=[last], nadir=p.nadir, fade=p.scale + 6, relapse=_history_relapse(p))
    courses, first = _with_history(p, [current])
    return Plan(baseline=p.baseline, first_log=first, courses=courses)


def _plan_wearing_off(p: Profile) -> Plan:
    rng = p.rng
    p.scale = rng.uniform(12, 20)
    last = -round(p.scale) - rng.randint(5, 9)
    course = Course(
        sessions=_induction(rng, last),
        nadir=p.nadir,
        fade=p.scale,
        relapse=min(p.baseline - 1.5, 13.5),
        rise=rng.randint(6, 9),
    )
    return Plan(baseline=p.baseline, first_log=course.sessions[0] - rng.randint(7, 12), courses=[course])


def _plan_non_responder(p: Profile) -> Plan:
    rng = p.rng
    p.baseline = rng.uniform(12, 14)
    last = -rng.randint(9, 12)
    course = Course(sessions=_induction(rng, last), nadir=p.baseline - rng.uniform(0.5, 2))
    return Plan(baseline=p.baseline, first_log=course.sessions[0] - rng.randint(7, 12), courses=[course])


def _plan_relapse(p: Profile) -> Plan:
    rng = p.rng
    p.baseline = rng.uniform(12, 14)
    p.scale = rng.uniform(12, 18)
    last = -round(p.scale) - rng.randint(12, 16)
    current = Course(
        sessions=[last],
        nadir=p.nadir,
        fade=p.scale,
        relapse=p.baseline + rng.uniform(4.5, 5.5),
        rise=rng.randint(5, 7),
    )
    courses, first = _with_history(p, [current], reach=rng.uniform(0.6, 1.0))
    return Plan(baseline=p.baseline, first_log=first, courses=courses)


def _plan_stopped_logging(p: Profile) -> Plan:
    rng = p.rng
    p.scale = rng.uniform(30, 36)
    last = -rng.randint(17, 22)
    current = Course(sessions=[last], nadir=p.nadir, fade=p.scale + 4, relapse=_history_relapse(p))
    courses, first = _with_history(p, [current], reach=rng.uniform(0.6, 1.0))
    return Plan(baseline=p.baseline, first_log=first, courses=courses, stop_logging_after=-rng.randint(8, 11))


def _plan_due_for_maintenance(p: Profile) -> Plan:
    rng = p.rng
    p.scale = rng.uniform(16, 24)
    last = -round(p.scale) + 1
    current = Course(sessions=[last], nadir=p.nadir, fade=p.scale + 9, relapse=_history_relapse(p))
    courses, first = _with_history(p, [current])
    return Plan(baseline=p.baseline, first_log=first, courses=courses)


def _plan_maintenance_booked(p: Profile) -> Plan:
    rng = p.rng
    p.scale = rng.uniform(16, 24)
    last = -round(p.scale) + 3
    current = Course(
        sessions=[last], nadir=p.nadir, fade=p.scale + 9, relapse=_history_relapse(p), planned=[1]
    )
    courses, first = _with_history(p, [current])
    return Plan(baseline=p.baseline, first_log=first, courses=courses)


def _plan_slow_starter(p: Profile) -> Plan:
    rng = p.rng
    p.baseline = rng.uniform(13, 15)
    sessions = [-7, -5, -3] if rng.random() < 0.5 else [-8, -5, -2]
    course = Course(
        sessions=sessions, nadir=p.baseline - rng.uniform(2.5, 3.5), total_sessions=6, planned=[1, 4, 7]
    )
    return Plan(
        baseline=p.baseline, first_log=sessions[0] - rng.randint(7, 12), courses=[course], log_today=True
    )


def _plan_intake_baseline(p: Profile) -> Plan:
    rng = p.rng
    p.scale = rng.uniform(28, 34)
    last = -rng.randint(14, 20)
    course = Course(sessions=_induction(rng, last), nadir=p.nadir, fade=p.scale, relapse=_history_relapse(p))
    return Plan(
        baseline=p.baseline,
        first_log=course.sessions[0] + rng.randint(1, 3),
        courses=[course],
        intake_baseline=round(p.baseline),
    )


def _plan_prophylactic(p: Profile) -> Plan:
    """Sessions every ``every`` days, well before relief would fade: censored cycles."""
    rng = p.rng
    p.scale = rng.uniform(26, 32)
    every = rng.randint(14, 17)
    earliest = -int(p.days * rng.uniform(0.6, 1.0)) + 1
    last = -rng.randint(4, 9)
    courses = [
        Course(
            sessions=[last], nadir=p.nadir, fade=p.scale, relapse=_history_relapse(p), planned=[last + every]
        )
    ]
    while True:
        induction_last = courses[0].sessions[0] - every
        if induction_last - 20 - 12 < earliest or len(courses) > 20:
            break
        courses.insert(
            0,
            Course(
                sessions=[induction_last],
                nadir=p.nadir + rng.uniform(-1, 1),
                fade=p.scale,
                relapse=_history_relapse(p),
            ),
        )
    induction = _induction(rng, courses[0].sessions[0] - every)
    courses.insert(0, Course(sessions=induction, nadir=p.nadir, fade=p.scale, relapse=_history_relapse(p)))
    return Plan(baseline=p.baseline, first_log=induction[0] - rng.randint(7, 12), courses=courses)


def _maybe_a_holiday(plan: Plan, rng: random.Random) -> None:
    """Now and then a week away without the diary, while relief held in an earlier
    cycle: a data gap the care team saw resolve when logging resumed."""
    earlier = [c for c in plan.courses[1:-1] if c.fade is not None and c.fade - c.rise >= 14]
    if earlier and rng.random() < 0.3:
        course = rng.choice(earlier)
        start = course.sessions[-1] + rng.randint(3, 5)
        plan.holidays.append((start, start + rng.randint(5, 7)))


_PLANS = {
    "new_enrollee": _plan_new_enrollee,
    "first_session": _plan_first_session,
    "steady_responder": _plan_steady_responder,
    "wearing_off": _plan_wearing_off,
    "non_responder": _plan_non_responder,
    "relapse": _plan_relapse,
    "stopped_logging": _plan_stopped_logging,
    "due_for_maintenance": _plan_due_for_maintenance,
    "maintenance_booked": _plan_maintenance_booked,
    "slow_starter": _plan_slow_starter,
    "intake_baseline": _plan_intake_baseline,
    "prophylactic": _plan_prophylactic,
}
assert set(_PLANS) == set(ARCHETYPE_BY_NAME)


def draw_plan(archetype: Archetype, rng: random.Random, days: int) -> tuple[Plan, Profile]:
    """A plan of ``archetype``'s story reaching at most ``days`` days back, and the
    profile it was drawn for (now and then with a holiday from the diary)."""
    profile = _profile(rng, days)
    plan = _PLANS[archetype.name](profile)
    plan.first_log = max(plan.first_log, -days + 1)
    _maybe_a_holiday(plan, rng)
    return plan, profile
