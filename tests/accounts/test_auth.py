"""Sessions, CSRF, login, logout, rate limits, invites and registration.

docs/api.md, "Conventions" and "Accounts and sessions".
"""

from datetime import timedelta

import pytest

from diary.extensions import db
from tests.conftest import PASSWORD, login
from tests.support.api_client import ApiClient


def error_code(response):
    return response.get_json()["error"]["code"]


def test_session_is_anonymous_with_a_csrf_token(api):
    body = api.get("/api/v1/auth/session").get_json()
    assert body["user"] is None
    assert len(body["csrf_token"]) >= 32


def test_unsafe_requests_need_the_csrf_header(api, provider):
    credentials = {"email": provider["email"], "password": PASSWORD}
    missing = api.post("/api/v1/auth/login", json=credentials, csrf=False)
    assert missing.status_code == 403 and error_code(missing) == "csrf_failed"
    wrong = api.post("/api/v1/auth/login", json=credentials, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403 and error_code(wrong) == "csrf_failed"


def test_login_rotates_session_and_csrf_token(api, provider):
    before = api.token()
    response = api.post("/api/v1/auth/login", json={"email": provider["email"].upper(), "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["email"] == provider["email"]
    assert body["user"]["role"] == "provider"
    assert set(body["user"]) == {"id", "email", "name", "role", "timezone", "language", "admin"}
    assert body["csrf_token"] != before
    old_token = api.post("/api/v1/invites", json={}, headers={"X-CSRF-Token": before})
    assert old_token.status_code == 403


def test_unknown_email_and_wrong_password_answer_alike(api, provider):
    unknown = api.post("/api/v1/auth/login", json={"email": "nobody@clinic.test", "password": PASSWORD})
    wrong = api.post("/api/v1/auth/login", json={"email": provider["email"], "password": "wrong password!!"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()
    assert error_code(unknown) == "invalid_credentials"


def test_anonymous_access_is_401_unauthenticated(api):
    response = api.get("/api/v1/me/settings")
    assert response.status_code == 401 and error_code(response) == "unauthenticated"


def test_five_failures_for_one_email_then_429(api, provider):
    for _ in range(5):
        assert (
            api.post(
                "/api/v1/auth/login", json={"email": provider["email"], "password": "wrong password!!"}
            ).status_code
            == 401
        )
    blocked = api.post("/api/v1/auth/login", json={"email": provider["email"], "password": PASSWORD})
    assert blocked.status_code == 429
    assert error_code(blocked) == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0
    other = api.post(
        "/api/v1/auth/login", json={"email": "someone-else@clinic.test", "password": "wrong password!!"}
    )
    assert other.status_code == 401


def test_successful_logins_do_not_count_as_failures(app, provider):
    for _ in range(7):
        login(app, provider["email"])


def test_logout_kills_the_session_even_in_a_copied_cookie(app, provider):
    client = login(app, provider["email"])
    stolen = ApiClient(app.test_client())
    cookie = client.client.get_cookie("diary_session")
    stolen.client.set_cookie("diary_session", cookie.value)
    assert stolen.get("/api/v1/auth/session").get_json()["user"] is not None
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert stolen.get("/api/v1/auth/session").get_json()["user"] is None
    assert client.get("/api/v1/auth/session").get_json()["user"] is None


def test_invite_and_register(app, provider_client):
    response = provider_client.post("/api/v1/invites", json={"name": "Pat"})
    assert response.status_code == 201
    invite = response.get_json()
    assert len(invite["code"]) >= 8
    assert not set(invite["code"]) & set("0O1IL")
    assert invite["url"].endswith(invite["code"])
    patient = ApiClient(app.test_client())
    body = {
        "invite_code": invite["code"].lower(),
        "email": "Pat@Mail.test",
        "password": PASSWORD,
        "name": "Pat",
        "timezone": "Europe/Berlin",
    }
    registered = patient.post("/api/v1/auth/register", json=body)
    assert registered.status_code == 201
    user = registered.get_json()["user"]
    assert (
        user["role"] == "patient" and user["email"] == "pat@mail.test" and user["timezone"] == "Europe/Berlin"
    )
    assert patient.get("/api/v1/auth/session").get_json()["user"]["id"] == user["id"]
    again = ApiClient(app.test_client()).post(
        "/api/v1/auth/register", json={**body, "email": "other@mail.test"}
    )
    assert again.status_code == 422 and "invite_code" in again.get_json()["error"]["fields"]


def test_register_validation(app, provider_client):
    code = provider_client.post("/api/v1/invites", json={}).get_json()["code"]
    good = {
        "invite_code": code,
        "email": "a@mail.test",
        "password": PASSWORD,
        "name": "A",
        "timezone": "Europe/Berlin",
    }
    client = ApiClient(app.test_client())
    for change, field in (
        ({"password": "short"}, "password"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"invite_code": "NOTACODE99"}, "invite_code"),
        ({"email": "not-an-email"}, "email"),
    ):
        response = client.post("/api/v1/auth/register", json={**good, **change})
        assert response.status_code == 422, change
        assert field in response.get_json()["error"]["fields"]


def test_register_with_expired_invite(app, provider_client):
    from diary.accounts.models import Invite

    code = provider_client.post("/api/v1/invites", json={}).get_json()["code"]
    with app.app_context():
        invite = db.session.get(Invite, code)
        invite.expires_at -= timedelta(days=15)
        db.session.commit()
    response = ApiClient(app.test_client()).post(
        "/api/v1/auth/register",
        json={
            "invite_code": code,
            "email": "b@mail.test",
            "password": PASSWORD,
            "name": "B",
            "timezone": "UTC",
        },
    )
    assert response.status_code == 422


def test_register_with_a_taken_email_answers_like_an_unusable_invite(app, provider, provider_client):
    """No 409: it told an invite holder which emails have accounts. The invite is spent instead."""
    code = provider_client.post("/api/v1/invites", json={}).get_json()["code"]
    body = {
        "invite_code": code,
        "email": provider["email"].upper(),
        "password": PASSWORD,
        "name": "B",
        "timezone": "UTC",
    }
    taken = ApiClient(app.test_client()).post("/api/v1/auth/register", json=body)
    unknown = ApiClient(app.test_client()).post(
        "/api/v1/auth/register", json={**body, "invite_code": "NOTACODE99", "email": "new@mail.test"}
    )
    assert taken.status_code == unknown.status_code == 422
    assert (
        taken.get_json() == unknown.get_json()
        and "log in" in taken.get_json()["error"]["fields"]["invite_code"][0]
    )
    again = ApiClient(app.test_client()).post(
        "/api/v1/auth/register", json={**body, "email": "fresh@mail.test"}
    )
    assert (
        again.status_code == 422 and again.get_json() == unknown.get_json()
    )  # one invite tests one address at most


def test_patient_cannot_invite(patient):
    response = patient.post("/api/v1/invites", json={})
    assert response.status_code == 403 and error_code(response) == "forbidden"


def test_settings_defaults_and_patch(patient):
    settings = patient.get("/api/v1/me/settings").get_json()
    assert settings == {
        "timezone": "Europe/Berlin",
        "language": "en",
        "reminder_time": "20:00",
        "reminders_enabled": True,
        "email_reminders": True,
        "email_reminders_failing": False,
        "paused_until": None,
    }
    patched = patient.patch("/api/v1/me/settings", json={"reminder_time": "07:30", "email_reminders": False})
    assert patched.status_code == 200
    assert patched.get_json() == {**settings, "reminder_time": "07:30", "email_reminders": False}
    for bad in (
        {"reminder_time": "25:00"},
        {"reminder_time": "7:30"},
        {"timezone": "Nowhere/Land"},
        {"reminders_enabled": "yes"},
    ):
        response = patient.patch("/api/v1/me/settings", json=bad)
        assert response.status_code == 422, bad


def test_provider_has_no_settings(provider_client):
    assert provider_client.get("/api/v1/me/settings").status_code == 403


@pytest.mark.parametrize(
    "zone", ["localtime", "Factory", "posixrules", "posix/Europe/Berlin", "right/Europe/Berlin"]
)
def test_only_real_iana_zones(patient, zone):
    response = patient.patch("/api/v1/me/settings", json={"timezone": zone})
    assert response.status_code == 422 and "timezone" in response.get_json()["error"]["fields"]


def test_real_zones_are_kept(patient):
    for zone in ("America/New_York", "UTC", "Asia/Kathmandu"):
        assert patient.patch("/api/v1/me/settings", json={"timezone": zone}).get_json()["timezone"] == zone


@pytest.mark.parametrize("value", [1, 0])
def test_settings_booleans_refuse_numbers(patient, value):
    response = patient.patch("/api/v1/me/settings", json={"reminders_enabled": value})
    assert response.status_code == 422 and "reminders_enabled" in response.get_json()["error"]["fields"]
