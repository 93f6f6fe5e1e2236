"""The first administrator comes from the command line; the demo clinic has one and keeps MFA optional."""

from sqlalchemy import select

from diary.accounts.models import ClinicSettings, User
from diary.demo import service as demo
from diary.extensions import db
from tests.conftest import PASSWORD, login


def create(runner, email, *flags):
    result = runner.invoke(
        args=[
            "users",
            "create-provider",
            "--email",
            email,
            "--name",
            "Dr. Ann Lee",
            "--password",
            PASSWORD,
            *flags,
        ]
    )
    assert result.exit_code == 0, result.output
    return result


def test_the_first_administrator_makes_a_clinic_that_requires_mfa(app, runner):
    create(runner, "boss@clinic.test", "--admin")
    create(runner, "plain@clinic.test")
    with app.app_context():
        admins = {u.email: u.is_admin for u in db.session.scalars(select(User))}
        assert admins == {"boss@clinic.test": True, "plain@clinic.test": False}
        assert db.session.get(ClinicSettings, 1).mfa_required is True
    boss = login(app, "boss@clinic.test")
    assert boss.get("/api/v1/auth/session").get_json()["mfa_enrollment_required"] is True
    assert boss.get("/api/v1/admin/staff").get_json()["error"]["code"] == "mfa_enrollment_required"
    # A second administrator leaves the clinic's settings as they are.
    boss_settings_off(app)
    create(runner, "deputy@clinic.test", "--admin")
    with app.app_context():
        assert db.session.get(ClinicSettings, 1).mfa_required is False
    assert len(boss.get("/api/v1/admin/staff").get_json()["items"]) == 3


def boss_settings_off(app):
    with app.app_context():
        db.session.get(ClinicSettings, 1).mfa_required = False
        db.session.commit()


def test_without_an_administrator_no_mfa_is_required_of_the_clinic(app, runner):
    create(runner, "plain@clinic.test")
    with app.app_context():
        assert db.session.get(ClinicSettings, 1) is None
    assert login(app, "plain@clinic.test").get("/api/v1/patients").status_code == 200


def test_the_demo_provider_administers_a_clinic_without_required_mfa(app, runner):
    result = runner.invoke(args=["demo", "--patients", "2"])
    assert result.exit_code == 0, result.output
    provider = login(app, demo.PROVIDER_EMAIL, demo.PASSWORD)
    assert provider.get("/api/v1/auth/session").get_json()["mfa_enrollment_required"] is False
    assert provider.get("/api/v1/admin/settings").get_json() == {"mfa_required": False}
    [me] = provider.get("/api/v1/admin/staff").get_json()["items"]
    assert me["admin"] is True and me["email"] == demo.PROVIDER_EMAIL
    assert len(provider.get("/api/v1/patients").get_json()["items"]) == 2
