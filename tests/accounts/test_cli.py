"""`flask --app diary users create-provider`: the command line checks what registration checks."""

import pytest
from sqlalchemy import func, select

from diary.accounts.models import User
from diary.extensions import db
from tests.conftest import PASSWORD


def create_provider(runner, email="ann@clinic.test", name="Dr. Ann Lee", password=PASSWORD):
    return runner.invoke(
        args=["users", "create-provider", "--email", email, "--name", name, "--password", password]
    )


def users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"email": "not-an-email"}, "email: Give a valid email address."),
        ({"email": "a@" + "b" * 250 + ".test"}, "email: Give a valid email address."),
        ({"name": "   "}, "name: Give the provider's name"),
        ({"name": "N" * 201}, "name: Give the provider's name"),
        ({"name": "Bartholomew Quince", "password": "bartholomew quince 1"}, "password:"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_created(app, runner, fields, problem):
    before = users(app)
    result = create_provider(runner, **fields)
    assert result.exit_code == 1 and problem in result.output, result.output
    assert users(app) == before


def test_good_details_create_the_provider(app, runner):
    result = create_provider(runner, email="  Ann@Clinic.Test ", name=" Dr. Ann Lee ")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ann@clinic.test"))
        assert user is not None and user.name == "Dr. Ann Lee" and str(user.id) in result.output
