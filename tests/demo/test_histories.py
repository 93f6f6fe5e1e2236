"""The demo histories (diary/demo/histories.py), checked against the relief engine directly."""

from collections import Counter
from datetime import date
from itertools import pairwise

import pytest

from diary import relief
from diary.checkins.models import SIDE_EFFECTS
from diary.demo import histories
from diary.treatments.models import ROUTES

TODAY = date(2026, 3, 29)  # a DST weekend somewhere: the rules only count days


@pytest.fixture(scope="module")
def first_round():
    return list(histories.clinic(len(histories.ARCHETYPES), days=180))


def test_the_first_twelve_are_one_of_each_archetype(first_round):
    assert [p.archetype for p in first_round] == [a.name for a in histories.ARCHETYPES]
    assert len({p.name for p in first_round}) == len(first_round)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_archetype_comes_out_as_designed(seed):
    for patient in histories.clinic(len(histories.ARCHETYPES), days=180, seed=seed):
        archetype = histories.ARCHETYPE_BY_NAME[patient.archetype]
        status, open_flags, earlier = histories.outcome(patient, TODAY)
        assert status == archetype.status, patient.archetype
        assert archetype.flags <= open_flags <= archetype.flags | archetype.also, patient.archetype
        assert not earlier & {relief.URGENT, relief.NON_RESPONSE}, patient.archetype


def test_together_they_show_every_status_and_flag(first_round):
    statuses, flags = set(), set()
    for patient in first_round:
        status, open_flags, _ = histories.outcome(patient, TODAY)
        statuses.add(status)
        flags |= open_flags
    assert statuses == set(relief.STATUSES)
    assert flags == set(relief.FLAG_KINDS)


def test_histories_are_deterministic_for_a_seed():
    assert histories.demo_patient(8, days=120, seed=5) == histories.demo_patient(8, days=120, seed=5)
    assert histories.demo_patient(8, days=120, seed=5) != histories.demo_patient(8, days=120, seed=6)


@pytest.mark.parametrize("days", [30, 60, 180, 365])
def test_histories_are_plausible(days):
    for patient in histories.clinic(30, days=days, seed=1):
        logged = [e.day for e in patient.entries]
        assert logged == sorted(set(logged)), "one check-in a day, in order"
        assert all(-days < day <= 0 for day in logged)
        for entry in patient.entries:
            assert len(entry.answers) == 7 and all(0 <= a <= 3 for a in entry.answers)
            assert entry.total == sum(entry.answers)
            assert entry.difficulty in (None, 0, 1, 2, 3)
            assert set(entry.side_effects) <= set(SIDE_EFFECTS) and len(set(entry.side_effects)) == len(
                entry.side_effects
            )
            assert entry.note is None or len(entry.note) <= 2000
            assert 0 <= entry.minute < 24 * 60
        completed = [s.day for s in patient.sessions if s.status == histories.COMPLETED]
        planned = [s.day for s in patient.sessions if s.status == histories.PLANNED]
        assert all(day < 0 for day in completed), "completed sessions are in the past"
        assert all(day > 0 for day in planned), "planned sessions are in the future"
        assert all(s.route in ROUTES and 0 < s.dose_mg <= 1000 for s in patient.sessions)
        assert patient.enrolled_day <= min(logged + completed)


def test_an_induction_is_four_to_six_sessions_less_than_a_week_apart(first_round):
    patient = next(p for p in first_round if p.archetype == "wearing_off")
    sessions = [s.day for s in patient.sessions if s.status == histories.COMPLETED]
    assert 4 <= len(sessions) <= 6
    assert all(0 < b - a < 7 for a, b in pairwise(sessions))
    assert 9 <= sessions[-1] - sessions[0] <= 21  # two to three weeks


def test_long_histories_have_maintenance_cycles_that_wore_off(first_round):
    patient = next(p for p in first_round if p.archetype == "due_for_maintenance")
    events = relief.replay(patient.scores(TODAY), patient.session_dates(TODAY), TODAY)
    counts = Counter(e.kind for e in events)
    assert counts[relief.WEARING_OFF] >= 2
    forecast = [e for e in events if e.kind == relief.PLAN_MAINTENANCE][-1]
    assert forecast.details["basis"] == relief.HISTORY


def test_larger_clinics_cycle_through_the_archetypes():
    names = [histories.archetype_for(n).name for n in range(1, 37)]
    assert Counter(names) == {a.name: 3 for a in histories.ARCHETYPES}
    varied = [histories.demo_patient(n, days=180) for n in (4, 16, 28)]
    assert len({(p.name, p.timezone, len(p.entries)) for p in varied}) == 3
