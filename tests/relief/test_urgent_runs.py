"""urgent per run (issue 25, docs/relief.md "urgent"), and where the baseline comes from: the pure engine."""

from datetime import date, timedelta

from diary.relief import assess, evaluate, evaluate_from, replay

D0 = date(2026, 1, 1)  # the session


def day(offset):
    return D0 + timedelta(days=offset)


def scores_of(start, values):
    return {day(start + i): v for i, v in enumerate(values) if v is not None}


BASELINE = scores_of(-7, [12] * 7)  # B = 12
# relief at 5, a severe run on days 10-12, calm, a second run on days 20-22
RUNS = {**BASELINE, **scores_of(1, [5] * 9 + [18, 18, 18] + [5] * 7 + [18, 18, 18] + [5] * 5)}


def urgents(events):
    return [e for e in events if e.kind == "urgent"]


def test_a_new_run_while_the_urgent_is_open_adds_to_it():
    events = urgents(replay(RUNS, [D0], day(27)))
    assert [(e.day, e.details["runs"]) for e in events] == [(day(11), 1), (day(21), 2)]
    first, added = events
    assert added.details["flag_raised_on"] == first.details["flag_raised_on"] == day(11).isoformat()
    assert added.details["latest_run_start"] == day(21).isoformat()
    assert first.details["returned"] is added.details["returned"] is None
    assert first.details["reasons"] == ["severe_scores", "worse_than_baseline"]


def test_a_new_run_after_the_acknowledgement_raises_a_new_urgent():
    events = urgents(replay(RUNS, [D0], day(27), urgent_acknowledged=[(day(11), day(14), day(11))]))
    assert [(e.day, e.details["returned"], e.details["flag_raised_on"]) for e in events] == [
        (day(11), None, day(11).isoformat()),
        (day(21), "new_run", day(21).isoformat()),
    ]


def test_a_run_the_flag_held_when_acknowledged_stays_in_it_and_a_backfilled_one_is_news():
    # run 2 (day 21) was in the flag when the care team acknowledged it on day 22: no new flag
    held = urgents(replay(RUNS, [D0], day(27), urgent_acknowledged=[(day(11), day(22), day(21))]))
    assert [(e.day, e.details["runs"], e.details["flag_raised_on"]) for e in held] == [
        (day(11), 1, day(11).isoformat()),
        (day(21), 2, day(11).isoformat()),
    ]
    # acknowledged on day 22 holding run 1 alone: run 2, logged later though dated before, is news
    news = urgents(replay(RUNS, [D0], day(27), urgent_acknowledged=[(day(11), day(22), day(11))]))
    assert [(e.day, e.details["returned"]) for e in news] == [(day(11), None), (day(21), "new_run")]


def test_one_calmer_day_does_not_end_a_run():
    scores = {**BASELINE, **scores_of(1, [5] * 9 + [18, 18, 14, 18, 18])}
    events = urgents(replay(scores, [D0], day(14), urgent_acknowledged=[(day(11), day(11), day(11))]))
    assert [e.day for e in events] == [day(11)]  # day 13 goes on with the run: nothing new


def test_a_run_still_going_7_days_after_its_acknowledgement_comes_back():
    scores = {**BASELINE, **scores_of(1, [5] * 9 + [18] * 20)}
    acks = [(day(11), day(12), day(11))]
    events = urgents(replay(scores, [D0], day(29), urgent_acknowledged=acks))
    assert [(e.day, e.details["returned"]) for e in events] == [(day(11), None), (day(19), "still_going")]
    # the new one acknowledged on day 20: again 7 days later
    events = urgents(replay(scores, [D0], day(29), urgent_acknowledged=[*acks, (day(19), day(20), day(19))]))
    assert [e.day for e in events] == [day(11), day(19), day(27)]


def test_before_the_first_session_severe_days_and_a_severe_standard_gad7_raise_urgent():
    [severe] = replay(scores_of(-5, [16, 8, 17]), [], day(-3))
    assert severe.details["reasons"] == ["pre_treatment_severe_scores"]
    assert severe.details["pre_treatment"] is True
    [standard] = replay({}, [], day(0), standard_scores={day(-1): 15})
    assert standard.details["reasons"] == ["standard_gad7_severe"]
    assert standard.details["standard_score"] == 15
    assert replay({}, [], day(0), standard_scores={day(-1): 14}) == []


def test_a_severe_standard_gad7_in_a_cycle_raises_urgent_and_a_milder_one_leaves_a_run_alone():
    relief = {**BASELINE, **scores_of(1, [5] * 12)}
    [event] = urgents(replay(relief, [D0], day(12), standard_scores={day(6): 16}))
    assert (event.day, event.details["reasons"]) == (day(6), ["standard_gad7_severe"])
    assert event.details["cycle_start"] == D0.isoformat()
    assert urgents(replay(relief, [D0], day(12), standard_scores={day(6): 14})) == []


def test_worse_than_baseline_alone_is_its_own_reason():
    mild = {**scores_of(-7, [5] * 7), **scores_of(1, [3] * 5 + [9, 9, 9])}
    [event] = urgents(replay(mild, [D0], day(8)))
    assert event.details["reasons"] == ["worse_than_baseline"]
    assert event.details["baseline_source"] == "daily_run_in"


def test_the_checkpoint_gives_what_a_whole_replay_gives():
    scores = {**RUNS, **scores_of(40, [5] * 5 + [19] * 4)}
    sessions = [D0, day(30), day(60)]
    inputs = {
        "standard_scores": {day(15): 17, day(45): 16},
        "urgent_acknowledged": [(day(11), day(14), day(11)), (day(45), day(48), day(45))],
    }
    events, _ = evaluate(scores, sessions, day(70), **inputs)
    first = evaluate_from(None, scores, sessions, day(70), **inputs)
    again = evaluate_from(first.checkpoint, scores, sessions, day(70), **inputs)
    assert first.events == again.events == events
    changed = {**inputs, "urgent_acknowledged": [(day(11), day(14), day(11))]}
    assert (
        evaluate_from(first.checkpoint, scores, sessions, day(70), **changed).events
        == (evaluate(scores, sessions, day(70), **changed)[0])
    )


def test_the_baseline_prefers_daily_scores_to_a_standard_gad7():
    after = scores_of(1, [5] * 5)
    run_in = assess({**BASELINE, **after}, [D0], day(5), standard_scores={day(-3): 20})
    assert (run_in.baseline, run_in.baseline_source) == (12, "daily_run_in")
    standard = assess(after, [D0], day(5), standard_scores={day(-3): 20})
    assert (standard.baseline, standard.baseline_source) == (20, "gad7")
    intake = assess(after, [D0], day(5), standard_scores={day(-3): 20}, intake_baseline=14)
    assert (intake.baseline, intake.baseline_source) == (14, "intake")
    # a later course: its own daily days before it win over the standard GAD-7
    later = {**after, **scores_of(20, [11, 11, 11]), **scores_of(24, [5, 5])}
    course = assess(later, [D0, day(23)], day(25), standard_scores={day(-3): 20})
    assert (course.baseline, course.baseline_source) == (11, "daily_before_course")
    waiting = assess({}, [], day(0), standard_scores={day(-3): 17})
    assert (waiting.baseline, waiting.baseline_source) == (17, "gad7")
