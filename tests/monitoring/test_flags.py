"""Flags persisted from the relief replay: raised once, resolved when their cause ends."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from diary.extensions import db
from diary.monitoring import flags, service
from diary.monitoring.models import NO_FLAG_RANK, URGENCY, Flag
from diary.monitoring.params import parse_relief_params
from diary.treatments.models import Treatment

from .conftest import D0, WORKED_AFTER, flag_set


def day(n):
    return D0 + timedelta(days=n)


def test_the_worked_example_raises_wearing_off_on_day_18(app, diary):
    app.config["RELIEF_PARAMS"] = "rules=v1"  # the v1 worked example (docs/relief.md), its first rules
    pat = diary()
    pat.worked_example(D0)
    summary = pat.refresh(day(21))

    flags = pat.flags()
    assert ("wearing_off", "open", day(18), None) in flags
    # The trend warned on day 14; the wear-off of day 18 answered it.
    assert ("plan_maintenance", "resolved", day(14), "superseded") in flags
    assert flag_set(flags) == {("wearing_off", "open"), ("plan_maintenance", "resolved")}
    [wearing] = [f for f in pat.flag_rows() if f.kind == "wearing_off"]
    assert wearing.details["duration"] == 18 and wearing.details["threshold"] == 10.5
    assert wearing.cycle_start == D0 and wearing.occurrence == f"wearing_off:{D0.isoformat()}"

    assert summary["status"] == "wearing_off"
    assert summary["open_flags"] == ["wearing_off"] and summary["urgency_rank"] == URGENCY["wearing_off"]
    assessment = summary["assessment"]
    assert (assessment["baseline"], assessment["nadir"], assessment["threshold"]) == (16.0, 5.0, 10.5)
    assert assessment["last_session_date"] == D0.isoformat() and assessment["days_since_session"] == 21
    assert summary["latest_score"] == 14 and summary["latest_severity"] == "moderate"


def test_the_worked_example_under_the_default_rules_v2(diary):
    pat = diary()
    pat.worked_example(D0)
    summary = pat.refresh(day(21))
    [wearing] = [f for f in pat.flag_rows() if f.kind == "wearing_off"]
    assert day(15) <= wearing.raised_on <= day(18) and wearing.status == "open"
    assert wearing.details["estimated_duration"] <= wearing.details["duration"]
    assert summary["status"] == "wearing_off"


def test_day_by_day_the_flags_come_as_the_data_does_and_once(app, diary):
    app.config["RELIEF_PARAMS"] = "rules=v1"  # the days below are the first rules' (v1, docs/relief.md)
    pat = diary()
    pat.scores(day(-7), [16, 15, 17, 16, 16, 15, 17])
    pat.session(D0)
    for n, total in enumerate(WORKED_AFTER, start=1):
        pat.score(day(n), total)
        pat.refresh(day(n), hour=21)
        pat.refresh(day(n), hour=22)  # again: nothing new
        kinds = flag_set(pat.flags())
        if n < 14:
            assert kinds == set(), n
        elif n < 18:
            assert kinds == {("plan_maintenance", "open")}, n
        else:
            assert kinds == {("plan_maintenance", "resolved"), ("wearing_off", "open")}, n
    assert len(pat.flags()) == 2


def test_a_new_session_starts_a_cycle_and_resolves_the_old_flags(diary):
    pat = diary()
    pat.worked_example(D0)
    pat.refresh(day(21))
    pat.session(day(22))
    summary = pat.refresh(day(22), hour=18)
    assert ("wearing_off", "resolved", day(18), "new_cycle") in pat.flags()
    assert summary["open_flags"] == [] and summary["urgency_rank"] == NO_FLAG_RANK
    assert summary["assessment"]["last_session_date"] == day(22).isoformat()


def test_a_data_gap_is_raised_after_four_silent_days_and_resolves_when_logging_resumes(diary):
    pat = diary()
    pat.scores(day(-7), [12] * 7)
    pat.session(D0)
    pat.scores(day(1), [6, 5, 5])
    pat.refresh(day(6))
    assert pat.flags() == []
    summary = pat.refresh(day(7), hour=0)  # the scheduler, just after midnight of day 3 + 4
    assert pat.flags() == [("data_gap", "open", day(7), None)]
    assert summary["open_flags"] == ["data_gap"] and summary["urgency_rank"] == URGENCY["data_gap"]
    [gap] = pat.flag_rows()
    assert gap.details["since"] == day(3).isoformat()

    pat.score(day(8), 6)
    pat.refresh(day(8))
    assert pat.flags() == [("data_gap", "resolved", day(7), "logging_resumed")]
    # Silent again: a second gap, a second flag.
    pat.refresh(day(12), hour=1)
    assert pat.flags() == [
        ("data_gap", "resolved", day(7), "logging_resumed"),
        ("data_gap", "open", day(12), None),
    ]


def test_a_standard_gad7_check_in_ends_a_data_gap_too(diary):
    # After a long silence the check-in due is the standard GAD-7: logging has resumed all the same.
    pat = diary()
    pat.scores(day(-7), [12] * 7)
    pat.session(D0)
    pat.scores(day(1), [6, 5, 5])
    pat.refresh(day(7), hour=0)
    assert pat.flags() == [("data_gap", "open", day(7), None)]
    pat.score(day(8), 6, instrument="gad7")
    summary = pat.refresh(day(8))
    assert pat.flags() == [("data_gap", "resolved", day(7), "logging_resumed")]
    assert summary["open_flags"] == []
    # Silent again after it: a second gap, counted from the standard check-in.
    for today in range(9, 13):
        pat.refresh(day(today), hour=1)
    assert pat.flags() == [
        ("data_gap", "resolved", day(7), "logging_resumed"),
        ("data_gap", "open", day(12), None),
    ]
    assert pat.flag_rows()[-1].details["since"] == day(8).isoformat()


def test_a_standard_gad7_check_in_inside_a_silence_moves_the_gap_on(diary):
    pat = diary()
    pat.scores(day(-7), [12] * 7)
    pat.session(D0)
    pat.scores(day(1), [6, 5, 5])  # the last daily score on day 3
    pat.score(day(5), 6, instrument="gad7")
    for today in range(6, 10):
        pat.refresh(day(today), hour=1)
    # Four silent days after the standard check-in, not after the last daily score; and it stays open.
    assert pat.flags() == [("data_gap", "open", day(9), None)]
    pat.refresh(day(20))
    assert pat.flags() == [("data_gap", "open", day(9), None)]


def test_a_score_backfilled_into_a_gap_withdraws_the_flag(diary):
    pat = diary()
    pat.scores(day(-7), [12] * 7)
    pat.session(D0)
    pat.scores(day(1), [6, 5, 5])
    pat.refresh(day(7))
    assert flag_set(pat.flags()) == {("data_gap", "open")}
    pat.score(day(5), 5)  # the outbox delivers a check-in of day 5: there was no gap on day 7
    summary = pat.refresh(day(7), hour=13)
    # Nobody had acted on it, yet it stays on record, with the reason it went.
    assert pat.flags() == [("data_gap", "resolved", day(7), "withdrawn")]
    assert summary["open_flags"] == []


def test_deleting_the_entry_behind_a_flag_withdraws_it_and_restoring_it_reopens_it(app, diary, provider):
    pat = diary()
    pat.scores(day(-7), [12] * 7)
    pat.session(D0)
    pat.scores(day(1), [6, 5, 5, 6, 7, 9, 10, 16])
    last = pat.score(day(9), 18)
    pat.refresh(day(9), hour=20)
    assert ("urgent", "open") in flag_set(pat.flags())
    with app.app_context():
        urgent = db.session.scalar(select(Flag).where(Flag.patient_id == pat.id, Flag.kind == "urgent"))
        urgent.acknowledged_at, urgent.acknowledged_by_id, urgent.status = (
            pat.at(day(9), 21),
            uuid.UUID(provider["id"]),
            "acknowledged",
        )
        db.session.commit()
        urgent_id = urgent.id

    with app.app_context():
        from diary.checkins.models import Entry

        db.session.delete(db.session.get(Entry, last))
        db.session.commit()
    summary = pat.refresh(day(9), hour=22)
    # Someone acknowledged it, so it stays on record, resolved as withdrawn.
    assert ("urgent", "resolved", day(9), "withdrawn") in pat.flags()
    assert "urgent" not in summary["open_flags"]

    pat.score(day(9), 18, hour=23)
    pat.refresh(day(9), hour=23)
    with app.app_context():
        again = db.session.get(Flag, urgent_id)
        assert (again.status, again.resolved_at, again.resolution) == ("acknowledged", None, None)


def test_flags_not_raised_by_the_replay_are_left_alone(app, diary):
    pat = diary()
    with app.app_context():
        db.session.add(
            Flag(
                patient_id=pat.id,
                kind="urgent",
                occurrence="urgent:manual",
                raised_on=day(1),
                raised_at=pat.at(day(1)),
                details={},
            )
        )
        db.session.commit()
    summary = pat.refresh(day(3))
    assert pat.flags() == [("urgent", "open", day(1), None)]
    assert summary["open_flags"] == ["urgent"] and summary["urgency_rank"] == URGENCY["urgent"]


def test_an_open_flag_of_the_kind_in_the_way_holds_a_new_one_back(app, diary):
    pat = diary()
    with app.app_context():
        db.session.add(
            Flag(
                patient_id=pat.id,
                kind="data_gap",
                occurrence="data_gap:manual",
                raised_on=day(1),
                raised_at=pat.at(day(1)),
                details={},
            )
        )
        db.session.commit()
    pat.scores(day(-7), [12] * 7)
    pat.session(D0)
    pat.scores(day(1), [6, 5, 5])
    pat.refresh(day(7))  # the replay raises a gap, but one is open: no second open data_gap
    assert flag_set(pat.flags()) == {("data_gap", "open")} and len(pat.flags()) == 1


def test_a_concurrent_insert_of_the_same_occurrence_is_read_back(app, diary):
    pat = diary()
    with app.app_context():
        stored = Flag(
            patient_id=pat.id,
            kind="urgent",
            occurrence="urgent:2026-03-01",
            cycle_start=D0,
            raised_on=day(5),
            raised_at=pat.at(day(5)),
            details={},
        )
        db.session.add(stored)
        db.session.commit()
        twin = Flag(
            patient_id=pat.id,
            kind="urgent",
            occurrence="urgent:2026-03-01",
            cycle_start=D0,
            raised_on=day(5),
            raised_at=pat.at(day(6)),
            details={},
        )
        assert flags.insert_flag(twin).id == stored.id
        assert db.session.scalar(select(db.func.count()).select_from(Flag)) == 1


def test_events_of_cycles_already_over_are_recorded_resolved(diary):
    """A history entered after the fact: the first cycle's wear-off is history, not news."""
    pat = diary()
    pat.worked_example(D0)
    pat.session(day(22))
    pat.refresh(day(23))
    assert ("wearing_off", "resolved", day(18), "new_cycle") in pat.flags()
    assert all(status == "resolved" for _kind, status, _day, _why in pat.flags())


def test_the_intake_baseline_is_used_without_pre_treatment_scores(app, diary):
    pat = diary()
    pat.session(D0)
    pat.scores(day(1), [9, 6, 5, 5, 4, 5, 5])
    assert pat.refresh(day(8))["assessment"]["notices"] == ["no_baseline"]
    with app.app_context():
        patient = pat.patient()
        service.set_intake_baseline(patient, {"intake_baseline": 16}, actor=patient.user, now=pat.at(day(8)))
        db.session.commit()
    summary = pat.summary()
    assert summary["assessment"]["baseline"] == 16.0
    assert summary["assessment"]["notices"] == ["baseline_from_intake"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("mcid=5", {"mcid": 5.0}),
        (" MCID = 5 , course_gap_days=6", {"mcid": 5.0, "course_gap_days": 6}),
    ],
)
def test_relief_params_from_the_environment_string(text, expected):
    params = parse_relief_params(text)
    for name, value in expected.items():
        assert getattr(params, name) == value


@pytest.mark.parametrize("text", ["mcid", "unknown=1", "mcid=lots", "course_gap_days=2.5"])
def test_bad_relief_params_are_refused(text):
    with pytest.raises(ValueError):
        parse_relief_params(text)


def test_a_bad_relief_params_setting_stops_the_app(app_config):
    from diary import create_app

    with pytest.raises(ValueError):
        create_app({**app_config, "RELIEF_PARAMS": "mcid=-1"})


def test_configured_params_change_the_rules(app, diary):
    pat = diary()
    pat.worked_example(D0)
    app.config["RELIEF_PARAMS"] = "rules=v1,wear_off_min_above=4"  # one more score at or above W needed
    pat.refresh(day(21))
    [wearing] = [flag for flag in pat.flag_rows() if flag.kind == "wearing_off"]
    assert wearing.raised_on == day(19)


def test_booking_a_session_before_the_predicted_date_withdraws_plan_maintenance(app, diary):
    app.config["RELIEF_PARAMS"] = "rules=v1"  # the v1 trend's date (v2: tests/relief/test_rules_v2.py)
    pat = diary()
    pat.scores(day(-7), [16, 15, 17, 16, 16, 15, 17])
    pat.session(D0)
    pat.scores(day(1), WORKED_AFTER[:14])
    pat.refresh(day(14), hour=20)
    [flag] = pat.flag_rows()
    assert (flag.kind, flag.status) == ("plan_maintenance", "open")
    assert flag.details["predicted_wear_off_date"] == day(17).isoformat()
    pat.session(day(16), status="planned")  # booked: the care team has planned it
    summary = pat.refresh(day(14), hour=21)
    assert pat.flags() == [("plan_maintenance", "resolved", day(14), "withdrawn")]
    assert summary["open_flags"] == []
    assert summary["next_planned_session"] == pat.at(day(16), hour=10)


# The worked example wears off on day 18; the patient then doses alone on day 22 and that
# course wears off in turn, on day 40.
SUPERSEDED_THEN_OPEN = [
    ("wearing_off", "resolved", day(18), "superseded"),
    ("wearing_off", "open", day(40), None),
]


def own_course_after_the_worked_example(pat, *, refresh_between=True):
    """Returns the id of the patient's own session."""
    pat.worked_example(D0)
    if refresh_between:
        pat.refresh(day(21))
        assert ("wearing_off", "open", day(18), None) in pat.flags()
    own = pat.session(day(22), by="patient")
    pat.scores(day(23), WORKED_AFTER)
    return own


def wearing_off_flags(pat):
    return [flag for flag in pat.flags() if flag[0] == "wearing_off"]


def test_a_dose_the_patient_took_alone_does_not_hide_the_next_wearing_off(diary):
    """The care team's wearing_off stays open across the patient's own dose (TEAM_CLOSES); when
    that new course wears off too, the care team sees the new flag, dated and detailed as the
    new course's, and the old one gives way to it."""
    pat = diary()
    own_course_after_the_worked_example(pat)
    summary = pat.refresh(day(42))
    assert wearing_off_flags(pat) == SUPERSEDED_THEN_OPEN
    assert "wearing_off" in summary["open_flags"]
    pat.refresh(day(42), hour=13)  # and it stays so: nothing raised twice, nothing refused
    assert wearing_off_flags(pat) == SUPERSEDED_THEN_OPEN


def test_the_superseded_flag_reopens_when_the_newer_course_is_taken_back(app, diary):
    pat = diary()
    own = own_course_after_the_worked_example(pat)
    pat.refresh(day(42))
    assert wearing_off_flags(pat) == SUPERSEDED_THEN_OPEN

    with app.app_context():  # the dose was recorded by mistake
        db.session.delete(db.session.get(Treatment, own))
        db.session.commit()
    summary = pat.refresh(day(42), hour=13)
    assert wearing_off_flags(pat) == [
        ("wearing_off", "open", day(18), None),
        ("wearing_off", "resolved", day(40), "withdrawn"),  # the taken-back course's, on record
    ]
    assert "wearing_off" in summary["open_flags"]


def test_both_courses_raised_in_one_refresh_leave_the_newer_flag_open(diary, caplog):
    """A first evaluation of the whole history (a backfill, the bulk-import catch-up) raises the
    older course's flag already superseded, so the newer one is not refused."""
    pat = diary()
    own_course_after_the_worked_example(pat, refresh_between=False)
    summary = pat.refresh(day(42))
    assert wearing_off_flags(pat) == SUPERSEDED_THEN_OPEN
    assert "wearing_off" in summary["open_flags"] and "not raised" not in caplog.text


def test_a_flag_refused_by_an_open_one_of_its_kind_is_logged_without_its_kind_or_date(app, diary, caplog):
    """The log line is in the patient's request: a kind and a cycle date there would be health data."""
    pat = diary()

    def urgent(cycle_start):
        return Flag(
            patient_id=pat.id,
            kind="urgent",
            occurrence=f"urgent:{cycle_start}",
            raised_on=D0,
            raised_at=pat.at(D0),
            details={},
        )

    with app.app_context():
        db.session.add(urgent("2026-01-05"))
        db.session.commit()
        second = urgent("2026-02-07")
        with caplog.at_level("WARNING", logger="diary.monitoring.flags"):
            assert flags.insert_flag(second) is None
        db.session.rollback()
    [record] = [r for r in caplog.records if r.name == "diary.monitoring.flags"]
    assert "not raised" in record.getMessage()
    assert "urgent" not in record.getMessage() and "2026-02-07" not in record.getMessage()
