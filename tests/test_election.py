"""The scheduler's election (diary/election.py): one leader, and another when it lets go or loses its lock.

Each lock here stands for a scheduler on a machine of its own, with an engine of its own. A
leader loses its lock while alive when, on PostgreSQL, the server ends its lock connection (an
administrator's ``pg_terminate_backend``, a failover, a network cut), or, on SQLite, the lock
file is deleted (a clean-up of the instance folder): another scheduler can then take the lock,
and the old leader must see that it no longer holds it and must not win it back beside the new one.
"""

import os
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from diary import election
from tests.conftest import PG_URL

# On PostgreSQL the election's advisory lock is one key for the whole database, so these must
# not run beside the scheduler processes of another xdist worker (`serial` shares their group).
pytestmark = pytest.mark.serial


@contextmanager
def schedulers(app, count=2):
    """``count`` election locks, each on an engine of its own; released and disposed of after."""
    engines = [create_engine(app.config["SQLALCHEMY_DATABASE_URI"]) for _ in range(count)]
    locks = [election.lock_for(engine, app.instance_path) for engine in engines]
    try:
        yield locks
    finally:
        for lock in locks:
            lock.release()
        for engine in engines:
            engine.dispose()


def polls_until_elected(lock, timeout=10):
    """A standby's polls (the server ends a session a moment after it is asked to)."""
    deadline = time.monotonic() + timeout
    while not lock.acquire():
        assert time.monotonic() < deadline, "never elected"
        time.sleep(0.1)
    return True


def as_administrator(statement, **params):
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return connection.scalar(text(statement), params)
    finally:
        admin.dispose()


def backend_of(lock):
    cursor = lock.connection.cursor()
    cursor.execute("SELECT pg_backend_pid()")
    backend = cursor.fetchone()[0]
    cursor.close()
    return backend


def take_away(lock):
    """Ends ``lock``'s hold from outside the scheduler that holds it."""
    if isinstance(lock, election.AdvisoryLock):
        assert as_administrator("SELECT pg_terminate_backend(:pid)", pid=backend_of(lock))
    else:
        os.unlink(lock.path)


def assert_leads_quietly(lock):
    """The leader's hold costs nothing else: on PostgreSQL its session is idle, never "idle in
    transaction" (which a server's idle_in_transaction_session_timeout would end, and the lock
    with it); on SQLite the lock file names the process that holds it."""
    if isinstance(lock, election.AdvisoryLock):
        state = as_administrator("SELECT state FROM pg_stat_activity WHERE pid = :pid", pid=backend_of(lock))
        assert state == "idle"
    else:
        assert lock.path.read_text() == f"{os.getpid()}\n"


def test_one_leader_and_a_standby_that_leads_once_the_leader_lets_go(app):
    with schedulers(app) as (leader, standby):
        assert leader.acquire() and leader.held()
        assert not standby.acquire() and not standby.held()
        assert leader.held()  # checking leaves the leader as quiet as it was
        assert_leads_quietly(leader)
        leader.release()  # a clean stop
        assert not leader.held()
        assert polls_until_elected(standby) and standby.held()
        assert not leader.acquire()


def test_a_leader_that_loses_its_lock_sees_it_and_does_not_win_it_back_beside_the_new_one(app):
    with schedulers(app) as (leader, standby):
        assert leader.acquire() and leader.held()
        assert not standby.acquire()

        take_away(leader)
        assert polls_until_elected(standby) and standby.held()  # the standby takes over
        assert not leader.held()  # the old leader knows it no longer leads
        assert not leader.acquire()  # and does not lead again while the new leader holds the lock
        assert standby.held()

        standby.release()  # the new leader stops: the old one may lead again
        assert polls_until_elected(leader) and leader.held()
