"""`flask --app diary demo`: the demo clinic through the command line, then as its users see it."""

import uuid

import pytest
from sqlalchemy import func, select

from diary.accounts import service as accounts
from diary.accounts.models import CareTeam, Patient, User
from diary.audit.models import AuditEvent
from diary.checkins.models import Entry
from diary.db_types import utcnow
from diary.demo import service as demo
from diary.extensions import db
from diary.monitoring.models import OPEN, Flag, PatientSummary
from diary.notifications.models import ReminderSchedule
from diary.relief import FLAG_KINDS, STATUSES
from diary.treatments.models import Treatment
from tests.conftest import login

TABLES = (User, Patient, CareTeam, Entry, Treatment, Flag, PatientSummary, ReminderSchedule, AuditEvent)


def counts(app):
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES
        }


def run_demo(runner, *args):
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture
def seeded(app, runner):
    return run_demo(runner)


def test_prints_the_logins_and_they_work(app, seeded):
    assert f"{demo.PROVIDER_EMAIL}  password: {demo.PASSWORD}" in seeded
    assert "demo.patient09@afterglow.test" in seeded
    provider = login(app, demo.PROVIDER_EMAIL, demo.PASSWORD)
    assert provider.user["role"] == "provider"
    patient = login(app, "demo.patient09@afterglow.test", demo.PASSWORD)
    assert patient.user["role"] == "patient"
    timeline = patient.get("/api/v1/patients/me/timeline").get_json()
    assert len(timeline["days"]) > 30 and timeline["flags"] == []
    assert any(
        t["status"] == "planned" for t in patient.get("/api/v1/patients/me/treatments").get_json()["items"]
    )


def test_the_default_clinic_shows_every_flag_kind_and_status(app, seeded):
    with app.app_context():
        statuses = set(db.session.scalars(select(PatientSummary.status)))
        open_kinds = set(db.session.scalars(select(Flag.kind).where(Flag.status == OPEN)))
        assert db.session.scalar(select(func.count()).select_from(Patient)) == 12
    assert statuses == set(STATUSES)
    assert open_kinds == set(FLAG_KINDS)

    # As the provider sees it: the worklist, most urgent first.
    provider = login(app, demo.PROVIDER_EMAIL, demo.PASSWORD)
    items = provider.get("/api/v1/patients").get_json()["items"]
    assert len(items) == 12
    assert {item["status"] for item in items} == set(STATUSES)
    assert set().union(*(item["open_flags"] for item in items)) == set(FLAG_KINDS)
    assert "urgent" in items[0]["open_flags"]
    by_email = {item["email"]: item for item in items}
    assert by_email["demo.patient01@afterglow.test"]["status"] == "no_treatment"
    assert by_email["demo.patient01@afterglow.test"]["next_planned_session"] is not None
    assert by_email["demo.patient07@afterglow.test"]["open_flags"] == ["data_gap"]
    assert by_email["demo.patient08@afterglow.test"]["open_flags"] == ["plan_maintenance"]


def test_histories_are_current(app, seeded):
    """Scores are dated relative to today: the diary runs up to today, sessions are booked ahead."""
    provider = login(app, demo.PROVIDER_EMAIL, demo.PASSWORD)
    items = {item["email"]: item for item in provider.get("/api/v1/patients").get_json()["items"]}
    steady = items["demo.patient03@afterglow.test"]
    timeline = provider.get(f"/api/v1/patients/{steady['id']}/timeline?from=2000-01-01&to=2001-12-31")
    assert timeline.status_code == 200
    timeline = provider.get(f"/api/v1/patients/{steady['id']}/timeline").get_json()
    assert timeline["assessment"]["status"] == "relief"
    assert timeline["assessment"]["days_since_session"] < 14
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Flag).where(Flag.status == "resolved")) > 0


def test_seeding_writes_no_audit_rows_and_schedules_reminders(app, seeded):
    after = counts(app)
    assert after["AuditEvent"] == 0
    assert after["ReminderSchedule"] == 12
    assert after["PatientSummary"] == 12


def test_a_second_run_adds_nothing(app, runner, seeded):
    before = counts(app)
    output = run_demo(runner)
    assert "nothing added" in output and demo.PASSWORD in output
    output = run_demo(runner, "--patients", "30")
    assert counts(app) == before


def test_reset_starts_over_and_leaves_other_patients_alone(app, runner, seeded, patient):
    with app.app_context():
        old_ids = set(db.session.scalars(select(User.id).where(User.email.like("demo.patient%"))))
    other_entry = patient.post("/api/v1/patients/me/entries", json={"answers": [1, 1, 1, 1, 1, 1, 1]})
    assert other_entry.status_code == 201
    # Someone used the demo: the provider read the worklist (an audit row about no patient).
    login(app, demo.PROVIDER_EMAIL, demo.PASSWORD).get("/api/v1/patients")
    before = counts(app)

    output = run_demo(runner, "--reset", "--patients", "14")
    assert "Demo clinic ready: 14 patients." in output
    after = counts(app)
    assert after["Patient"] == before["Patient"] + 2
    with app.app_context():
        demo_users = db.session.scalars(select(User).where(User.email.like("demo.patient%"))).all()
        assert len(demo_users) == 14 and not old_ids & {u.id for u in demo_users}
        providers = db.session.scalars(select(User).where(User.email == demo.PROVIDER_EMAIL)).all()
        assert len(providers) == 1 and len(providers[0].care_teams) == 1
        # The other care team's patient and their entry are still there.
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Entry)
                .where(Entry.patient_id == uuid.UUID(patient.user["id"]))
            )
            == 1
        )
    assert run_demo(runner, "--reset").startswith("Seeding")
    assert counts(app)["Patient"] == before["Patient"]


def test_if_empty_seeds_only_an_empty_database(app, runner, make_provider):
    make_provider(email="someone@clinic.test")
    output = run_demo(runner, "--if-empty")
    assert "no demo clinic seeded" in output
    assert counts(app)["Patient"] == 0


def test_if_empty_seeds_a_fresh_database_and_then_just_prints_the_logins(app, runner):
    output = run_demo(runner, "--if-empty", "--patients", "3", "--days", "60")
    assert "Demo clinic ready: 3 patients." in output and demo.PASSWORD in output
    before = counts(app)
    output = run_demo(runner, "--if-empty")
    assert "nothing added" in output and demo.PROVIDER_EMAIL in output
    assert counts(app) == before


def test_reset_and_if_empty_do_not_mix(runner):
    result = runner.invoke(args=["demo", "--reset", "--if-empty"])
    assert result.exit_code != 0 and "do not go together" in result.output


def test_a_larger_clinic_cycles_the_archetypes(app, runner):
    run_demo(runner, "--patients", "30", "--days", "90", "--seed", "3")
    with app.app_context():
        statuses = list(db.session.scalars(select(PatientSummary.status)))
        assert len(statuses) == 30 and set(statuses) == set(STATUSES)
        last = db.session.scalar(select(User).where(User.email == "demo.patient30@afterglow.test"))
        assert last is not None and last.patient is not None


def test_the_demo_password_passes_the_password_rules_for_every_demo_account(app):
    from diary.accounts import passwords
    from diary.demo import histories

    with app.app_context():
        accounts_ = [(demo.PROVIDER_EMAIL, demo.PROVIDER_NAME)]
        accounts_ += [(demo.patient_email(n), histories.patient_name(n)) for n in range(1, 1001)]
        assert all(passwords.password_problems(demo.PASSWORD, details) == [] for details in accounts_)


def test_says_so_when_the_demo_provider_password_was_changed(app, runner, seeded):
    with app.app_context():
        provider = accounts.find_user_by_email(demo.PROVIDER_EMAIL)
        accounts.set_password(provider, "another long password", now=utcnow())
        db.session.commit()
    output = run_demo(runner)
    assert "password has been changed" in output and "reset-password" in output


def test_a_short_history_is_raised_to_what_the_stories_need_and_says_so(app, runner):
    output = run_demo(runner, "--patients", "2", "--days", "14")
    assert "seeding 30 days" in output and "Demo clinic ready: 2 patients." in output
    assert counts(app)["Entry"] > 0
    assert runner.invoke(args=["demo", "--days", "0"]).exit_code == 2  # not a length at all
