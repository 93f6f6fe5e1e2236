"""Provider MFA with TOTP (ASVS 6.3.3, 6.5.x; HIPAA 164.312(d))."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from tests.conftest import PASSWORD, login
from tests.security.test_guess_limits import burst
from tests.support.api_client import ApiClient
from tests.support.live_server import LiveServer


def code(secret, steps_ahead=0):
    """A TOTP code; ``steps_ahead`` gives a later, still accepted one, since each code works once."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + steps_ahead)


def enrol(client):
    setup = client.post("/api/v1/me/mfa/setup")
    assert setup.status_code == 200, setup.get_json()
    secret = setup.get_json()["secret"]
    assert client.post("/api/v1/me/mfa/confirm", json={"otp": code(secret)}).status_code == 200
    return secret


def attempt(app, email, **extra):
    return ApiClient(app.test_client()).post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD, **extra}
    )


def test_setup_answers_a_secret_and_an_otpauth_uri(provider, provider_client):
    body = provider_client.post("/api/v1/me/mfa/setup").get_json()
    uri = urlparse(body["otpauth_uri"])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    assert parse_qs(uri.query)["secret"] == [body["secret"]]
    assert parse_qs(uri.query)["issuer"] == ["Afterglow"]
    assert len(body["secret"]) >= 32  # 160 bits, base32


def test_confirm_refuses_a_wrong_code(provider_client):
    secret = provider_client.post("/api/v1/me/mfa/setup").get_json()["secret"]
    wrong = str((int(code(secret)) + 1) % 1_000_000).zfill(6)
    response = provider_client.post("/api/v1/me/mfa/confirm", json={"otp": wrong})
    assert response.status_code == 422 and "otp" in response.get_json()["error"]["fields"]


def test_confirm_before_setup_is_409(provider_client):
    assert provider_client.post("/api/v1/me/mfa/confirm", json={"otp": "123456"}).status_code == 409


def test_login_needs_the_code_once_enrolled(app, provider, provider_client):
    secret = enrol(provider_client)
    missing = attempt(app, provider["email"])
    assert missing.status_code == 401 and missing.get_json()["error"]["code"] == "mfa_required"
    wrong = attempt(app, provider["email"], otp="000000" if code(secret, 1) != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "invalid_credentials"
    good = code(secret, 1)
    assert attempt(app, provider["email"], otp=good).status_code == 200
    replayed = attempt(app, provider["email"], otp=good)
    assert replayed.status_code == 401 and replayed.get_json()["error"]["code"] == "invalid_credentials"


def test_a_wrong_password_with_mfa_is_plain_invalid_credentials(app, provider, provider_client):
    enrol(provider_client)
    response = ApiClient(app.test_client()).post(
        "/api/v1/auth/login", json={"email": provider["email"], "password": "wrong password!!"}
    )
    assert (
        response.get_json()["error"]["code"] == "invalid_credentials"
    )  # mfa_required would confirm the password


def test_codes_are_throttled_like_passwords(app, provider, provider_client):
    secret = enrol(provider_client)
    wrong = "000000" if code(secret, 1) != "000000" else "111111"
    for _ in range(5):
        assert attempt(app, provider["email"], otp=wrong).status_code == 401
    assert attempt(app, provider["email"], otp=code(secret, 1)).status_code == 429


def test_setup_cannot_replace_an_enrolled_factor(provider_client):
    enrol(provider_client)
    assert provider_client.post("/api/v1/me/mfa/setup").status_code == 409


def test_patients_have_no_mfa_endpoints(patient):
    assert patient.post("/api/v1/me/mfa/setup").status_code == 403
    assert patient.post("/api/v1/me/mfa/confirm", json={"otp": "123456"}).status_code == 403


@pytest.fixture
def mfa_provider(app, runner):
    email = "must-enrol@clinic.test"
    result = runner.invoke(
        args=[
            "users",
            "create-provider",
            "--email",
            email,
            "--name",
            "Dr. Enrol",
            "--password",
            PASSWORD,
            "--require-mfa",
        ]
    )
    assert result.exit_code == 0, result.output
    return email


def test_require_mfa_blocks_everything_until_enrolled(app, mfa_provider):
    response = attempt(app, mfa_provider)
    assert response.status_code == 200 and response.get_json()["mfa_enrollment_required"] is True
    client = login(app, mfa_provider)
    for blocked in (
        client.post("/api/v1/invites", json={}),
        client.get("/api/v1/patients/me/entries"),
        client.post("/api/v1/me/password", json={}),
    ):
        assert blocked.status_code == 403
        assert blocked.get_json()["error"]["code"] == "mfa_enrollment_required"
    assert client.get("/api/v1/auth/session").get_json()["mfa_enrollment_required"] is True
    secret = enrol(client)
    assert client.get("/api/v1/auth/session").get_json()["mfa_enrollment_required"] is False
    assert client.post("/api/v1/invites", json={}).status_code == 201
    assert attempt(app, mfa_provider).get_json()["error"]["code"] == "mfa_required"
    assert attempt(app, mfa_provider, otp=code(secret, 1)).status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 204


def test_reset_mfa_for_a_lost_phone(app, runner, provider, provider_client):
    enrol(provider_client)
    result = runner.invoke(args=["users", "reset-mfa", "--email", provider["email"]])
    assert result.exit_code == 0, result.output
    assert provider_client.get("/api/v1/auth/session").get_json()["user"] is None
    again = login(app, provider["email"])  # no code needed until enrolled again
    enrol(again)


def test_one_code_sent_at_once_by_several_logins_works_once(app, provider, provider_client):
    """The used step is claimed with a conditional UPDATE: only one of five concurrent logins wins."""
    secret = enrol(provider_client)
    server = LiveServer(app)
    server.start()
    try:
        body = {"email": provider["email"], "password": PASSWORD, "otp": code(secret, steps_ahead=1)}
        statuses = burst(server.url, [body] * 5)  # five: the most one email may try at once
        assert statuses.count(200) == 1, statuses
        assert all(status in (401, 503) for status in statuses if status != 200), statuses
    finally:
        server.stop()
