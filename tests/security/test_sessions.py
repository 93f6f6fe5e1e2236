"""Session cookies, timeouts, password changes and login throttling
(ASVS 7.x, 6.3.1; HIPAA 164.312(a)(2)(iii))."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from config import Config
from diary import create_app
from diary.accounts.models import AuthSession
from diary.db_types import utcnow
from diary.extensions import db
from tests.conftest import PASSWORD, login
from tests.support.api_client import ApiClient
from tests.support.redis_server import REDIS_URL, require_redis

NEW_PASSWORD = "a much longer new passphrase"


def error(response):
    return response.get_json()["error"]


def session_cookie_header(response):
    return next(value for value in response.headers.getlist("Set-Cookie") if "session=" in value)


def test_cookie_is_httponly_and_lax_over_http(api, provider):
    response = api.post("/api/v1/auth/login", json={"email": provider["email"], "password": PASSWORD})
    cookie = session_cookie_header(response)
    assert cookie.startswith("diary_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # it would never come back over plain http


def test_cookie_is_secure_with_host_prefix_over_https(app_config, monkeypatch):
    monkeypatch.setenv("DIARY_BASE_URL", "https://diary.example/")
    app = create_app({**app_config, "BASE_URL": "https://diary.example"})
    response = app.test_client().get("/api/v1/auth/session", base_url="https://diary.example")
    cookie = session_cookie_header(response)
    assert cookie.startswith("__Host-diary_session=")
    # __Host- cookies are only accepted with Secure, Path=/ and no Domain.
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def live_session(app, user_id):
    return db.session.scalars(
        select(AuthSession).where(AuthSession.user_id == uuid.UUID(user_id), AuthSession.revoked_at.is_(None))
    ).one()


def age_session(app, user_id, *, idle=None, age=None):
    """Moves the user's session back in time: ``idle`` since last use, ``age`` since login."""
    with app.app_context():
        row = live_session(app, user_id)
        now = utcnow()
        if age is not None:
            lifetime = row.expires_at - row.created_at
            row.created_at = now - age
            row.expires_at = row.created_at + lifetime
        row.last_seen_at = now - (idle if idle is not None else timedelta(minutes=2))
        db.session.commit()


def logged_in(client):
    return client.get("/api/v1/auth/session").get_json()["user"] is not None


def session_lifetime(app, user_id):
    with app.app_context():
        row = live_session(app, user_id)
        return row.expires_at - row.created_at


def test_provider_session_ends_after_30_idle_minutes(app, provider_client):
    user_id = provider_client.user["id"]
    age_session(app, user_id, idle=timedelta(minutes=29))
    assert logged_in(provider_client)
    age_session(app, user_id, idle=timedelta(minutes=31))
    assert provider_client.post("/api/v1/invites", json={}).status_code == 401
    assert not logged_in(provider_client)


def test_provider_session_ends_after_12_hours_however_busy(app, provider_client):
    user_id = provider_client.user["id"]
    assert session_lifetime(app, user_id) == timedelta(hours=12)
    age_session(app, user_id, age=timedelta(hours=11, minutes=59), idle=timedelta(minutes=1))
    assert logged_in(provider_client)
    age_session(app, user_id, age=timedelta(hours=12, minutes=1), idle=timedelta(minutes=1))
    assert not logged_in(provider_client)


def test_patient_stays_signed_in_for_30_days(app, patient):
    user_id = patient.user["id"]
    assert session_lifetime(app, user_id) == timedelta(days=30)
    age_session(app, user_id, age=timedelta(days=29, hours=23), idle=timedelta(days=29, hours=23))
    assert patient.get("/api/v1/me/settings").status_code == 200
    age_session(app, user_id, age=timedelta(days=30, minutes=1), idle=timedelta(minutes=1))
    assert patient.get("/api/v1/me/settings").status_code == 401


def test_use_moves_the_idle_clock(app, provider_client):
    user_id = provider_client.user["id"]
    age_session(app, user_id, idle=timedelta(minutes=20))
    assert logged_in(provider_client)  # touched now
    with app.app_context():
        assert utcnow() - live_session(app, user_id).last_seen_at < timedelta(minutes=1)


def test_password_change_ends_every_other_session(app, patient):
    email = patient.get("/api/v1/auth/session").get_json()["user"]["email"]
    other_phone = login(app, email)
    old_csrf = patient.csrf
    response = patient.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204 and response.data == b""
    assert logged_in(patient) and patient.get("/api/v1/me/settings").status_code == 200
    assert patient.token() != old_csrf  # the session's new token, fetched again
    assert not logged_in(other_phone)
    assert patient.post("/api/v1/me/settings", json={}, headers={"X-CSRF-Token": old_csrf}).status_code == 403
    wrong = ApiClient(app.test_client()).post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert wrong.status_code == 401
    login(app, email, NEW_PASSWORD)


def test_password_change_rotates_the_session_id(app, provider_client):
    before = provider_client.client.get_cookie("diary_session").value
    stolen = ApiClient(app.test_client())
    stolen.client.set_cookie("diary_session", before)
    assert logged_in(stolen)
    response = provider_client.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204
    assert provider_client.client.get_cookie("diary_session").value != before
    assert not logged_in(stolen) and logged_in(provider_client)


def test_a_wrong_current_password_is_invalid_credentials(app, provider, provider_client):
    body = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    response = provider_client.post("/api/v1/me/password", json=body)
    assert response.status_code == 401 and error(response)["code"] == "invalid_credentials"
    assert logged_in(provider_client)  # a wrong guess does not log the caller out
    login(app, provider["email"], PASSWORD)  # nor change anything


def test_a_weak_new_password_is_refused_on_its_field(provider_client):
    body = {"current_password": PASSWORD, "new_password": "too short"}
    response = provider_client.post("/api/v1/me/password", json=body)
    assert response.status_code == 422 and "new_password" in error(response)["fields"]


def test_password_change_needs_login(api):
    response = api.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 401


def test_administrator_reset_ends_every_session(app, runner, provider, provider_client):
    result = runner.invoke(
        args=["users", "reset-password", "--email", provider["email"], "--password", NEW_PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert not logged_in(provider_client)
    login(app, provider["email"], NEW_PASSWORD)
    short = runner.invoke(
        args=["users", "reset-password", "--email", provider["email"], "--password", "short"]
    )
    assert short.exit_code != 0 and "12 characters" in short.output


def failed_login(client, email, ip):
    return client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": "wrong password!!"},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_thirty_failures_from_one_address_then_429(app):
    client = ApiClient(app.test_client())
    for number in range(30):
        assert failed_login(client, f"guess{number}@clinic.test", "198.51.100.7").status_code == 401
    blocked = failed_login(client, "guess-more@clinic.test", "198.51.100.7")
    assert blocked.status_code == 429 and error(blocked)["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0
    assert failed_login(client, "guess-more@clinic.test", "198.51.100.8").status_code == 401


def test_lockout_is_shared_through_redis(app_config, monkeypatch, make_provider):
    """Two workers sharing DIARY_RATELIMIT_STORAGE_URL count one email's failures together."""
    redis = require_redis()
    monkeypatch.setenv("DIARY_RATELIMIT_STORAGE_URL", REDIS_URL)
    prefix = f"afterglow-test-{uuid.uuid4().hex[:12]}"
    config = {
        **app_config,
        "RATELIMIT_STORAGE_URI": Config().RATELIMIT_STORAGE_URI,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    assert config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    try:
        workers = [ApiClient(create_app(config).test_client()) for _ in range(2)]
        email = "someone@clinic.test"
        for attempt in range(5):
            assert failed_login(workers[attempt % 2], email, "203.0.113.9").status_code == 401
        assert failed_login(workers[0], email, "203.0.113.9").status_code == 429
        assert (
            failed_login(workers[1], email, "203.0.113.10").status_code == 429
        )  # per email, whatever the address
        assert any(redis.scan_iter(match=f"*{prefix}*"))
    finally:
        for key in redis.scan_iter(match=f"*{prefix}*"):
            redis.delete(key)


@pytest.mark.parametrize("new_password", ["1q2w3e4r5t6y", "1Q2W3E4R5T6Y", "cookiemonster"])
def test_common_passwords_are_refused(provider_client, new_password):
    response = provider_client.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": new_password}
    )
    assert response.status_code == 422 and "too common" in error(response)["fields"]["new_password"][0]


def test_passwords_made_of_ones_own_details_are_refused(app, provider_client):
    code = provider_client.post("/api/v1/invites", json={}).get_json()["code"]
    body = {
        "invite_code": code,
        "email": "rosalind@mail.test",
        "password": "rosalind-1920-dna",
        "name": "Rosalind F",
        "timezone": "UTC",
    }
    response = ApiClient(app.test_client()).post("/api/v1/auth/register", json=body)
    assert response.status_code == 422 and "password" in error(response)["fields"]
    assert (
        ApiClient(app.test_client())
        .post("/api/v1/auth/register", json={**body, "password": "tea with milk at four"})
        .status_code
        == 201
    )


def test_administrators_can_end_sessions(app, runner, provider, provider_client, patient):
    assert runner.invoke(args=["users", "end-sessions"]).exit_code != 0
    result = runner.invoke(args=["users", "end-sessions", "--email", provider["email"]])
    assert result.exit_code == 0, result.output
    assert not logged_in(provider_client) and logged_in(patient)
    assert runner.invoke(args=["users", "end-sessions", "--all"]).exit_code == 0
    assert not logged_in(patient)
