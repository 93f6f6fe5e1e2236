"""One active scheduler among many: a leader holds a lock, the others wait to take over.

Every machine may run ``flask --app diary scheduler run``. On PostgreSQL the
leader holds a session-level advisory lock on a connection of its own: when
the process dies, or its connection does, PostgreSQL releases the lock, and
the next standby to ask (every ``POLL`` seconds) takes over. On SQLite (one
machine by nature) the lock is an exclusive ``flock`` on a file in the
instance folder, released by the kernel when the process ends.

The jobs stay safe without the election (every job claims its rows), so a
leader that loses its lock only stops soon after; the election saves the
duplicated work and database load of N schedulers, not correctness.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from sqlalchemy.engine import Engine

log = logging.getLogger("diary.scheduler")

# pg_advisory_lock takes one bigint: a fixed key for "the Afterglow scheduler" (the ASCII of "aftrglow").
LOCK_KEY = int.from_bytes(b"aftrglow", "big") & 0x7FFF_FFFF_FFFF_FFFF
POLL = (
    10.0  # seconds between a standby's attempts, and between a leader's checks that it still holds the lock
)


class AdvisoryLock:
    """PostgreSQL: ``pg_try_advisory_lock`` on a connection held for as long as the leadership."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection = None

    def acquire(self) -> bool:
        try:
            if self.connection is None:
                # A connection of its own, outside the pool: its life is the leadership's. Detached,
                # closing it ends the session and the lock (returned to the pool, both would live on).
                # Autocommit on the driver's connection, not its pool proxy: otherwise the session
                # would sit "idle in transaction" for as long as it leads.
                connection = self.engine.raw_connection()
                connection.detach()
                connection.dbapi_connection.autocommit = True
                self.connection = connection
            cursor = self.connection.cursor()
            cursor.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
            acquired = bool(cursor.fetchone()[0])
            cursor.close()
            return acquired
        except Exception as exc:  # the database is away: stay a standby, try again later
            log.warning("scheduler election: cannot reach the database (%s)", exc.__class__.__name__)
            self.release()
            return False

    def held(self) -> bool:
        """True while this session still holds the lock (it would not survive a lost connection)."""
        if self.connection is None:
            return False
        try:
            cursor = self.connection.cursor()
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = %s",
                (LOCK_KEY,),
            )
            held = cursor.fetchone()[0] > 0
            cursor.close()
            return held
        except Exception:
            self.release()
            return False

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()  # ends the session, and with it the lock
            except Exception:  # already gone: so is the lock
                log.debug("scheduler election: the lock's connection was already closed")
            self.connection = None


class FileLock:
    """SQLite: an exclusive ``flock`` on ``scheduler.lock`` in the instance folder.

    The lock is on the file, not on its name: should the file be deleted (a clean-up of the
    instance folder), the next scheduler to open the name creates another file and locks that
    one. So the leader holds the lock only while the name still leads to the file it locked,
    and every attempt locks the file the name leads to now.
    """

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None
        self.locked = False

    def acquire(self) -> bool:
        if self.fd is not None and not self._is_current():
            self.release()  # the file was replaced: the lock to win is on the new one
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        if not self._is_current():  # deleted between the open and the lock: try again at the next poll
            self.release()
            return False
        self.locked = True
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)
        return True

    def held(self) -> bool:
        """True while this process holds the lock on the file the lock's name leads to."""
        if not self.locked:
            return False
        if not self._is_current():
            log.warning("scheduler election: the lock file was deleted or replaced")
            self.release()
            return False
        return True

    def _is_current(self) -> bool:
        try:
            named = os.stat(self.path)
        except FileNotFoundError:
            return False
        held = os.fstat(self.fd)
        return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        self.locked = False


def lock_for(engine: Engine, instance_path: str):
    """The election lock that fits the database: an advisory lock on PostgreSQL, a lock file otherwise."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return FileLock(Path(instance_path) / "scheduler.lock")
