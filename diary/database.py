"""How the app holds its database connections: SQLite's transactions and file modes.

SQLite. Python's sqlite3 driver, left to itself, opens a transaction only
before an INSERT, UPDATE or DELETE and commits on its own around other
statements: a ``SAVEPOINT`` issued first became a transaction of its own, and
releasing it committed a check-in whose audit row and summary then rolled
back. SQLAlchemy's documented pysqlite recipe ("Serializable isolation /
Savepoints / Transactional DDL") turns the driver's transaction handling off
and emits ``BEGIN`` itself, so a savepoint nests inside one real transaction.

Every transaction but a read-only one (``begin_read_only``: an export) begins
``IMMEDIATE``: it takes SQLite's write lock at the start, waiting
(``busy_timeout``) for another writer to finish. Requests that
only read by their method write too (the read audit, the idle clock), and a
deferred transaction that has read cannot wait for the lock when it comes to
write: in WAL mode SQLite answers "database is locked" at once. Readers never
wait in WAL mode; here they queue behind a writer for a few milliseconds,
which a clinic-sized SQLite deployment does not notice.

A database that cannot serve (unreachable, restarted, locked) answers 503 with
``Retry-After``, and the outage is logged once when it starts and once when it
ends, not once per request.

PostgreSQL that does not answer (a hung server, a network that drops packets, a
proxy that accepts and stays silent) must not hold a thread for long: psycopg
waits 130 s for a connection by default, and a query or a pool checkout as long
as it takes, so a handful of requests stalled every thread and even the static
files. ``engine_options`` bounds each wait: the connect timeout, TCP keepalives
and ``tcp_user_timeout`` (a peer that stops acknowledging), the pool checkout,
and a statement timeout: short for web requests, longer for the scheduler and
the command line (``tune_postgresql``). Any libpq parameter given in the URL wins.

The database file and its ``-wal`` and ``-shm`` companions hold health data:
they are created readable by their owner only, like the keys beside them
(SQLite gives the companions the database file's mode).
"""

import contextlib
import logging
import os
import threading
import time
from pathlib import Path

from flask import has_request_context
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

BUSY_TIMEOUT_MS = 10000

CONNECT_TIMEOUT = 3  # seconds for a new PostgreSQL connection (psycopg's own default is 130)
POOL_TIMEOUT = 5  # seconds a request waits for a pooled connection before it answers 503
# A dead peer: an idle connection is probed after 10 s, then every 3 s, and given up after 3
# unanswered probes; data left unacknowledged for 8 s ends the connection too.
TCP_OPTIONS = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "tcp_user_timeout": 8000,
}


def engine_options(url: str, options: dict) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS for ``url``: the timeouts above and, on PostgreSQL, the web
    requests' statement timeout (``statement_timeout_s``, given as the connection's default).
    The URL's own libpq parameters (``?connect_timeout=10``, ``?options=-c…``) win."""
    options = dict(options)
    statement_timeout_s = options.pop("statement_timeout_s", None)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        connect_args = {"connect_timeout": CONNECT_TIMEOUT, **TCP_OPTIONS}
        startup = parsed.query.get("options", "")
        if statement_timeout_s and "statement_timeout" not in startup:
            connect_args["options"] = (
                f"{startup} -c statement_timeout={int(statement_timeout_s * 1000)}".strip()
            )
        options["connect_args"] = {
            **{
                key: value
                for key, value in connect_args.items()
                if key not in parsed.query or key == "options"
            },
            **options.get("connect_args", {}),
        }
        options.setdefault("pool_timeout", POOL_TIMEOUT)
    elif sqlite_path(parsed) is not None:  # a file: a pool of connections (in memory: one, no timeout)
        options.setdefault("pool_timeout", POOL_TIMEOUT)
    return options


def tune_postgresql(engine, job_statement_timeout_s: float) -> None:
    """Outside a web request (a scheduler job, a command) a transaction may take longer: its
    statements get ``job_statement_timeout_s`` instead of the connection's default."""
    if engine.dialect.name != "postgresql":
        return
    milliseconds = int(job_statement_timeout_s * 1000)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if not has_request_context():
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")


def tune_sqlite(engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    path = sqlite_path(engine.url)
    if path is not None:
        create_owner_only(path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # The driver opens and commits nothing by itself; _on_begin does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
            owner_only(path)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        deferred = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


#: A connection's execution option: its transaction only reads. On SQLite it begins
#: deferred, so a long read (an export streaming the audit trail) holds no write lock
#: and check-ins go on meanwhile. It must not write: end it first.
READ_ONLY = "diary_read_only"


def begin_read_only(session) -> None:
    """Begins the next transaction of ``session`` (a scoped session: ``db.session``) as
    one that only reads (``READ_ONLY``). Call it before the transaction's first
    statement; ``rollback`` (or ``commit``) ends it.
    """
    if session.registry().in_transaction():
        raise RuntimeError("begin_read_only needs a session outside a transaction")
    session.connection(execution_options={READ_ONLY: True})


def sqlite_path(url) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database."""
    if (
        url.get_backend_name() != "sqlite"
        or url.database in (None, "", ":memory:")
        or url.database.startswith("file::memory:")
    ):
        return None
    return Path(url.database)


def create_owner_only(path: Path) -> None:
    """Creates an empty database file 0600 before SQLite does (SQLite gives its -wal and
    -shm files the database file's mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def owner_only(path: Path) -> None:
    """Makes the database and its companions 0600 (created by an earlier version, or by hand)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if candidate.stat().st_mode & 0o077:
                candidate.chmod(0o600)
        except FileNotFoundError:
            pass
        except PermissionError:  # another user's file: leave it, the operator's choice
            pass


# ------------------------------------------------------------------ outages

LOCKED_RETRY_AFTER = 1  # seconds: another process is writing
OUTAGE_RETRY_AFTER = 5  # seconds: the database cannot be reached


def unavailable(exc: BaseException) -> int | None:
    """Seconds to wait when ``exc`` means the database cannot serve now (unreachable,
    connection lost, SQLite locked, pool exhausted); None for any other error."""
    if isinstance(exc, PoolTimeout):
        return LOCKED_RETRY_AFTER
    if not isinstance(exc, DBAPIError):
        return None
    if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
        return LOCKED_RETRY_AFTER
    if exc.connection_invalidated:
        return OUTAGE_RETRY_AFTER
    if isinstance(exc, OperationalError):
        # SQLite says OperationalError for its own faults too ("no such table" after a missed
        # migration): those are bugs to log as such, not an outage a client should wait out.
        if getattr(exc.orig, "sqlite_errorname", None) in SQLITE_FAULTS:
            return None
        return OUTAGE_RETRY_AFTER
    return None


#: SQLite's own errors that no waiting mends (the others, busy, I/O, cannot open, are an outage).
SQLITE_FAULTS = frozenset(
    ("SQLITE_ERROR", "SQLITE_TOOBIG", "SQLITE_RANGE", "SQLITE_MISMATCH", "SQLITE_CONSTRAINT")
)


class Outage:
    """Logs an outage of ``what`` (the database; the rate limiter's storage, errors.py) once when it
    starts and once when it ends, however many requests or jobs meet it in between; never SQL,
    bound parameters or the driver's text."""

    def __init__(self, logger: logging.Logger, what: str = "database"):
        self.log = logger
        self.what = what
        self._lock = threading.Lock()
        self._since: float | None = None
        self._failures = 0

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self._failures += 1
            if self._since is not None:
                return
            self._since = time.monotonic()
        orig = getattr(exc, "orig", None)
        self.log.error(
            "%s unavailable: %s%s; answering 503 until it is back",
            self.what,
            type(exc).__name__,
            f" ({type(orig).__name__}{' ' + orig.sqlstate if getattr(orig, 'sqlstate', None) else ''})"
            if orig is not None
            else "",
        )

    def is_on(self) -> bool:
        return self._since is not None

    def succeeded(self) -> None:
        if self._since is None:
            return
        with self._lock:
            if self._since is None:
                return
            seconds, failures = time.monotonic() - self._since, self._failures
            self._since, self._failures = None, 0
        self.log.warning(
            "%s available again after %.0f s (%d request(s) or job(s) answered unavailable)",
            self.what,
            seconds,
            failures,
        )


def outage(app) -> Outage:
    """The app's outage tracker (one per app, so each worker process logs its own)."""
    return app.extensions.setdefault("diary_outage", Outage(logging.getLogger("diary.database")))
