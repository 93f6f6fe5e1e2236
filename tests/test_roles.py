"""`db grant ROLE` on PostgreSQL: the app runs as a role that owns nothing, so it cannot switch
off the audit trail's triggers. (SQLite has no roles: these run in the PostgreSQL run only.)"""

import uuid
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from diary import create_app, scheduler
from diary.accounts import service as accounts
from diary.extensions import db
from tests.conftest import PASSWORD, PG_URL, _pg_schema_url, config_for_tests, login
from tests.support.api_client import ApiClient

pytestmark = pytest.mark.postgresql


class Roles:
    """Two new login roles, as docs/operations.md ("Two roles") sets them up: ``owner`` owns
    a new schema and has run `db upgrade` in it (``owner_app``); ``app`` has nothing yet."""

    def __init__(self, tmp_path):
        suffix = uuid.uuid4().hex[:10]
        self.owner, self.app, self.schema = f"diary_owner_{suffix}", f"diary_app_{suffix}", f"roles_{suffix}"
        self.tmp_path = tmp_path
        self.admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            for role in (self.owner, self.app):
                connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            connection.execute(text(f'CREATE SCHEMA "{self.schema}" AUTHORIZATION "{self.owner}"'))
        self.apps = []
        self.owner_app = self.app_as(self.owner)
        with self.owner_app.app_context():
            upgrade()

    def app_as(self, role):
        url = make_url(_pg_schema_url(PG_URL, self.schema)).set(username=role)
        app = create_app(
            config_for_tests(None, self.tmp_path, SQLALCHEMY_DATABASE_URI=url.render_as_string(False))
        )
        self.apps.append(app)
        return app

    def drop(self):
        for app in self.apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            for role in (self.app, self.owner):
                connection.execute(text(f'DROP OWNED BY "{role}"'))  # grants and default privileges
                connection.execute(text(f'DROP ROLE "{role}"'))
        self.admin.dispose()


@pytest.fixture
def roles(tmp_path, monkeypatch):
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    roles = Roles(tmp_path)
    try:
        yield roles
    finally:
        roles.drop()


# What the owner of audit_events could do to the trail, and the app's role must not.
TAMPERING = [
    "ALTER TABLE audit_events DISABLE TRIGGER ALL",
    "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete",
    "DROP TRIGGER audit_events_no_update_or_delete ON audit_events",
    "ALTER TABLE audit_events OWNER TO CURRENT_USER",
    "TRUNCATE audit_events",
    "DROP TABLE audit_events",
    "CREATE TABLE audit_events_copy (id integer)",
]


def test_the_app_role_runs_the_app_but_cannot_switch_off_the_audit_trail(roles):
    granted = roles.owner_app.test_cli_runner().invoke(args=["db", "grant", roles.app])
    assert granted.exit_code == 0, granted.output
    app = roles.app_as(roles.app)

    # The app's everyday work: `db upgrade` at head (make serve), a provider, an invite, a
    # patient's registration and check-in (with its audit row), the scheduler's jobs.
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        accounts.create_provider("hale@clinic.test", "Dr. Ada Hale", PASSWORD)
        db.session.commit()
    provider = login(app, "hale@clinic.test")
    invite = provider.post("/api/v1/invites", json={}).get_json()
    patient = ApiClient(app.test_client())
    registered = patient.post(
        "/api/v1/auth/register",
        json={
            "invite_code": invite["code"],
            "email": "pat@mail.test",
            "password": PASSWORD,
            "name": "Pat Doe",
            "timezone": "Europe/Berlin",
        },
    )
    assert registered.status_code == 201, registered.get_json()
    checked_in = patient.post("/api/v1/patients/me/entries", json={"answers": [1, 2, 0, 3, 1, 1, 2]})
    assert checked_in.status_code == 201, checked_in.get_json()
    assert all(ok for _name, ok, _summary in scheduler.tick(app, datetime.now(UTC)))

    with app.app_context(), db.engine.connect() as connection:
        for statement in TAMPERING:
            with pytest.raises(DBAPIError, match="must be owner|permission denied"):
                connection.exec_driver_sql(statement)
            connection.rollback()
        assert connection.scalar(text("SELECT count(*) FROM audit_events")) > 0

    # The same statements are not refused for their spelling: the owner may run every one.
    with roles.owner_app.app_context(), db.engine.connect() as connection:
        for statement in TAMPERING:
            connection.exec_driver_sql(statement)
        connection.rollback()


@pytest.mark.parametrize("who", ["owner", "member of the owner", "superuser", "missing"])
def test_grant_refuses_a_role_that_could_alter_the_tables(roles, who):
    role = {
        "owner": roles.owner,
        "member of the owner": roles.app,
        "superuser": make_url(PG_URL).username,  # the suite's own role, a superuser
        "missing": "nobody_by_that_name",
    }[who]
    if who == "member of the owner":
        with roles.admin.connect() as connection:
            connection.execute(text(f'GRANT "{roles.owner}" TO "{roles.app}"'))
    refused = roles.owner_app.test_cli_runner().invoke(args=["db", "grant", role])
    assert refused.exit_code != 0 and role in refused.output
