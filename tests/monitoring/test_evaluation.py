"""Re-evaluating the patients whose local day has moved on: the scheduler's relief job."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, event, update

from diary import localtime, relief, scheduler
from diary.extensions import db
from diary.monitoring import evaluation
from diary.monitoring.models import ReliefCheckpoint

from .conftest import D0, flag_set


def utc(text):
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        ("2026-03-10T12:00:00+00:00", "Europe/Berlin", "2026-03-10T23:00:00+00:00"),
        (
            "2026-03-10T23:00:00+00:00",
            "Europe/Berlin",
            "2026-03-11T23:00:00+00:00",
        ),  # exactly midnight: the next one
        (
            "2026-03-28T12:00:00+00:00",
            "Europe/Berlin",
            "2026-03-28T23:00:00+00:00",
        ),  # before the spring-forward night
        ("2026-03-29T12:00:00+00:00", "Europe/Berlin", "2026-03-29T22:00:00+00:00"),  # after it: UTC+2
        ("2026-03-10T12:00:00+00:00", "Asia/Tokyo", "2026-03-10T15:00:00+00:00"),
        ("2026-03-10T12:00:00+00:00", "America/New_York", "2026-03-11T04:00:00+00:00"),
        # Havana springs forward at midnight: 00:00 never happens, the day starts at 01:00 (05:00Z).
        ("2026-03-07T12:00:00+00:00", "America/Havana", "2026-03-08T05:00:00+00:00"),
    ],
)
def test_next_local_midnight(now, zone, expected):
    assert localtime.next_local_midnight(utc(now), zone) == utc(expected)


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/Berlin",
        "America/Havana",
        "America/Santiago",
        "America/Sao_Paulo",
        "Australia/Lord_Howe",
        "Pacific/Apia",
    ],
)
@pytest.mark.parametrize("year", [2011, 2018, 2026])
def test_the_next_evaluation_is_the_first_instant_of_the_next_local_date(zone, year):
    """Every hour of a year, in zones whose clocks jump at midnight
    (Sao Paulo 2018 repeats it, Apia 2011 skips a day)."""
    tz = ZoneInfo(zone)
    now = datetime(year, 1, 1, tzinfo=UTC)
    while now.year == year:
        instant = localtime.next_local_midnight(now, zone)
        today = now.astimezone(tz).date()
        assert instant > now
        assert instant.astimezone(tz).date() > today, (now, instant)
        assert (instant - timedelta(seconds=1)).astimezone(tz).date() <= today or instant - now <= timedelta(
            hours=1
        )
        now += timedelta(minutes=61)


def test_only_patients_past_their_local_midnight_are_evaluated(app, diary):
    berlin, tokyo, new_york = (
        diary("Bea", "Europe/Berlin"),
        diary("Taro", "Asia/Tokyo"),
        diary("Nia", "America/New_York"),
    )
    for pat in (berlin, tokyo, new_york):
        pat.refresh(date(2026, 3, 10), hour=12)
    with app.app_context():
        assert evaluation.evaluate_due_patients(utc("2026-03-10T14:59:00Z")) == 0
        assert evaluation.evaluate_due_patients(utc("2026-03-10T23:30:00Z")) == 2  # Tokyo and Berlin
        assert evaluation.evaluate_due_patients(utc("2026-03-10T23:31:00Z")) == 0
        assert evaluation.evaluate_due_patients(utc("2026-03-11T04:00:00Z")) == 1  # New York
    assert berlin.summary()["evaluated_on"] == date(2026, 3, 11)
    assert berlin.summary()["next_evaluation_at"] == utc("2026-03-11T23:00:00Z")
    assert tokyo.summary()["next_evaluation_at"] == utc("2026-03-11T15:00:00Z")


def test_a_pass_with_nobody_due_is_one_query(app, diary):
    for name in ("A", "B", "C"):
        diary(name).refresh(date(2026, 3, 10))
    statements = []
    with app.app_context():
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert evaluation.evaluate_due_patients(utc("2026-03-10T12:00:00Z")) == 0
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "next_evaluation_at" in selects[0]


def test_passes_work_in_batches(app, diary):
    patients = [diary(f"P{n}") for n in range(5)]
    for pat in patients:
        pat.refresh(date(2026, 3, 10))
    with app.app_context():
        assert evaluation.evaluate_due_patients(utc("2026-03-12T00:00:00Z"), batch=2) == 5
    assert {pat.summary()["evaluated_on"] for pat in patients} == {date(2026, 3, 12)}


def test_one_failing_patient_does_not_stall_the_others(app, diary, monkeypatch):
    good, bad = diary("Good"), diary("Bad")
    good.refresh(date(2026, 3, 10))
    bad.refresh(date(2026, 3, 10))
    real_evaluate = relief.evaluate_from

    def evaluate(checkpoint, history, until, **kwargs):
        if history.intake_baseline == 13:
            raise RuntimeError("boom")
        return real_evaluate(checkpoint, history, until, **kwargs)

    with app.app_context():
        bad.patient().intake_baseline = 13
        db.session.commit()
    monkeypatch.setattr(relief, "evaluate_from", evaluate)
    now = utc("2026-03-11T12:00:00Z")
    with app.app_context():
        assert evaluation.evaluate_due_patients(now) == 2
    assert good.summary()["evaluated_on"] == date(2026, 3, 11)
    assert bad.summary()["evaluated_on"] == date(2026, 3, 10)
    assert bad.summary()["next_evaluation_at"] == now + timedelta(hours=1)


def test_the_scheduler_raises_a_data_gap_at_midnight(app, diary):
    pat = diary()
    pat.scores(D0 - timedelta(days=7), [12] * 7)
    pat.session(D0)
    pat.scores(D0 + timedelta(days=1), [6, 5, 5])
    pat.refresh(D0 + timedelta(days=6), hour=20)
    assert pat.flags() == []
    [job] = [job for job in scheduler.JOBS if job.name == "relief"]
    ok, summary = scheduler.run_job(app, job, pat.at(D0 + timedelta(days=7), hour=0) + timedelta(minutes=1))
    assert ok and summary == "1 patient(s) re-evaluated"
    assert flag_set(pat.flags()) == {("data_gap", "open")}


def test_moving_to_another_time_zone_moves_the_next_evaluation(app, patient):
    from diary.monitoring.models import PatientSummary

    assert patient.patch("/api/v1/me/settings", json={"timezone": "Asia/Tokyo"}).status_code == 200
    with app.app_context():
        summary = db.session.get(PatientSummary, uuid.UUID(patient.user["id"]))
        tokyo_midnight = summary.next_evaluation_at.astimezone(ZoneInfo("Asia/Tokyo"))
        assert (tokyo_midnight.hour, tokyo_midnight.minute) == (0, 0)
        assert summary.next_evaluation_at - datetime.now(UTC) <= timedelta(days=1)


def test_the_command_line_re_evaluates(runner, make_patient, provider):
    make_patient(provider)
    make_patient(provider, email="second@mail.test")
    result = runner.invoke(args=["monitoring", "refresh"])
    assert result.exit_code == 0 and result.output.strip() == "2 patient(s) re-evaluated"
    result = runner.invoke(args=["monitoring", "evaluate"])
    assert result.exit_code == 0 and result.output.strip() == "0 patient(s) re-evaluated"


def test_a_refresh_resumes_from_the_stored_checkpoint_and_keeps_it_current(app, diary, monkeypatch):
    pat = diary()
    pat.worked_example(D0)  # the first course, worn off by day 20
    second = D0 + timedelta(days=24)
    pat.session(second)
    pat.scores(second + timedelta(days=1), [8, 6, 5, 5])
    pat.refresh(second + timedelta(days=4))

    def stored():
        with app.app_context():
            row = db.session.get(ReliefCheckpoint, pat.id)
            return row and relief.Checkpoint.from_json(row.state)

    checkpoint = stored()
    assert checkpoint is not None and checkpoint.start == second
    walked = []
    real = relief.evaluate_from

    def spy(checkpoint, *args, **kwargs):
        result = real(checkpoint, *args, **kwargs)
        walked.append(result.checkpoint is checkpoint)  # resumed, nothing new to store
        return result

    monkeypatch.setattr(relief, "evaluate_from", spy)
    pat.score(second + timedelta(days=5), 6)  # a check-in in the open cycle
    before = pat.flags()
    pat.refresh(second + timedelta(days=5))
    assert walked == [True] and stored() == checkpoint and pat.flags() == before

    # an edit of the first cycle (an old entry, say restored from paper): the checkpoint no
    # longer holds, the refresh walks everything, and stores the new one
    pat.score(D0 + timedelta(days=2), 14, hour=20)
    cold = pat.refresh(second + timedelta(days=5))
    assert walked[-1] is False and stored() != checkpoint and stored().start == second
    with app.app_context():
        db.session.execute(delete(ReliefCheckpoint))
        db.session.commit()
    assert pat.refresh(second + timedelta(days=5))["assessment"] == cold["assessment"]
    assert stored() is not None  # written again


@pytest.mark.parametrize("state", [{}, {"start": "2026-03-25"}, [], "garbage", {"events": None}])
def test_a_damaged_checkpoint_row_costs_a_full_walk_not_an_error(app, diary, state):
    pat = diary()
    pat.worked_example(D0)
    second = D0 + timedelta(days=24)
    pat.session(second)
    pat.scores(second + timedelta(days=1), [8, 6, 5])
    expected = pat.refresh(second + timedelta(days=3))
    with app.app_context():
        db.session.execute(update(ReliefCheckpoint).values(state=state))
        db.session.commit()
    assert pat.refresh(second + timedelta(days=3))["assessment"] == expected["assessment"]
    with app.app_context():
        repaired = relief.Checkpoint.from_json(db.session.get(ReliefCheckpoint, pat.id).state)
    assert repaired is not None and repaired.start == second
