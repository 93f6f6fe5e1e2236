"""`flask db upgrade` builds, from nothing, exactly the schema the models describe."""

import uuid
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import delete, func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from diary import create_app
from diary.accounts.models import User
from diary.audit.models import AuditEvent
from diary.extensions import db
from tests.conftest import PG_URL, config_for_tests, create_pg_schema


def _empty_database(tmp_path):
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", lambda: None
    return create_pg_schema("mig")


def test_upgrade_from_nothing_matches_the_models(tmp_path, monkeypatch):
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    url, drop = _empty_database(tmp_path)
    try:
        app = create_app(config_for_tests(None, tmp_path, SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            db.engine.dispose()
        assert differences == [], "models and migrations disagree; add a migration"
    finally:
        drop()


@pytest.fixture
def migrated(tmp_path, monkeypatch):
    """An app on a database built by `flask db upgrade` (the suite's other tests use create_all)."""
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    url, drop = _empty_database(tmp_path)
    app = create_app(config_for_tests(None, tmp_path, SQLALCHEMY_DATABASE_URI=url))
    try:
        with app.app_context():
            upgrade()
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop()


def _tables(app):
    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    return names


def _version(app):
    with app.app_context():
        version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.remove()
    return version


def test_downgrade_past_the_initial_schema_needs_consent(migrated):
    runner = migrated.test_cli_runner()
    before, head = _tables(migrated), _version(migrated)
    assert {"users", "audit_events", "entries"} <= before

    refused = runner.invoke(args=["db", "downgrade", "base"])
    assert refused.exit_code != 0
    assert (
        _tables(migrated) == before and _version(migrated) == head
    )  # nothing undone, not even above the first

    assert (
        runner.invoke(args=["db", "downgrade", "0002"]).exit_code == 0
    )  # above the audit triggers and the initial schema: no question
    done = runner.invoke(args=["db", "downgrade", "--yes-destroy-all-data", "base"])
    assert done.exit_code == 0, done.output
    assert _tables(migrated) == {"alembic_version"}


def test_dropping_the_audit_triggers_needs_the_same_consent(migrated):
    """Migration 0002's downgrade drops the triggers that keep audit_events append-only: as
    destructive to the trail as dropping it, so it asks as the initial schema's does."""
    runner = migrated.test_cli_runner()
    head = _version(migrated)
    refused = runner.invoke(args=["db", "downgrade", "0001"])
    assert refused.exit_code != 0
    assert _version(migrated) == head  # nothing undone, not even the revisions above 0002
    row_id = _audit_row(migrated, None)
    with migrated.app_context(), db.engine.connect() as connection:
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(
                text("DELETE FROM audit_events WHERE id = :id"),
                {"id": row_id.hex if db.engine.dialect.name == "sqlite" else row_id},
            )
        connection.rollback()
    db_downgrade = runner.invoke(args=["db", "downgrade", "--yes-destroy-all-data", "0001"])
    assert db_downgrade.exit_code == 0, db_downgrade.output
    assert _version(migrated) == "0001"


def _audit_row(app, actor_id):
    row_id = uuid.uuid4()
    with app.app_context():
        db.session.add(
            AuditEvent(
                id=row_id,
                at=datetime.now(UTC),
                actor_id=actor_id,
                actor_role="provider",
                action="read",
                resource="entries",
            )
        )
        db.session.commit()
        db.session.remove()
    return row_id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET resource = 'nothing' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
        "DELETE FROM audit_events",
    ],
)
def test_the_database_refuses_to_change_or_remove_audit_rows(migrated, statement):
    row_id = _audit_row(migrated, None)
    with migrated.app_context():
        with db.engine.connect() as connection:  # raw SQL, past the ORM's own guards
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(
                    text(statement), {"id": row_id.hex if db.engine.dialect.name == "sqlite" else row_id}
                )
            connection.rollback()
            assert connection.execute(text("SELECT resource FROM audit_events")).scalars().all() == [
                "entries"
            ]
        db.engine.dispose()


def test_deleting_an_account_keeps_its_audit_rows(migrated):
    with migrated.app_context():
        user = User(email="gone@clinic.test", name="Dr. Gone", role="provider", password_hash="x")
        db.session.add(user)
        db.session.commit()
        user_id = user.id
        db.session.remove()
    _audit_row(migrated, user_id)
    with migrated.app_context():
        db.session.execute(delete(User).where(User.id == user_id))
        db.session.commit()
        assert db.session.get(User, user_id) is None
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_id == user_id)
            )
            == 1
        )
        db.session.remove()


def test_downgrading_and_upgrading_again_keeps_every_check_in(migrated):
    """On SQLite a migration rebuilds a table by copy, drop and rename: with foreign keys on,
    dropping `patients` (downgrade 0003) deleted every entry and session by cascade."""
    runner = migrated.test_cli_runner()
    assert runner.invoke(args=["demo", "--patients", "3", "--days", "30"]).exit_code == 0

    def counts():
        with migrated.app_context():
            result = [
                db.session.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in ("entries", "treatments", "patients")
            ]
            db.session.remove()
            return result

    before = counts()
    assert before[0] > 0 and before[1] > 0
    done = runner.invoke(args=["db", "downgrade", "0002"])
    assert done.exit_code == 0, done.output
    assert counts() == before
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert counts() == before
