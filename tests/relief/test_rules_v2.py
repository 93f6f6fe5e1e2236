"""The relief engine's default rules (v2, docs/relief.md): CUSUM wear-off, the predictive forecast.

Day 0 is 2026-01-01; helpers speak in day offsets.
"""

import dataclasses
import json
import math
import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary import relief
from diary.relief import (
    HISTORY,
    PRIOR,
    TREND,
    ReliefParams,
    assess,
    evaluate,
    parse_relief_params,
    replay,
)
from diary.relief.forecast import cycle_forecast, duration_prior
from tests.conftest import examples

D0 = date(2026, 1, 1)
V2 = ReliefParams()


def day(offset):
    return D0 + timedelta(days=offset)


def offset(d):
    return (d - D0).days


def kinds(events, kind=None):
    return [(offset(e.day), e.kind) for e in events if kind is None or e.kind == kind]


WORKED = {
    day(i): v
    for i, v in zip(
        range(-7, 21),
        [16, 15, 17, 16, 16, 15, 17, 99, 9, 6, 5, 5, 4, 5, 5, 6, 5, 5, 6, 7, 8, 9, 10, 11, 12, 12, 13, 14],
        strict=True,
    )
}


def cycles(durations, *, baseline=16, nadir=5, rise_days=4, gap=3, seed=1):
    """A patient with a session at day 0 and then one ``gap`` days after each wear-off
    but the last: the sessions, and scores up to ``gap`` days after the last wear-off."""
    rnd = random.Random(seed)
    scores, sessions, start = {}, [0], 0
    for i in range(-7, 0):
        scores[day(i)] = baseline + rnd.choice((-1, 0, 1))
    for duration in durations:
        plateau = duration - rise_days // 2
        for t in range(start + 1, start + duration + gap):
            k = t - start
            level = (
                nadir
                if k <= plateau
                else min(baseline, nadir + (baseline - nadir) * (k - plateau) / rise_days)
            )
            scores[day(t)] = round(level + rnd.choice((-1, 0, 0, 1)))
        start += duration + gap
        sessions.append(start)
    return scores, sessions[:-1]


def test_v2_is_the_default_and_v1_stays_selectable():
    assert ReliefParams().rules == "v2"
    assert parse_relief_params("rules=v1").rules == "v1"
    assert parse_relief_params({"RULES": "V1", "mcid": "5"}) == ReliefParams(rules="v1", mcid=5)
    with pytest.raises(ValueError):
        parse_relief_params("rules=v3")
    for text in ("plan_probability=1", "suggest_quantile=0", "cycle_sd=0", "nadir_scores=0"):
        with pytest.raises(ValueError):
            parse_relief_params(text)


def test_the_worked_example_wears_off_no_later_than_under_v1():
    v1 = kinds(replay(WORKED, [day(0)], day(20), params=ReliefParams(rules="v1")), "wearing_off")
    v2 = replay(WORKED, [day(0)], day(20))
    (first,) = [e for e in v2 if e.kind == "wearing_off"]
    assert v1 == [(18, "wearing_off")]
    assert 15 <= offset(first.day) <= 18
    # the run of the sum began when the scores came near W: the duration the forecast learns
    assert first.details["estimated_duration"] <= first.details["duration"]
    assert first.details["threshold"] == first.details["nadir"] + max(4, (16 - first.details["nadir"]) / 2)


def test_one_high_score_is_not_a_wear_off():
    scores = dict(WORKED)
    for i in range(12, 30):
        scores[day(i)] = 5
    scores[day(14)] = 21
    assert kinds(replay(scores, [day(0)], day(29)), "wearing_off") == []


def test_the_forecast_learns_the_patients_durations_and_flags_ahead():
    scores, sessions = cycles([20, 21, 19, 20, 22])
    last = sessions[-1]
    events = replay(scores, [day(s) for s in sessions], day(last + 30))
    plans = [e for e in events if e.kind == "plan_maintenance" and offset(e.day) > last]
    (plan,) = plans
    wear_off = [e for e in events if e.kind == "wearing_off" and offset(e.day) > last]
    assert offset(plan.day) < offset(wear_off[0].day)
    details = plan.details
    assert details["basis"] in (HISTORY, TREND)
    low, high = (offset(date.fromisoformat(d)) for d in details["interval_80"])
    predicted = offset(date.fromisoformat(details["predicted_wear_off_date"]))
    suggested = offset(date.fromisoformat(details["suggested_session_by"]))
    assert low <= suggested <= predicted <= high
    assert 15 <= predicted - last <= 25
    assert "lasted" in details["why"] and details["sources"][0] == "own_cycles"
    assert details["probability_within_lead"] >= V2.plan_probability


def test_flat_scores_move_the_forecast_later_and_a_rise_moves_it_earlier():
    prior = duration_prior([(20, True), (20, True), (20, True)], (), 18, V2)
    flat = [(k, 5 + (k % 2)) for k in range(2, 19)]
    rising = flat[:-4] + [(15, 7), (16, 8), (17, 10), (18, 11)]
    none = cycle_forecast(prior, [], 18, 5, 10.5, 1.0, V2)
    calm = cycle_forecast(prior, flat, 18, 5, 10.5, 1.0, V2)
    rise = cycle_forecast(prior, rising, 18, 5, 10.5, 1.0, V2)
    assert calm.median > none.median  # 18 flat days: not before day 19
    assert calm.rise < 0.5 < rise.rise
    assert rise.median < calm.median and rise.within_lead > calm.within_lead
    assert rise.low <= rise.suggested <= rise.median <= rise.high


def test_censored_cycles_say_at_least():
    observed = duration_prior([(14, True), (15, True)], (), 18, V2)
    with_censored = duration_prior([(14, True), (15, True), (22, False), (24, False)], (), 18, V2)
    assert with_censored.log_median > observed.log_median
    assert with_censored.censored == (22, 24) and with_censored.observed == (14, 15)


def test_recent_cycles_weigh_more():
    lengthening = duration_prior([(10, True)] * 3 + [(25, True)] * 3, (), 18, V2)
    shortening = duration_prior([(25, True)] * 3 + [(10, True)] * 3, (), 18, V2)
    assert lengthening.log_median > math.log(16) > shortening.log_median


def test_the_clinic_prior_stands_in_without_history_and_is_never_flagged():
    clinic = [30.0] * 20
    assessment = assess(WORKED, [day(0)], day(8), prior_durations=clinic)
    assert assessment.prediction_basis == PRIOR
    assert assessment.forecast["sources"][:1] == ["clinic"]
    without = assess(WORKED, [day(0)], day(8))
    assert assessment.predicted_wear_off_date > without.predicted_wear_off_date
    # flat scores and a prior only: no flag; once the scores rise, the trend can flag
    assert kinds(replay(WORKED, [day(0)], day(12), prior_durations=clinic), "plan_maintenance") == []
    plans = [
        e for e in replay(WORKED, [day(0)], day(20), prior_durations=clinic) if e.kind == "plan_maintenance"
    ]
    assert [e.details["basis"] for e in plans] in ([], [TREND])


def test_each_cycle_takes_the_clinic_prior_of_its_own_kind_of_course():
    """A single session's cycle takes the clinic's single-session durations, a course's
    cycle the course durations, within one history (not the current course's kind for all)."""
    single, course = [30.0] * 20, [8.0] * 20
    by_kind = {"single": single, "course": course}
    history = {**WORKED, **{day(i): 9 for i in range(41, 49)}}
    first_cycle = assess(history, [day(0)], day(8), prior_durations=by_kind)
    assert first_cycle.forecast == assess(history, [day(0)], day(8), prior_durations=single).forecast
    sessions = [day(0), day(36), day(39)]  # then a course of two sessions
    in_the_course = assess(history, sessions, day(47), prior_durations=by_kind)
    assert in_the_course.forecast == assess(history, sessions, day(47), prior_durations=course).forecast
    assert in_the_course.forecast != assess(history, sessions, day(47), prior_durations=single).forecast
    # the first cycle's events, replayed within the whole history, are those of its own kind's prior
    whole = replay(history, sessions, day(47), prior_durations=by_kind)
    alone = replay(history, [day(0)], day(35), prior_durations=single)
    assert [e for e in whole if e.day < day(36)] == alone


def test_prior_durations_by_an_unknown_kind_or_for_v1_are_refused():
    with pytest.raises(ValueError, match="unknown kinds"):
        assess(WORKED, [day(0)], day(8), prior_durations={"single": [10.0], "weekly": [5.0]})
    with pytest.raises(ValueError, match="one list"):
        assess(WORKED, [day(0)], day(8), params=ReliefParams(rules="v1"), prior_durations={"single": [10.0]})


def test_a_session_booked_by_the_suggested_day_holds_the_flag_back_and_a_later_one_does_not():
    """The one rule (Run.booked): a booking from the day to its suggested day answers the flag;
    one after the suggested day (though before the predicted wear-off) does not."""
    scores, sessions = cycles([20, 21, 19, 20, 22])
    last = sessions[-1]
    until = day(last + 30)
    free = [
        e
        for e in replay(scores, [day(s) for s in sessions], until)
        if e.kind == "plan_maintenance" and offset(e.day) > last
    ]
    suggested = date.fromisoformat(free[0].details["suggested_session_by"])
    predicted = date.fromisoformat(free[0].details["predicted_wear_off_date"])
    assert free[0].day < suggested < predicted - timedelta(days=1)
    booked = replay(scores, [day(s) for s in sessions], until, planned=[suggested])
    held = [e for e in booked if e.kind == "plan_maintenance" and offset(e.day) > last]
    # held back while the booking is ahead; a booked day that passes without a session holds nothing
    assert all(e.day > free[0].day for e in held)
    late = replay(scores, [day(s) for s in sessions], until, planned=[predicted - timedelta(days=1)])
    assert [e for e in late if e.kind == "plan_maintenance" and offset(e.day) > last] == free


def test_assessment_carries_the_forecast_and_matches_evaluate():
    scores, sessions = cycles([20, 21, 19, 20])
    today = day(sessions[-1] + 10)
    events, assessment = evaluate(scores, [day(s) for s in sessions], today)
    assert [e for e in events if e.kind != "plan_maintenance"] == [
        e for e in replay(scores, [day(s) for s in sessions], today) if e.kind != "plan_maintenance"
    ]
    assert assessment == assess(scores, [day(s) for s in sessions], today)
    assert assessment.status == "relief" and assessment.prediction_basis == HISTORY
    forecast = assessment.forecast
    assert forecast["predicted_wear_off_date"] == assessment.predicted_wear_off_date.isoformat()
    assert forecast["suggested_session_by"] == assessment.suggested_session_by.isoformat()
    assert "forecast" not in assessment.as_dict()  # the contract's shape is unchanged


histories = st.fixed_dictionaries(
    {
        "scores": st.dictionaries(st.integers(-10, 120), st.integers(0, 21), max_size=130),
        "sessions": st.lists(st.integers(0, 110), min_size=1, max_size=8),
    }
)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, st.integers(0, 120))
def test_events_up_to_a_day_use_only_data_up_to_that_day(history, cut):
    scores = {day(k): v for k, v in history["scores"].items()}
    sessions = [day(k) for k in history["sessions"]]
    # (but an urgent raised while waiting for the first session: the session takes it away)
    full = _treated(replay(scores, sessions, day(120)))
    early = [e for e in full if offset(e.day) <= cut]
    assert _treated(replay(scores, sessions, day(cut))) == early
    # whatever comes after the cut, the events up to it stay the same
    changed = {d: (21 - v if offset(d) > cut else v) for d, v in scores.items()}
    assert [e for e in _treated(replay(changed, sessions, day(120))) if offset(e.day) <= cut] == early


def _treated(events):
    return [e for e in events if not e.details.get("pre_treatment")]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories)
def test_the_same_input_gives_the_same_events(history):
    scores = {day(k): v for k, v in history["scores"].items()}
    sessions = [day(k) for k in history["sessions"]]
    first = replay(scores, sessions, day(120))
    again = replay(dict(reversed(list(scores.items()))), list(reversed(sessions)) + sessions[:1], day(120))
    assert first == again


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, histories, st.sampled_from([V2, ReliefParams(rules="v1")]))
def test_resuming_from_any_checkpoint_gives_what_a_full_replay_gives(before, after, params):
    """A checkpoint made from one history, handed back with another (a check-in, a backfill,
    an edit or anything else), never changes the result: it is used only where it still holds."""

    def evaluate(history, checkpoint):
        scores = {day(k): v for k, v in history["scores"].items()}
        sessions = [day(k) for k in history["sessions"]]
        return relief.evaluate_from(checkpoint, scores, sessions, day(120), params=params)

    checkpoint = evaluate(before, None).checkpoint
    # half the time the second history is the first with a little changed at its end
    if after["sessions"][0] % 2:
        after = {
            "scores": {**before["scores"], **{k: v for k, v in after["scores"].items() if k > 100}},
            "sessions": before["sessions"],
        }
    resumed = evaluate(after, checkpoint)
    assert resumed == evaluate(after, None)


def test_the_checkpoint_gives_what_a_full_replay_gives():
    rnd = random.Random(12)
    scores = {day(i): rnd.randint(2, 16) for i in range(-7, 400) if rnd.random() < 0.9}
    sessions = [day(s) for s in range(0, 380, 19)]
    for params in (V2, ReliefParams(rules="v1")):
        cold = relief.evaluate(scores, sessions, day(399), params=params)
        _, _, checkpoint = relief.evaluate_from(None, scores, sessions, day(399), params=params)
        assert checkpoint is not None and checkpoint.start == sessions[-1]
        stored = relief.Checkpoint.from_json(json.loads(json.dumps(checkpoint.as_json())))
        assert stored == checkpoint
        resumed = relief.evaluate_from(stored, scores, sessions, day(399), params=params)
        assert (resumed.events, resumed.assessment) == cold
        assert resumed.checkpoint is stored  # still valid: nothing to store again
        # a check-in today, a backfill inside the open cycle, a new session, an
        # edit of the past, a booking, a standard GAD-7 (no score) in the open
        # cycle or in a silence of the past: each gives what a full replay gives
        silent = [day(i) for i in range(0, 400) if day(i) not in scores]
        in_open, in_past = [d for d in silent if d > day(380)][:1], [d for d in silent if d < day(300)][-3:]
        for changed_scores, changed_sessions, planned, others in (
            ({**scores, day(399): 20}, sessions, (), ()),
            ({**scores, day(385): 0}, sessions, (), ()),
            ({**scores, day(399): 20}, [*sessions, day(398)], (), ()),
            ({**scores, day(100): 21}, sessions, (), ()),
            (scores, sessions[:-1], (), ()),
            (scores, sessions, (day(300),), ()),
            (scores, sessions, (), in_open),
            (scores, sessions, (), in_past),
        ):
            args = (changed_scores, changed_sessions, day(399))
            options = {"params": params, "planned": planned, "other_check_ins": others}
            warm = relief.evaluate_from(stored, *args, **options)
            assert (warm.events, warm.assessment) == relief.evaluate(*args, **options)
            again = relief.evaluate_from(warm.checkpoint, *args, **options)
            assert again.checkpoint == warm.checkpoint
        assert in_open and in_past
        moved = relief.evaluate_from(
            stored, scores, sessions, day(399), params=params, other_check_ins=in_past
        )
        assert moved.checkpoint.key != stored.key  # the past's silences depend on it


def test_another_check_in_ends_a_silence_and_is_no_score():
    """A standard GAD-7 on a silent day: the data gap counts from it, and no rule reads its total."""
    scores = {day(i): 12 for i in range(-7, 0)} | {day(1): 6, day(2): 5, day(3): 5}
    gaps = [e for e in relief.replay(scores, [day(0)], day(20)) if e.kind == "data_gap"]
    assert [(e.day, e.details["since"]) for e in gaps] == [(day(7), day(3).isoformat())]
    others = [day(5)]
    events = relief.replay(scores, [day(0)], day(20), other_check_ins=others)
    gaps = [e for e in events if e.kind == "data_gap"]
    assert [(e.day, e.details["since"], e.details["last_score_date"]) for e in gaps] == [
        (day(9), day(5).isoformat(), day(3).isoformat())
    ]
    assert relief.assess(scores, [day(0)], day(20), other_check_ins=others) == relief.assess(
        scores, [day(0)], day(20)
    )


def test_a_checkpoint_from_another_engine_or_garbage_is_not_used():
    scores = {day(i): 4 + (i % 19 > 12) * 10 for i in range(-7, 200)}
    sessions = [day(s) for s in range(0, 190, 19)]
    _, _, checkpoint = relief.evaluate_from(None, scores, sessions, day(199))
    # another key (made by an older engine, or for other data) with other contents
    stale = dataclasses.replace(checkpoint, key="0" * 40, events=(), durations=((99, True),))
    cold = relief.evaluate(scores, sessions, day(199))
    resumed = relief.evaluate_from(stale, scores, sessions, day(199))
    assert resumed[:2] == cold and resumed.checkpoint == checkpoint
    moved = dataclasses.replace(checkpoint, start=day(170))  # not a course's first session
    assert relief.evaluate_from(moved, scores, sessions, day(199))[:2] == cold
    for garbage in (None, {}, {"start": "x"}, [], {"start": "2026-01-01", "key": "k", "events": [[1]]}):
        assert relief.Checkpoint.from_json(garbage) is None


def test_evaluate_restates_the_open_plan_maintenance_with_the_days_forecast():
    """Issue 24: the flag follows the forecast (rules/plan_follow.py); replay keeps it as raised."""
    scores, sessions = cycles([20, 21, 19, 20, 22])
    last = sessions[-1]
    flat = {**scores, **{day(t): 5 for t in range(last + 1, last + 25)}}
    ses = [day(s) for s in sessions]
    [raised] = [
        e for e in replay(flat, ses, day(last + 24)) if e.kind == "plan_maintenance" and e.day > day(last)
    ]
    for today in (raised.day, day(last + 24)):
        events, assessment = evaluate(flat, ses, today)
        [plan] = [e for e in events if e.kind == "plan_maintenance" and e.day > day(last)]
        assert plan.day == raised.day  # raised when it was raised
        assert plan.details["predicted_wear_off_date"] == assessment.predicted_wear_off_date.isoformat()
        assert plan.details["suggested_session_by"] == assessment.suggested_session_by.isoformat()
        assert plan.details["forecast_on"] == today.isoformat()
        assert plan.details["raised_with"] == {
            "predicted_wear_off_date": raised.details["predicted_wear_off_date"],
            "suggested_session_by": raised.details["suggested_session_by"],
        }
    # flat scores moved the forecast later than it was on the day it was raised
    assert plan.details["suggested_session_by"] > raised.details["suggested_session_by"]
    # a booking on today's suggested day withdraws it; one the day after does not
    by = date.fromisoformat(plan.details["suggested_session_by"])
    booked, _ = evaluate(flat, ses, day(last + 24), planned=[by])
    assert not [e for e in booked if e.kind == "plan_maintenance" and e.day > day(last)]
    later, _ = evaluate(flat, ses, day(last + 24), planned=[by + timedelta(days=1)])
    assert [e for e in later if e.kind == "plan_maintenance" and e.day > day(last)]
