"""The demo clinic's patients: who they are and what they logged.

PURE: no Flask, no database. A patient's history is a list of check-ins and
sessions dated in days relative to their local "today" (0 today, -1 yesterday,
+3 in three days), so the demo is always current: the seeding layer turns the
offsets into dates on the day it runs. The same seed gives the same histories.

Each patient follows an *archetype*, a situation a clinic meets every week
(just enrolled, wearing off now, stopped logging...): :mod:`.archetypes` holds
them and draws a plan of the archetype's story, which this module renders as
check-ins and sessions. The first twelve demo patients are one of each; more
patients cycle through them again with other baselines, time scales, noise and
time zones. Every history is checked against
the relief engine (:mod:`diary.relief`, default parameters) before it is kept:
a draw whose noise spoils the archetype (an unplanned ``urgent``, relief that
wore off a day too early) is drawn again, so the demo shows what it promises.

The score model: a patient's anxiety *level* sits at their baseline before
treatment, falls with each session of a course towards the course's nadir,
holds for a while and then rises again on the patient's own time scale (the
rise crosses the wear-off line about ``fade`` days after the last session).
A day's total is the level plus autocorrelated noise; some days are not logged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

from .. import relief
from .archetypes import ARCHETYPE_BY_NAME, ARCHETYPES, Archetype, Plan, Profile, draw_plan

COMPLETED, PLANNED = "completed", "planned"
#: The shortest history (``days``) that leaves room for every archetype's story.
MIN_DAYS = 30

#: The side effects a patient may tick (docs/api.md, "Check-ins").
SIDE_EFFECTS = (
    "dizziness",
    "nausea",
    "blurred_vision",
    "dissociation",
    "headache",
    "drowsiness",
    "elevated_blood_pressure",
    "other",
)
# What an evening check-in after an infusion tends to list, and the morning after.
_SESSION_DAY_EFFECTS = ("dissociation", "nausea", "dizziness", "drowsiness", "blurred_vision", "headache")
_NEXT_DAY_EFFECTS = ("headache", "drowsiness", "nausea")
_SESSION_EFFECTS = ("dissociation", "elevated_blood_pressure", "nausea", "dizziness")

TIMEZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "America/Toronto",
    "Australia/Sydney",
    "America/Phoenix",
    "Pacific/Auckland",
    "Europe/Madrid",
    "America/Halifax",
)
_FIRST_NAMES = (
    "Maya",
    "Jonah",
    "Priya",
    "Tomas",
    "Grace",
    "Omar",
    "Lena",
    "Marcus",
    "Hana",
    "Diego",
    "Ruth",
    "Felix",
    "Aisha",
    "Caleb",
    "Ingrid",
    "Sam",
    "Noor",
    "Elliot",
    "Carmen",
    "Wei",
    "Tessa",
    "Kofi",
    "Mira",
    "Julian",
    "Sofia",
    "Anders",
    "Leila",
    "Owen",
    "Yuki",
    "Beatriz",
)
_LAST_NAMES = (
    "Alvarez",
    "Brennan",
    "Chen",
    "Dubois",
    "Eriksen",
    "Farouk",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Whitfield",
    "Xu",
    "Yilmaz",
    "Zielinski",
    "Abbott",
    "Novak",
    "Lindqvist",
    "Osei",
)

_NOTES = {
    "baseline": (
        "Work deadline this week, couldn't switch off.",
        "Mind racing at bedtime again.",
        "Started the diary today.",
        "Skipped a friend's dinner, too on edge.",
        "Woke at 4am worrying about money.",
        "Tense all day, jaw aching.",
    ),
    "session": (
        "Infusion today. Felt far away for an hour, then very tired.",
        "Session went fine. Queasy on the drive home.",
        "Floaty afternoon, slept early.",
        "Music helped during the infusion.",
    ),
    "relief": (
        "Calm day. Long walk after work.",
        "Slept through the night.",
        "Noticed I didn't worry on the commute.",
        "Cooked dinner for friends, enjoyed it.",
        "Quiet mind. Read for an hour.",
        "Good day at work.",
    ),
    "fading": (
        "Worry creeping back in the evenings.",
        "More on edge than last week.",
        "Snapped at my partner, felt bad after.",
        "Restless, hard to sit through a film.",
        "The old what-ifs are back.",
    ),
    "relapse": (
        "Bad day. Left the supermarket, couldn't breathe.",
        "Can't stop the what-ifs.",
        "Worst week in months.",
        "Called in sick, stayed in bed.",
    ),
}


# ------------------------------------------------------------------ the result


class DemoEntry(NamedTuple):  # a tuple: a year of check-ins for a thousand patients is many
    day: int  # offset from the patient's local today
    minute: int  # local minute of the day it was recorded
    answers: tuple[int, ...]
    total: int
    difficulty: int | None = None
    note: str | None = None
    side_effects: tuple[str, ...] = ()


class DemoSession(NamedTuple):
    day: int
    minute: int
    status: str  # completed or planned
    route: str
    dose_mg: float | None
    notes: str | None = None
    side_effects: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoPatient:
    number: int  # 1-based
    archetype: str
    name: str
    timezone: str
    reminder_minute: int  # local minute of the day of the daily reminder
    enrolled_day: int  # when the account was made
    entries: tuple[DemoEntry, ...]
    sessions: tuple[DemoSession, ...]
    intake_baseline: int | None = None
    #: The language the patient reads and answers in (docs/i18n.md).
    language: str = "en"
    #: What the relief engine makes of it today (checked when drawn).
    expected_status: str = ""
    expected_flags: frozenset[str] = frozenset()

    def scores(self, today: date) -> dict[date, int]:
        """Each logged day's score (the latest entry's total), dated from ``today``."""
        latest = {}
        for entry in sorted(self.entries, key=lambda e: (e.day, e.minute)):
            latest[today + timedelta(days=entry.day)] = entry.total
        return latest

    def session_dates(self, today: date, status: str = COMPLETED) -> list[date]:
        return [today + timedelta(days=s.day) for s in self.sessions if s.status == status]


# ------------------------------------------------------------------ rendering


def _levels(plan: Plan) -> dict[int, tuple[float, str]]:
    """The anxiety level and the phase (for notes) of every day from the first log to today."""
    session_of = {}
    for index, course in enumerate(plan.courses):
        total = course.total_sessions or len(course.sessions)
        for number, day in enumerate(course.sessions, start=1):
            session_of[day] = (index, number, total)
    levels = {}
    level, phase = plan.baseline, "baseline"
    course = None
    base = start_level = plan.baseline
    last_session = None
    for day in range(min([plan.first_log, *session_of]), 1):
        if day in session_of:
            index, number, total = session_of[day]
            course = plan.courses[index]
            if number == 1:
                start_level = level
            depth = 1.0 if total == 1 else 0.55 + 0.45 * (number - 1) / (total - 1)
            base = start_level - (start_level - course.nadir) * depth
            level, phase, last_session = base, "session", day
        elif course is not None and course.sessions:
            since = day - last_session
            # No meaningful relief yet (a slow start, a non-response): notes as before treatment.
            level, phase = base, "relief" if base <= plan.baseline - 4 else "baseline"
            complete = last_session == course.sessions[-1] and not course.planned
            if course.fade is not None and complete:
                line = base + max(4, (plan.baseline - base) / 2) + 1.5  # the wear-off line, and a margin
                relapse = max(course.relapse if course.relapse is not None else plan.baseline - 1, line + 0.5)
                start = course.fade - course.rise
                if since > start:
                    level = min(relapse, base + (since - start) * (line - base) / course.rise)
                    phase = "fading" if level < plan.baseline else "relapse"
        levels[day] = (level, phase)
    return levels


def _answer_pool(rng: random.Random) -> list[list[tuple[int, ...]]]:
    """A few ways of answering for every total, shaped by which items bother this patient most."""
    weights = [rng.uniform(0.3, 2.0) for _ in range(7)]
    variants = []
    for _ in range(3):
        jittered = [w * rng.uniform(0.7, 1.3) for w in weights]
        variants.append((sorted(range(7), key=jittered.__getitem__, reverse=True), rng.randint(0, 2)))
    return [[_spread(total, order, tilt) for order, tilt in variants] for total in range(22)]


def _spread(total: int, order: list[int], tilt: int) -> tuple[int, ...]:
    """``total`` points over the seven items (0-3 each), the items first in ``order``
    first; ``tilt`` points move from the least to the most bothersome items."""
    answers = [total // 7] * 7
    for item in order[: total % 7]:
        answers[item] += 1
    for k in range(tilt):
        high, low = order[k], order[-1 - k]
        if answers[high] < 3 and answers[low] > 0:
            answers[high] += 1
            answers[low] -= 1
    return tuple(answers)


def _logged_days(plan: Plan, rng: random.Random, skip: float, session_days: set[int]) -> list[int]:
    """The days with a check-in: most of them, never more than two missed in a row by chance."""
    last = 0 if plan.stop_logging_after is None else plan.stop_logging_after
    off = {d for a, b in plan.holidays for d in range(a, b + 1)}
    days, missed = [], 0
    for day in range(plan.first_log, last + 1):
        if day in off:
            continue
        chance = 0.3 if day in session_days else skip
        if day == 0 and plan.log_today is not None:
            keep = plan.log_today
        else:
            keep = day == plan.first_log or missed >= 2 or rng.random() >= chance
        if keep:
            days.append(day)
            missed = 0
        else:
            missed += 1
    return days


def demo_language(number: int) -> str:
    """Every fourth demo patient, from the second, reads Spanish: the demo shows both languages
    (in the United States about one person in eight speaks Spanish at home)."""
    return "es" if number % 4 == 2 else "en"


@dataclass(frozen=True)
class _Habits:
    """How one patient answers and when: drawn once, before their check-ins."""

    pool: list[list[tuple[int, ...]]]  # ways of answering, for every total (_answer_pool)
    usual_minute: int  # the local minute they tend to check in at
    reminder_minute: int
    difficulty_rate: float  # how often they answer the difficulty item
    session_minute: dict[int, int]  # each session's local minute, by day


def _habits(rng: random.Random, session_days: list[int]) -> _Habits:
    pool = _answer_pool(rng)
    usual_minute = rng.choice((8 * 60, 12 * 60 + 30, 19 * 60, 20 * 60, 21 * 60 + 30))
    reminder_minute = usual_minute if rng.random() < 0.7 else 20 * 60
    difficulty_rate = rng.choice((0.0, 0.5, 0.9))
    session_minute = {d: rng.choice((9, 10, 11, 13, 14)) * 60 + rng.choice((0, 30)) for d in session_days}
    return _Habits(pool, usual_minute, reminder_minute, difficulty_rate, session_minute)


def _render(
    number: int, name: str, archetype: Archetype, plan: Plan, p: Profile, rng: random.Random
) -> DemoPatient:
    """The plan drawn as a patient's check-ins and sessions.

    Every draw from ``rng`` keeps its order (habits, check-ins, sessions, then the
    time zone and the enrolment day): the same seed gives the same histories.
    """
    completed = sorted(d for c in plan.courses for d in c.sessions)
    planned = sorted(d for c in plan.courses for d in c.planned)
    habits = _habits(rng, completed + planned)
    entries = _entries(plan, p, habits, set(completed), rng)
    sessions = _sessions(plan, p, habits.session_minute, rng)
    first_day = min([plan.first_log] + completed)
    return DemoPatient(
        number=number,
        archetype=archetype.name,
        name=name,
        timezone=rng.choice(TIMEZONES),
        reminder_minute=habits.reminder_minute,
        enrolled_day=first_day - rng.randint(0, 2),
        entries=tuple(entries),
        sessions=tuple(sessions),
        intake_baseline=plan.intake_baseline,
        language=demo_language(number),
        expected_status=archetype.status,
        expected_flags=archetype.flags,
    )


def _entries(
    plan: Plan, p: Profile, habits: _Habits, session_days: set[int], rng: random.Random
) -> list[DemoEntry]:
    """A check-in on each logged day: the day's level plus autocorrelated noise."""
    levels = _levels(plan)
    entries, noise = [], 0.0
    for day in _logged_days(plan, rng, p.skip, session_days):
        level, phase = levels[day]
        noise = 0.4 * noise + rng.gauss(0, p.noise)
        total = min(21, max(0, round(level + noise)))
        entries.append(_entry(day, total, phase, habits, session_days, rng))
    return entries


def _entry(
    day: int, total: int, phase: str, habits: _Habits, session_days: set[int], rng: random.Random
) -> DemoEntry:
    minute = min(23 * 60 + 50, max(6 * 60, habits.usual_minute + rng.randint(-50, 50)))
    if day in session_days:  # the evening after the infusion
        minute = max(minute, habits.session_minute[day] + 5 * 60)
    effects = _entry_side_effects(day, session_days, rng)
    note = _entry_note(day, phase, session_days, rng)
    if rng.random() < 0.01:
        effects = tuple(sorted(set(effects) | {"other"}))
        note = note or "Other: a strange taste in my mouth."
    difficulty = None
    if rng.random() < habits.difficulty_rate:
        difficulty = min(3, max(0, round(total / 6 + rng.gauss(0, 0.5))))
    return DemoEntry(day, minute, rng.choice(habits.pool[total]), total, difficulty, note, effects)


def _entry_side_effects(day: int, session_days: set[int], rng: random.Random) -> tuple[str, ...]:
    if day in session_days:
        if rng.random() < 0.8:
            return tuple(sorted(rng.sample(_SESSION_DAY_EFFECTS, rng.randint(1, 2))))
        return ()
    if day - 1 in session_days and rng.random() < 0.3:
        return (rng.choice(_NEXT_DAY_EFFECTS),)
    return ()


def _entry_note(day: int, phase: str, session_days: set[int], rng: random.Random) -> str | None:
    if day in session_days and rng.random() < 0.5:
        return rng.choice(_NOTES["session"])
    if rng.random() < 0.09:
        return rng.choice(_NOTES[phase if phase in _NOTES else "relief"])
    return None


def _sessions(
    plan: Plan, p: Profile, session_minute: dict[int, int], rng: random.Random
) -> list[DemoSession]:
    """Every course's sessions, completed and planned, in order, labelled as a clinic would."""
    sessions = []
    for course in plan.courses:
        total = course.total_sessions or len(course.sessions) + len(course.planned)
        days = sorted(course.sessions + course.planned)
        for status, group in ((COMPLETED, course.sessions), (PLANNED, course.planned)):
            for day in group:
                label = _session_label(days.index(day) + 1, total, induction=plan.courses[0] is course)
                effects = ()
                if status == COMPLETED and rng.random() < 0.4:
                    effects = (rng.choice(_SESSION_EFFECTS),)
                sessions.append(
                    DemoSession(day, session_minute[day], status, p.route, float(p.dose), label, effects)
                )
    sessions.sort(key=lambda s: (s.day, s.minute))
    return sessions


def _session_label(position: int, total: int, *, induction: bool) -> str:
    if total <= 1:
        return "Maintenance session"
    return f"{'Induction' if induction else 'Booster'} {position} of {total}"


def patient_name(number: int, seed: int = 0) -> str:
    """A made-up name, different for each of the first 900 patients of a clinic."""
    rng = random.Random(f"afterglow-demo-names:{seed}")
    first, last = list(_FIRST_NAMES), list(_LAST_NAMES)
    rng.shuffle(first)
    rng.shuffle(last)
    index = number - 1
    return f"{first[index % len(first)]} {last[(index + index // len(first)) % len(last)]}"


# ------------------------------------------------------------------ checking


#: An arbitrary "today" for checks: the rules only ever compare days with each other.
_CHECK_TODAY = date(2026, 1, 1)


def outcome(patient: DemoPatient, today: date = _CHECK_TODAY) -> tuple[str, frozenset[str], frozenset[str]]:
    """What the relief engine makes of the history: (status today, flags open today,
    flag kinds raised in earlier cycles). Open means raised in the current cycle
    (a data gap: not yet ended by a later check-in)."""
    scores = patient.scores(today)
    completed = patient.session_dates(today, COMPLETED)
    planned = patient.session_dates(today, PLANNED)
    kwargs = {"intake_baseline": patient.intake_baseline, "planned": planned}
    events = relief.replay(scores, completed, today, **kwargs)
    status = relief.assess(scores, completed, today, **kwargs).status
    current_cycle = _current_cycle(completed, today)
    last_score = max(scores) if scores else None
    open_flags, earlier = set(), set()
    for event in events:
        if event.kind not in relief.FLAG_KINDS:
            continue
        current = event.details["cycle_start"] == current_cycle
        if event.kind == relief.DATA_GAP:
            if current and (last_score is None or event.day > last_score):
                open_flags.add(event.kind)
            elif not current:
                earlier.add(event.kind)
        elif current:
            open_flags.add(event.kind)
        else:
            earlier.add(event.kind)
    return status, frozenset(open_flags), frozenset(earlier)


def _current_cycle(completed: list[date], today: date) -> str | None:
    """The first session of the latest course, as the engine dates a cycle."""
    start = relief.course_start(completed, today, relief.DEFAULT_PARAMS.course_gap_days)
    return None if start is None else start.isoformat()


def _as_designed(patient: DemoPatient, archetype: Archetype) -> bool:
    status, open_flags, earlier = outcome(patient)
    if status != archetype.status:
        return False
    if not archetype.flags <= open_flags <= archetype.flags | archetype.also:
        return False
    # Earlier cycles may have worn off, been forecast or gone quiet, as lives do;
    # an alarm or a failed course there would tell a story the archetype does not.
    return not earlier & {relief.URGENT, relief.NON_RESPONSE}


# ------------------------------------------------------------------ public


MAX_DRAWS = 40


def archetype_for(number: int) -> Archetype:
    """The archetype of the demo patient ``number`` (1-based): one of each, then round again."""
    return ARCHETYPES[(number - 1) % len(ARCHETYPES)]


def demo_patient(number: int, *, days: int, seed: int = 0) -> DemoPatient:
    """Demo patient ``number``'s history, reaching at most ``days`` days back.

    Drawn again (with the next seed) until the relief engine sees the archetype
    in it; after ``MAX_DRAWS`` the last draw is kept as it is (with parameters
    where an archetype cannot fit, such as very few ``days``).
    """
    archetype = archetype_for(number)
    name = patient_name(number, seed)
    patient = None
    for draw in range(MAX_DRAWS):
        rng = random.Random(f"afterglow-demo:{seed}:{number}:{draw}")
        plan, profile = draw_plan(archetype, rng, days)
        patient = _render(number, name, archetype, plan, profile, rng)
        if _as_designed(patient, archetype):
            return patient
    status, open_flags, _ = outcome(patient)
    return _replace_expectations(patient, status, open_flags)


def _replace_expectations(patient: DemoPatient, status: str, flags: frozenset[str]) -> DemoPatient:
    return replace(patient, expected_status=status, expected_flags=flags)


def clinic(count: int, *, days: int, seed: int = 0):
    """The demo clinic's patients, one by one (a generator, so a caller can show progress)."""
    for number in range(1, count + 1):
        yield demo_patient(number, days=days, seed=seed)


__all__ = [
    "ARCHETYPES",
    "ARCHETYPE_BY_NAME",
    "Archetype",
    "DemoEntry",
    "DemoPatient",
    "DemoSession",
    "archetype_for",
    "clinic",
    "demo_patient",
    "outcome",
]
