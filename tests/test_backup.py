"""`backup` and `restore`: a consistent copy of a live SQLite database, and back."""

import os
import sqlite3
import stat
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade

from diary import create_app
from diary.audit.models import AuditEvent
from diary.extensions import db
from tests.conftest import config_for_tests


@pytest.fixture
def sqlite_app(tmp_path, monkeypatch):
    """SQLite even when the suite runs on PostgreSQL: these are SQLite's commands."""
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(config_for_tests(None, tmp_path))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def add_events(app, count):
    with app.app_context():
        for _ in range(count):
            db.session.add(
                AuditEvent(
                    id=uuid.uuid4(),
                    at=datetime.now(UTC),
                    actor_role="system",
                    action="read",
                    resource="entries",
                )
            )
        db.session.commit()
        db.session.remove()  # the connection stays open in the pool: the rows are still in the -wal file


def events_in(path):
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    finally:
        connection.close()


def test_backup_copies_a_live_database_whole_into_one_private_file(sqlite_app, tmp_path):
    add_events(sqlite_app, 100)
    target = tmp_path / "backups" / "diary-backup.sqlite3"
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "secret_key" in result.output and "vapid_private.pem" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    alone = tmp_path / "moved.sqlite3"
    os.rename(target, alone)  # a backup is one file: nothing of it stays in a -wal beside it
    assert events_in(alone) == 100
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == []


def test_backup_never_overwrites_a_file(sqlite_app, tmp_path):
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and target.read_text() == "keep me"


@pytest.mark.parametrize("points_to", ["nothing", "a file"])
def test_backup_never_replaces_a_symlink(sqlite_app, tmp_path, points_to):
    """A dangling symlink passed the old exists-check, and the backup then replaced the link."""
    pointed = tmp_path / "elsewhere.sqlite3"
    if points_to == "a file":
        pointed.write_text("keep me")
    target = tmp_path / "link.sqlite3"
    target.symlink_to(pointed)
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "exists" in result.output
    assert target.is_symlink() and os.readlink(target) == str(pointed)
    assert (pointed.read_text() == "keep me") if points_to == "a file" else not pointed.exists()
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.endswith(".partial")) == []


def test_a_file_created_while_the_backup_runs_is_never_overwritten(sqlite_app, tmp_path):
    """The old exists-check came before the copy and the rename after it: a file made in between
    (another backup to the same name, a rotation script) was replaced. Here one is made as soon as
    the backup's partial file appears; either it is refused or the backup is, never both kept."""
    add_events(sqlite_app, 3000)  # a copy that takes a moment
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "diary.sqlite3"
    theirs = []

    def race():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(name.endswith(".partial") for name in os.listdir(folder)):
                try:
                    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    return  # the backup holds the name already
                os.write(fd, b"someone else's")
                os.close(fd)
                theirs.append(True)
                return

    racer = threading.Thread(target=race)
    racer.start()
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    racer.join()
    if theirs:
        assert result.exit_code != 0 and target.read_bytes() == b"someone else's", result.output
    else:
        assert result.exit_code == 0 and events_in(target) == 3000, result.output


def test_restore_brings_back_the_backup_and_keeps_the_database_it_replaced(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    add_events(sqlite_app, 3)
    backup = tmp_path / "b.sqlite3"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    add_events(sqlite_app, 5)

    refused = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert refused.exit_code != 0
    with sqlite_app.app_context():
        database = db.engine.url.database
        assert db.session.query(AuditEvent).count() == 8
        db.session.remove()

    restored = runner.invoke(args=["restore", str(backup)], input="y\n")
    assert restored.exit_code == 0, restored.output
    with sqlite_app.app_context():
        assert db.session.query(AuditEvent).count() == 3
        db.session.remove()
    kept = [p for p in (tmp_path).iterdir() if p.name.startswith("diary.sqlite3.before-restore-")]
    assert len(kept) == 1 and events_in(kept[0]) == 8
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600 and stat.S_IMODE(os.stat(database).st_mode) == 0o600


@pytest.mark.parametrize("content", [b"not a database at all" * 100, b""])
def test_restore_refuses_what_is_not_a_diary_backup(sqlite_app, tmp_path, content):
    add_events(sqlite_app, 2)
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(content)
    result = sqlite_app.test_cli_runner().invoke(args=["restore", "--yes", str(bogus)])
    assert result.exit_code != 0
    with sqlite_app.app_context():
        assert db.session.query(AuditEvent).count() == 2
        db.session.remove()


def test_restore_refuses_a_schema_this_version_does_not_know(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    backup = tmp_path / "future.sqlite3"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    connection = sqlite3.connect(backup)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code != 0 and "9999" in result.output


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_on_postgresql_backup_and_restore_explain_its_own_tools(tmp_path, monkeypatch, command):
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    url = "postgresql+psycopg://clinic:s3cret@127.0.0.1:5432/afterglow"
    app = create_app(config_for_tests(None, tmp_path, SQLALCHEMY_DATABASE_URI=url))
    file = tmp_path / "dump"
    file.write_bytes(b"")
    result = app.test_cli_runner().invoke(args=[command, str(file)])
    assert result.exit_code != 0
    assert ("pg_dump" if command == "backup" else "pg_restore") in result.output
    assert "s3cret" not in result.output
