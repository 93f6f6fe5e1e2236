"""Backups, restores, and the one migration command that destroys everything.

``backup FILE`` copies a live SQLite database with SQLite's online backup API:
a consistent snapshot, taken page by page while the app keeps running (a plain
file copy of a WAL database misses what is still in the ``-wal`` file). On
PostgreSQL it prints how to use ``pg_dump`` instead and exits non-zero.

``restore FILE`` (SQLite) checks the file first (a SQLite database that passes
``integrity_check``, at a schema revision this code knows), keeps a copy of the
current database beside it, then copies the file in with the same backup API,
in one transaction: a process that is still running sees the old data or the
restored data, never a mix. The web server and the scheduler should still be
stopped first (what they write meanwhile is lost), so it asks for confirmation.

``db downgrade`` refuses to go past the initial schema (which drops every table)
or below 0002 (which drops the audit trail's append-only triggers) unless
``--yes-destroy-all-data`` is given.
"""

import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app, g
from flask.cli import with_appcontext

from .database import create_owner_only, owner_only, sqlite_path
from .extensions import db

DESTROY_CONSENT = "yes-destroy-all-data"  # read by migrations 0001 (every table) and 0002 (audit triggers)


def _database_path() -> Path | None:
    return sqlite_path(db.engine.url)


def _postgresql_advice(verb: str, file: str) -> None:
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
    if verb == "backup":
        advice = f"pg_dump --format=custom --file '{file}' '{url}'"
    else:
        advice = f"pg_restore --clean --if-exists --no-owner --dbname '{url}' '{file}'"
    click.echo(f"This deployment runs on PostgreSQL; use its own tools:\n  {advice}", err=True)
    click.echo("(give the password with PGPASSWORD or ~/.pgpass, not on the command line)", err=True)


def _copy(source: Path, target: Path, *, single_file=False) -> None:
    """SQLite's online backup of ``source`` into ``target`` (replaced whole, in one transaction).

    ``single_file``: the copy keeps no ``-wal`` file beside it, so it can be moved alone.
    """
    src, dst = sqlite3.connect(source, timeout=30), sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
        if single_file:
            dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        src.close()
        dst.close()


def _check(file: Path) -> str | None:
    """The schema revision of a database file (None if it has none).

    Raises ClickException when it is not a sound diary database."""
    connection = sqlite3.connect(file)
    try:
        status = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            raise click.ClickException(f"{file} is damaged: {status}")
        tables = {
            name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "audit_events" not in tables:
            raise click.ClickException(f"{file} is not a diary database")
        revision = (
            connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if "alembic_version" in tables
            else None
        )
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{file} is not a diary database: {exc}") from None
    finally:
        connection.close()
    return revision[0] if revision else None


def _claim(file: Path) -> os.stat_result:
    """Creates ``file`` empty and 0600, or refuses if anything is there: a file, a folder, a
    symlink (dangling or not). One system call (O_EXCL, O_NOFOLLOW), so nothing made after a
    check and before the write can be overwritten. Returns its identity for ``_release``."""
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise click.ClickException(f"{file} exists; give a new file name") from None
    try:
        return os.fstat(fd)
    finally:
        os.close(fd)


def _release(file: Path, claimed: os.stat_result) -> None:
    """Removes the empty file ``_claim`` made, if it is still that one."""
    try:
        now = os.lstat(file)
    except FileNotFoundError:
        return
    if (now.st_dev, now.st_ino) == (claimed.st_dev, claimed.st_ino):
        os.unlink(file)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file):
    """Writes a consistent copy of the SQLite database to FILE (0600), while the app runs."""
    source = _database_path()
    if source is None:
        _postgresql_advice("backup", str(file))
        raise SystemExit(2)
    file.parent.mkdir(parents=True, exist_ok=True)
    claimed = _claim(file)
    fd, partial = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".partial")  # 0600
    os.close(fd)
    done = False
    try:
        _copy(source, Path(partial), single_file=True)
        revision = _check(Path(partial))
        os.replace(partial, file)  # over the empty file claimed above, whole, at once
        done = True
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
        if not done:
            _release(file, claimed)
    click.echo(f"backed up to {file} (schema {revision})")
    click.echo("keep the instance folder's secret_key and vapid_private.pem with it")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file, yes):
    """Replaces the SQLite database with FILE (a `backup`); the current one is kept beside it."""
    target = _database_path()
    if target is None:
        _postgresql_advice("restore", str(file))
        raise SystemExit(2)
    revision = _check(file)
    if revision is None:
        raise click.ClickException(
            f"{file} has no schema revision (alembic_version); it was not made by `backup`"
        )
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    if revision not in {rev.revision for rev in script.walk_revisions()}:
        raise click.ClickException(
            f"{file} is at schema {revision}, which this version does not know; "
            "restore it with the version that made it"
        )
    if not yes:
        click.confirm(
            f"Replace every record in {target} with {file}? Stop the web server and the scheduler first",
            abort=True,
        )
    db.engine.dispose()  # this process's own connections hold no lock while the copy runs
    kept = None
    if target.exists():
        kept = target.with_name(f"{target.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        create_owner_only(kept)
        _copy(target, kept, single_file=True)
    create_owner_only(target)
    _copy(file, target)
    owner_only(target)
    click.echo(
        f"restored {file} (schema {revision})"
        + (f"; the previous database is kept in {kept}" if kept else "")
    )
    if revision != script.get_current_head():
        click.echo("now run `flask --app diary db upgrade`")


def _guarded_downgrade(downgrade: click.Command) -> click.Command:
    def callback(yes_destroy_all_data, x_arg, **kwargs):
        x_arg = tuple(x_arg or g.get("x_arg") or ())
        if yes_destroy_all_data:
            x_arg += (f"{DESTROY_CONSENT}=yes",)
        return downgrade.callback(x_arg=x_arg, **kwargs)

    consent = click.Option(
        [f"--{DESTROY_CONSENT}", "yes_destroy_all_data"],
        is_flag=True,
        help="Allow going below 0002 (it drops the audit trail's append-only triggers) "
        "and below the initial schema (it drops every table).",
    )
    return click.Command(
        downgrade.name, params=[*downgrade.params, consent], callback=callback, help=downgrade.help
    )


def guarded_db_group(group: click.Group) -> click.Group:
    """Flask-Migrate's ``db`` group, with a downgrade that needs consent to drop everything."""
    commands = {**group.commands, "downgrade": _guarded_downgrade(group.commands["downgrade"])}
    return click.Group(
        group.name, commands=commands, params=group.params, callback=group.callback, help=group.help
    )


def guard_downgrade(app):
    """Replaces the app's ``db`` group (added by Flask-Migrate's ``init_app``) with the guarded one."""
    app.cli.add_command(guarded_db_group(app.cli.commands["db"]), "db")
