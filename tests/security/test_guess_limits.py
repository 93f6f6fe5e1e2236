"""Guess limits under concurrency (issue 11, item 7): a burst of logins against a served app.

Each guess is counted in the limiter's storage before the password is checked,
so however the requests arrive, at most 5 per email (30 per address) in 15
minutes are evaluated, and the right password sent after them does not log in.
"""

import logging
import threading
import time
import uuid

import pytest
import requests
from limits.storage import memory as limits_memory
from sqlalchemy.exc import OperationalError

from diary import create_app
from diary.accounts import attempts
from diary.accounts.api import LOGIN_PER_EMAIL
from diary.accounts.attempts import guess
from diary.errors import ApiError
from diary.extensions import db
from tests.conftest import PASSWORD
from tests.support.api_client import ApiClient
from tests.support.live_server import LiveServer
from tests.support.redis_server import REDIS_URL, require_redis

BURST = 25


@pytest.fixture
def app_config(app_config):
    # Enough hashing threads for the whole burst: these tests are about the guess count, and a
    # login refused as "busy" (503, accounts/passwords.py) would never reach the password check.
    return {**app_config, "PASSWORD_HASH_CONCURRENCY": BURST, "PASSWORD_HASH_WAIT_SECONDS": 30.0}


class Evaluations(logging.Handler):
    """Counts the failed-login events, one per wrong password that was checked."""

    def __init__(self):
        super().__init__()
        self.failed = 0

    def emit(self, record):  # handle() holds the handler's lock around this
        if record.getMessage() == "login_failed":
            self.failed += 1


@pytest.fixture
def evaluations():
    handler = Evaluations()
    logger = logging.getLogger("diary.security")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def browser_session(url):
    """A client like the PWA: a cookie jar and the CSRF token of its session."""
    session = requests.Session()
    session.headers["X-CSRF-Token"] = session.get(f"{url}/api/v1/auth/session", timeout=30).json()[
        "csrf_token"
    ]
    return session


def burst(url, bodies):
    """Sends every body to POST /auth/login at once (one connection each); returns the statuses."""
    sessions = [browser_session(url) for _ in bodies]
    start = threading.Barrier(len(bodies))
    statuses = [None] * len(bodies)

    def send(index):
        start.wait()
        statuses[index] = (
            sessions[index].post(f"{url}/api/v1/auth/login", json=bodies[index], timeout=60).status_code
        )

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def served(app):
    server = LiveServer(app)
    server.start()
    return server


def check_burst(app, email, evaluations):
    server = served(app)
    try:
        statuses = burst(
            server.url, [{"email": email, "password": f"wrong guess number {n}"} for n in range(BURST)]
        )
        assert evaluations.failed <= 5, f"{evaluations.failed} wrong passwords were checked"
        assert statuses.count(401) == evaluations.failed and statuses.count(429) == BURST - evaluations.failed
        # The refused ones were never checked, so they do not count: the window takes guesses
        # one by one up to five in all, and then not even the right password.
        client = browser_session(server.url)

        def login(password):
            return client.post(
                f"{server.url}/api/v1/auth/login", json={"email": email, "password": password}, timeout=30
            )

        topped_up = [login(f"one more wrong guess {n}").status_code for n in range(5 - evaluations.failed)]
        assert topped_up == [401] * len(topped_up)
        right = login(PASSWORD)
        assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
        assert evaluations.failed == 5
    finally:
        server.stop()


# Serial: 25 threads race one served app, with 30 s waits for a hasher and the network.
@pytest.mark.serial
def test_a_burst_of_wrong_passwords_checks_at_most_five(app, provider, evaluations):
    check_burst(app, provider["email"], evaluations)


@pytest.mark.serial
def test_a_burst_is_limited_through_redis_too(app_config, make_provider, evaluations):
    """Workers sharing DIARY_RATELIMIT_STORAGE_URL=redis://... count the burst together."""
    redis = require_redis()
    prefix = f"afterglow-test-{uuid.uuid4().hex[:12]}"
    provider = make_provider()  # in the app fixture's database, which the Redis-backed app below shares
    app = create_app({**app_config, "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix})
    try:
        check_burst(app, provider["email"], evaluations)
        assert any(redis.scan_iter(match=f"*{prefix}*"))
    finally:
        for key in redis.scan_iter(match=f"*{prefix}*"):
            redis.delete(key)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_right_password_gives_its_guess_back(api, provider):
    def attempt(password):
        return api.post(
            "/api/v1/auth/login", json={"email": provider["email"], "password": password}
        ).status_code

    assert [attempt("a wrong password") for _ in range(4)] == [401] * 4
    assert attempt(PASSWORD) == 200
    assert attempt("a wrong password") == 401
    assert attempt("a wrong password") == 429
    assert attempt(PASSWORD) == 429


class Clock:
    """time.time for the limiter's memory storage and the guess counter, moved by hand."""

    def __init__(self):
        self.now = time.time() // 60 * 60 + 30  # half way through a step (a minute) of the window

    def time(self):
        return self.now


@pytest.fixture
def clocked(api, provider, monkeypatch):
    """(clock, attempt): the limiter's clock moved by hand, and a login as ``provider``."""
    clock = Clock()
    monkeypatch.setattr(limits_memory, "time", clock)
    monkeypatch.setattr(attempts, "time", clock)

    def attempt(password="a wrong password"):
        return api.post("/api/v1/auth/login", json={"email": provider["email"], "password": password})

    return clock, attempt


def test_the_window_slides_no_more_than_five_failures_in_any_fifteen_minutes(clocked):
    # A fixed window let four failures just before it reset and five just after through: nine in 20 s.
    clock, attempt = clocked
    assert attempt().status_code == 401  # t = 0
    clock.now += 14 * 60 + 50
    assert [attempt().status_code for _ in range(4)] == [401] * 4  # t = 14:50, five in all
    clock.now += 80  # t = 16:10: the first has aged out (a window and a step), the four have not
    assert attempt().status_code == 401
    refused = attempt()
    assert refused.status_code == 429
    # Free again when the four from 14:50 leave the window: about 15 minutes on, not at once.
    assert 13 * 60 <= int(refused.headers["Retry-After"]) <= 15 * 60
    assert attempt(PASSWORD).status_code == 429
    clock.now += int(refused.headers["Retry-After"])
    assert attempt(PASSWORD).status_code == 200


def test_tapping_again_while_refused_does_not_keep_the_patient_out_longer(clocked):
    clock, attempt = clocked
    assert [attempt().status_code for _ in range(5)] == [401] * 5  # t = 0
    clock.now += 10 * 60
    refusals = [attempt(PASSWORD) for _ in range(5)]  # t = 10:00, five taps, all refused
    assert [r.status_code for r in refusals] == [429] * 5
    assert len({r.headers["Retry-After"] for r in refusals}) == 1  # the wait does not grow
    clock.now += int(refusals[-1].headers["Retry-After"])
    assert attempt(PASSWORD).status_code == 200  # 15 to 16 minutes after the five failures


def test_guesses_counted_just_past_a_step_edge_are_seen_from_just_before_it(app):
    """A request that read the clock before a minute's edge and counts after others that read it
    after (a paused thread, or a host whose clock is ahead) still sees their guesses."""
    email = "edge@clinic.test"
    with app.test_request_context():
        edge = (time.time() // 60 + 1) * 60
        for _ in range(5):
            LOGIN_PER_EMAIL.count_one(email, edge + 0.01)
        assert LOGIN_PER_EMAIL.counted(email, edge - 0.01) == 5


def test_wrong_current_passwords_are_limited(provider_client):
    def change(current):
        body = {"current_password": current, "new_password": "a brand new passphrase"}
        return provider_client.post("/api/v1/me/password", json=body)

    assert [change("not my password").status_code for _ in range(5)] == [401] * 5
    blocked = change(PASSWORD)
    assert blocked.status_code == 429 and blocked.get_json()["error"]["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0


def test_failed_registrations_are_limited_per_address(api):
    body = {
        "invite_code": "NOTAREALCODE",
        "email": "someone@mail.test",
        "password": PASSWORD,
        "name": "Some One",
        "timezone": "UTC",
    }
    statuses = [
        api.post(
            "/api/v1/auth/register", json=body, environ_base={"REMOTE_ADDR": "198.51.100.20"}
        ).status_code
        for _ in range(11)
    ]
    assert statuses == [422] * 10 + [429]
    other = api.post("/api/v1/auth/register", json=body, environ_base={"REMOTE_ADDR": "198.51.100.21"})
    assert other.status_code == 422


def failed_login(client, email, forwarded_for):
    body = {"email": email, "password": "wrong password!!"}
    return client.post(
        "/api/v1/auth/login",
        json=body,
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_the_per_address_limit_uses_the_forwarded_address_only_when_configured(app_config, trusted_proxies):
    app = create_app({**app_config, "TRUSTED_PROXIES": trusted_proxies})
    with app.app_context():
        db.create_all()
    try:
        client = ApiClient(app.test_client())
        for number in range(30):
            assert failed_login(client, f"guess{number}@clinic.test", "203.0.113.7").status_code == 401
        assert failed_login(client, "guess-more@clinic.test", "203.0.113.7").status_code == 429
        other_client = failed_login(client, "guess-more@clinic.test", "203.0.113.8")
        # Behind a trusted proxy another client has its own count; without one, a forged header changes nothing.
        assert other_client.status_code == (401 if trusted_proxies else 429)
        spoofed = failed_login(client, "guess-more@clinic.test", "198.51.100.1, 203.0.113.7")
        assert spoofed.status_code == 429  # only the hop the proxy added counts
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_login_refused_as_busy_is_not_a_guess(app, provider):
    with app.test_request_context():
        with pytest.raises(ApiError), guess((LOGIN_PER_EMAIL, provider["email"])):
            raise ApiError(503)
        assert LOGIN_PER_EMAIL.counted(provider["email"]) == 0
        with pytest.raises(ApiError), guess((LOGIN_PER_EMAIL, provider["email"])):
            raise ApiError(401)
        assert LOGIN_PER_EMAIL.counted(provider["email"]) == 1


def test_a_login_the_database_could_not_serve_is_not_a_guess(app, provider):
    """The user is looked up before the password is checked: a database away answers 503
    (database.unavailable) and must not use up the patient's five guesses."""
    lost = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
    with app.test_request_context():
        with pytest.raises(OperationalError), guess((LOGIN_PER_EMAIL, provider["email"])):
            raise lost
        assert LOGIN_PER_EMAIL.counted(provider["email"]) == 0
        with pytest.raises(ValueError), guess((LOGIN_PER_EMAIL, provider["email"])):
            raise ValueError("a bug is still a guess")
        assert LOGIN_PER_EMAIL.counted(provider["email"]) == 1
