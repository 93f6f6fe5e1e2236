"""The relief engine gives what the engine before the rules were split gave, bit for bit (issue 22).

``legacy_replay`` is that engine, kept as the oracle (its docstring says when
to delete both). Random histories, shaped like treated patients (cycles of
relief that wear off, induction courses, silences, severe days, bookings,
standard check-ins, clinic or own prior durations) or plain noise, under both
rule sets and a few moved parameters: the events, the assessment and the
checkpoint must be equal, from a full walk and resumed from a checkpoint.

The default run draws 200 histories. The refactoring was proved with 2,000:

    RELIEF_EQUIVALENCE_PROFILE=relief-equivalence-full \\
        .venv/bin/python -m pytest -q tests/relief/test_equivalence.py
"""

import os
import random
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary import relief
from diary.relief import ReliefParams
from tests.relief import legacy_replay as legacy

settings.register_profile(
    "relief-equivalence",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "relief-equivalence-full", parent=settings.get_profile("relief-equivalence"), max_examples=2000
)
PROFILE = settings.get_profile(os.environ.get("RELIEF_EQUIVALENCE_PROFILE", "relief-equivalence"))

D0 = date(2026, 1, 1)
PARAMS = [
    ReliefParams(),
    ReliefParams(rules="v1"),
    ReliefParams(plan_probability=0.5, nadir_scores=3, cusum_limit=2.5),
    ReliefParams(rules="v1", suggest_days_before=6, smoothing_scores=4),
    ReliefParams(course_gap_days=5, data_gap_days=3, prior_min_durations=3),
    ReliefParams(rules="v1", km_min_cycles=2, history_durations=3, trend_min_scores=3),
]


def day(k):
    return D0 + timedelta(days=k)


def shaped(rnd):
    """A treated patient: a baseline week, then cycles of relief that return (or do not)."""
    baseline = rnd.uniform(8, 21)
    noise = rnd.choice((0, 0.5, 1, 2, 3))
    missing = rnd.choice((0, 0.1, 0.3, 0.6))
    scores, sessions, t = {}, [], 0
    for k in range(-rnd.randint(0, 12), 0):
        scores[k] = baseline + rnd.gauss(0, noise)
    for _ in range(rnd.randint(1, 6)):
        course = [t] if rnd.random() < 0.6 else [t + 2 * i for i in range(rnd.randint(2, 5))]
        sessions += course
        last = course[-1]
        nadir = baseline * (rnd.uniform(0.2, 0.7) if rnd.random() < 0.85 else rnd.uniform(0.85, 1.0))
        duration = rnd.randint(4, 40)
        rise = rnd.randint(1, 8)
        end = last + duration + rnd.randint(-6, 10)  # the next session: before or after the wear-off
        for d in range(t + 1, max(end, last + 2)):
            x = d - last - duration
            level = nadir + (baseline - nadir) * min(max(x / rise, 0), 1) if d > last else nadir
            scores[d] = level + rnd.gauss(0, noise)
        if rnd.random() < 0.3:  # a silence
            gap = rnd.randint(last + 1, max(end, last + 2))
            for d in range(gap, gap + rnd.randint(3, 9)):
                scores.pop(d, None)
        if rnd.random() < 0.2:  # severe days
            for d in rnd.sample(range(t + 1, max(end, last + 2)), 2) if end > t + 3 else ():
                scores[d] = rnd.choice((15, 17, 21))
        t = max(end, last + 1)
    scores = {k: v for k, v in scores.items() if rnd.random() >= missing}
    return scores, sessions, t


def noise(rnd):
    scores = {k: rnd.randint(0, 21) for k in range(-10, 130) if rnd.random() < 0.7}
    return scores, [rnd.randint(0, 110) for _ in range(rnd.randint(1, 8))], 120


@st.composite
def histories(draw):
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    params = draw(st.sampled_from(PARAMS))
    scores, sessions, end = shaped(rnd) if draw(st.booleans()) else noise(rnd)
    style = rnd.choice(("int", "int", "float", "half"))

    def value(v):
        v = min(max(v, 0), 21)
        return round(v) if style == "int" else (round(v * 2) / 2 if style == "half" else v)

    data = {
        "scores": {day(k): value(v) for k, v in scores.items()},
        "sessions": [day(k) for k in sessions],
        "planned": [day(rnd.randint(0, end + 10)) for _ in range(rnd.choice((0, 0, 1, 3)))],
        "other_check_ins": [day(rnd.randint(-5, end + 5)) for _ in range(rnd.choice((0, 0, 2, 6)))],
        "intake_baseline": rnd.choice((None, None, rnd.randint(5, 21), rnd.uniform(5, 21))),
    }
    if rnd.random() < 0.1:
        data["scores"][day(rnd.randint(0, end))] = None
    durations = [rnd.choice((rnd.randint(3, 40), rnd.uniform(3, 40))) for _ in range(rnd.choice((0, 2, 6)))]
    if params.rules == "v2" and rnd.random() < 0.4:
        data["prior_durations"] = {"single": durations, "course": durations[::-1] + [12]}
    else:
        data["prior_durations"] = durations
    # now and then before the first session (no treatment yet)
    until = day(end + rnd.randint(-10, 25) if rnd.random() > 0.05 else rnd.randint(-8, 0))
    return params, data, until


def both(function, *args, **kwargs):
    return getattr(relief, function)(*args, **kwargs), getattr(legacy, function)(*args, **kwargs)


@PROFILE
@given(histories(), st.integers(0, 40))
def test_the_rules_give_what_the_engine_before_them_gave(history, earlier):
    params, data, until = history
    events, old = both(
        "replay", data["scores"], data["sessions"], until, params=params, **data_but_lists(data)
    )
    assert events == old
    new, old = both("assess", data["scores"], data["sessions"], until, params=params, **data_but_lists(data))
    assert new == old and new.forecast == old.forecast
    # one History, read once, serves any day
    history = relief.History.of(data["scores"], data["sessions"], **data_but_lists(data))
    assert relief.evaluate(history, until, params=params) == (events, new)
    earlier_day = until - timedelta(days=earlier)
    assert relief.replay(history, earlier_day, params=params) == legacy.replay(
        data["scores"], data["sessions"], earlier_day, params=params, **data_but_lists(data)
    )
    # a checkpoint taken on an earlier day, handed back to both: resumed, or walked again
    cut = until - timedelta(days=earlier)
    taken = relief.evaluate_from(
        None, data["scores"], data["sessions"], cut, params=params, **data_but_lists(data)
    )
    assert taken == legacy.evaluate_from(
        None, data["scores"], data["sessions"], cut, params=params, **data_but_lists(data)
    )
    for checkpoint in (None, taken.checkpoint):
        new, old = both(
            "evaluate_from",
            checkpoint,
            data["scores"],
            data["sessions"],
            until,
            params=params,
            **data_but_lists(data),
        )
        assert new == old and new.assessment.forecast == old.assessment.forecast


def data_but_lists(data):
    return {k: v for k, v in data.items() if k not in ("scores", "sessions")}
