"""Password hashing is bounded per worker: a login that finds the hasher busy waits briefly, then 503."""

import os
import threading

import pytest

from diary.accounts import passwords
from tests.conftest import PASSWORD
from tests.support.api_client import ApiClient

# Serial: a login waits 0.2 s for the hasher another thread holds; the niceness is per thread.
pytestmark = pytest.mark.serial


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PASSWORD_HASH_CONCURRENCY": 1, "PASSWORD_HASH_WAIT_SECONDS": 0.2}


def test_a_login_that_finds_the_hasher_busy_gets_503_with_retry_after(app, provider):
    started, release = threading.Event(), threading.Event()

    def hold_the_hasher():
        with app.app_context():
            passwords._bounded(lambda: (started.set(), release.wait(10)))

    holder = threading.Thread(target=hold_the_hasher)
    holder.start()
    try:
        assert started.wait(10)
        client = ApiClient(app.test_client())
        busy = client.post("/api/v1/auth/login", json={"email": provider["email"], "password": PASSWORD})
        assert busy.status_code == 503
        assert (
            int(busy.headers["Retry-After"]) >= 1
        )  # ours (2 s), as Flask-Limiter rewrites it from its own clock
        assert busy.get_json()["error"]["code"] == "service_unavailable"
    finally:
        release.set()
        holder.join(10)
    assert (
        client.post("/api/v1/auth/login", json={"email": provider["email"], "password": PASSWORD}).status_code
        == 200
    )


def test_hashing_runs_on_a_thread_of_lower_priority(app):
    with app.app_context():
        niceness = passwords._bounded(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    assert niceness >= os.getpriority(os.PRIO_PROCESS, 0) + passwords.HASHING_NICENESS or niceness == 19
