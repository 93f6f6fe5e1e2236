"""A patient's own dose never closes the care team's flags, and no flag row ever goes (issue 21).

Random histories (the care team's sessions, scores in runs of levels, days
missed) are evaluated; then the patient records doses of their own, some on
or about the days the care team's flags were raised (where a dose hides the
day's check-in and moves TL), some anywhere, and the patient is evaluated
again. Every flag row is still there, and every urgent or wearing_off that
was open or acknowledged still is, unless a newer cycle's flag of its kind
took over (superseded, and that one open).
"""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from diary.checkins.models import Entry
from diary.extensions import db
from diary.monitoring import evaluation as monitoring
from diary.monitoring.flags import TEAM_CLOSES
from diary.monitoring.models import RESOLVED, Flag
from diary.treatments.models import Treatment

from .conftest import Diary, answers_for

DAYS = 80  # the history's length, ending today

histories = st.fixed_dictionaries(
    {
        "baseline": st.integers(6, 16),
        "sessions": st.lists(st.integers(2, DAYS - 10), min_size=1, max_size=4, unique=True),  # days ago
        "runs": st.lists(st.tuples(st.integers(1, 12), st.integers(0, 21)), min_size=2, max_size=10),
        "missed": st.sets(st.integers(0, DAYS), max_size=12),  # days ago
        "acknowledge": st.booleans(),  # the care team acknowledges the open flags first
    }
)


def write(pat, history, today):
    """The history, in one transaction; returns the first session's day."""
    sessions = sorted(today - timedelta(days=ago) for ago in history["sessions"])
    levels = [level for length, level in history["runs"] for _ in range(length)]
    with pat.app.app_context():
        for n in range(7):  # the baseline week before the first session
            day = sessions[0] - timedelta(days=7 - n)
            db.session.add(entry(pat, day, history["baseline"]))
        day, n = sessions[0] + timedelta(days=1), 0
        while day <= today:
            if (today - day).days not in history["missed"] and day not in sessions:
                db.session.add(entry(pat, day, levels[n % len(levels)], hour=8))
            day, n = day + timedelta(days=1), n + 1
        for day in sessions:
            db.session.add(session(pat, day, by="provider", hour=10))
        db.session.commit()


def entry(pat, day, total, hour=12):
    return Entry(
        patient_id=pat.id,
        recorded_at=pat.at(day, hour),
        local_date=day,
        instrument="daily",
        answers=answers_for(total),
        side_effects=[],
    )


def session(pat, day, *, by, hour):
    return Treatment(
        patient_id=pat.id,
        status="completed",
        starts_at=pat.at(day, hour),
        local_date=day,
        route="iv" if by == "provider" else "intranasal",
        recorded_by_role=by,
        side_effects=[],
    )


def evaluate(pat, now):
    """Refreshes the patient as of ``now``; returns their flags by id."""
    with pat.app.app_context():
        monitoring.refresh_patient(pat.patient(), now=now)
        db.session.commit()
        flags = db.session.scalars(select(Flag).where(Flag.patient_id == pat.id)).all()
        db.session.expunge_all()
        return {flag.id: flag for flag in flags}


def acknowledge(pat, now):
    with pat.app.app_context():
        for flag in db.session.scalars(select(Flag).where(Flag.patient_id == pat.id, Flag.status == "open")):
            flag.status, flag.acknowledged_at = "acknowledged", now
        db.session.commit()


def test_a_patients_own_doses_never_close_the_care_teams_flags(app, make_patient, provider):
    seen = {"team_flags": 0}

    @settings(
        max_examples=25,
        deadline=None,
        # No shrinking: each example registers a patient, and a failure shrinks for minutes;
        # the failing history and doses are printed whole.
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(history=histories, data=st.data())
    def check(history, data):
        pat = Diary(app, make_patient(provider, timezone_name="America/Chicago"))
        now = datetime.now(UTC)
        today = pat.today()
        write(pat, history, today)
        if history["acknowledge"]:
            evaluate(pat, now)
            acknowledge(pat, now)
        before = evaluate(pat, now)
        team = sorted(
            (flag for flag in before.values() if flag.kind in TEAM_CLOSES and flag.status != RESOLVED),
            key=lambda flag: (flag.raised_on, flag.kind),  # in one order, so a draw replays alike
        )

        # The patient's doses: on or about a team flag's day, or anywhere in the last weeks.
        near = [flag.raised_on + timedelta(days=shift) for flag in team for shift in (0, -1, 1)]
        anywhere = st.integers(0, 30).map(lambda ago: today - timedelta(days=ago))
        days = st.sampled_from(near) | anywhere if near else anywhere
        doses = data.draw(st.lists(days.filter(lambda day: day <= today), min_size=1, max_size=3))
        with app.app_context():
            for day in doses:  # at midnight: never later than now, on the day's first minute
                db.session.add(session(pat, day, by="patient", hour=0))
            db.session.commit()
        after = evaluate(pat, now + timedelta(minutes=1))

        assert set(before) <= set(after), "a flag row disappeared"
        for flag in team:
            seen["team_flags"] += 1
            now_flag = after[flag.id]
            if now_flag.status != RESOLVED:
                continue
            # Only a newer cycle's flag of its kind, itself open, may take its place.
            assert now_flag.resolution == "superseded", (
                flag.kind,
                flag.raised_on,
                doses,
                now_flag.resolution,
            )
            assert any(
                other.kind == flag.kind and other.status != RESOLVED and other.cycle_start > flag.cycle_start
                for other in after.values()
            ), (flag.kind, flag.raised_on, doses)

    check()
    assert seen["team_flags"] > 0  # the histories did raise flags for the doses to threaten
