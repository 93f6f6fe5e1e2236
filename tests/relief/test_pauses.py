"""Pauses of reminders in the History: a paused day is no silence, so no data_gap in a pause.

The rule sets share the data_gap rule (rules/data_gap.py), so each test runs under v1 and v2.
"""

from datetime import date, timedelta

import pytest

from diary import relief

D0 = date(2026, 1, 1)
BASELINE = {D0 + timedelta(days=i - 7): v for i, v in enumerate((16, 15, 17, 16, 16, 15, 17))}
RELIEF = {D0 + timedelta(days=i): 5 for i in range(1, 4)}  # then silence from day 4
RULES = [relief.ReliefParams(rules="v1"), relief.ReliefParams(rules="v2")]


def day(offset):
    return D0 + timedelta(days=offset)


def gaps(until, params, **inputs):
    events = relief.replay({**BASELINE, **RELIEF}, [D0], day(until), params=params, **inputs)
    return [((e.day - D0).days, e.details["since"]) for e in events if e.kind == "data_gap"]


@pytest.mark.parametrize("params", RULES, ids=lambda p: p.rules)
def test_a_silence_raises_data_gap_without_a_pause(params):
    # the last score on day 3, data_gap_days (4) later: day 7, and again each silence
    assert gaps(12, params)[0] == (7, day(3).isoformat())


@pytest.mark.parametrize("params", RULES, ids=lambda p: p.rules)
def test_no_data_gap_while_paused(params):
    assert gaps(20, params, paused=[(day(4), day(20))]) == []


@pytest.mark.parametrize("params", RULES, ids=lambda p: p.rules)
def test_the_silence_counts_from_the_pause_s_last_day(params):
    # paused days 4..10: the silence starts again after day 10, the gap comes on day 14
    assert gaps(20, params, paused=[(day(4), day(10))])[0] == (14, day(10).isoformat())


@pytest.mark.parametrize("params", RULES, ids=lambda p: p.rules)
def test_an_empty_pause_list_changes_nothing(params):
    assert gaps(30, params, paused=[]) == gaps(30, params)


def test_a_pause_invalidates_a_checkpoint_taken_without_it():
    params = RULES[1]
    scores = {**BASELINE, **RELIEF}
    sessions = [D0, day(30)]
    first = relief.evaluate_from(None, scores, sessions, day(40), params=params)
    assert first.checkpoint is not None
    paused = relief.History.of(scores, sessions, paused=[(day(4), day(29))])
    resumed = relief.evaluate_from(first.checkpoint, paused, day(40), params=params)
    fresh = relief.evaluate_from(None, paused, day(40), params=params)
    assert [e for e in resumed.events if e.kind == "data_gap"] == [
        e for e in fresh.events if e.kind == "data_gap"
    ]
    assert not [e for e in fresh.events if e.kind == "data_gap" and e.day < day(30)]
