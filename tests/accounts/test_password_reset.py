"""Password reset by email: POST /auth/password-reset and /auth/password-reset/confirm.

The request is stored and answered by the scheduler (``password_resets`` job),
the email goes through the outbox to a real SMTP server (aiosmtpd), and time is
passed in as ``now``, derived from the real clock.
"""

import hashlib
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from diary.accounts import resets
from diary.accounts.models import PasswordReset
from diary.audit.models import AuditEvent
from diary.db_types import utcnow
from diary.errors import ApiError
from diary.extensions import db
from tests.conftest import PASSWORD, login
from tests.security.test_mfa import code, enrol
from tests.support.api_client import ApiClient
from tests.support.password_resets import issue_reset

NEW_PASSWORD = "a quiet river in the evening"
LINK = re.compile(r"(\S+)/#/reset\?token=([A-Za-z0-9_-]+)")


@pytest.fixture
def app_config(app_config, smtp_server):
    return {
        **app_config,
        "SMTP_URL": smtp_server.url,
        "MAIL_FROM": "Afterglow <no-reply@clinic.test>",
        "BASE_URL": "https://diary.clinic.test",
    }


def ask(app, email, address="198.51.100.1"):
    return ApiClient(app.test_client()).post(
        "/api/v1/auth/password-reset", json={"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def confirm(app, token, password=NEW_PASSWORD):
    return ApiClient(app.test_client()).post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": password}
    )


def tick(app, at=None):
    result = app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", (at or utcnow()).isoformat()])
    assert result.exit_code == 0, result.output
    return dict(line.split(": ", 1) for line in result.output.strip().splitlines() if ": " in line)


def logged_in(client):
    return client.get("/api/v1/auth/session").get_json()["user"] is not None


def error_code(response):
    return response.get_json()["error"]["code"]


def assert_refused(response):
    assert response.status_code == 422, response.get_json()
    assert error_code(response) == "invalid_token"


# ---------------------------------------------------------------- the request


def test_known_and_unknown_emails_get_byte_identical_answers_after_the_same_work(app, patient):
    """The request only records what was asked: the same statements run, whoever the email is."""
    statements = {}

    def answer(email):
        seen = statements.setdefault(email, [])

        def note(_conn, _cursor, statement, *_):
            seen.append(statement)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", note)
        try:
            return ask(app, email)
        finally:
            with app.app_context():
                event.remove(db.engine, "before_cursor_execute", note)

    known = answer(patient.user["email"])
    unknown = answer(f"nobody-{uuid.uuid4().hex[:8]}@mail.test")
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == {"status": "sent"} and known.data == unknown.data
    headers = {"Date", "Set-Cookie", "X-Request-ID"}
    assert {k: v for k, v in known.headers if k not in headers} == {
        k: v for k, v in unknown.headers if k not in headers
    }
    assert statements[patient.user["email"]] == statements[next(k for k in statements if "nobody" in k)]
    assert any("INSERT INTO password_resets" in s for s in statements[patient.user["email"]])
    assert not any("users" in s for s in statements[patient.user["email"]])  # not even looked up


def test_the_email_reaches_the_mail_server_with_the_link_and_no_health_data(app, patient, smtp_server):
    entry = {"answers": [3, 3, 2, 3, 2, 3, 3], "note": "hard week after the infusion"}
    assert patient.post("/api/v1/patients/me/entries", json=entry).status_code == 201
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@mail.test"
    assert ask(app, patient.user["email"].upper()).status_code == 202  # any case
    assert ask(app, unknown).status_code == 202
    assert tick(app)["password_resets"].startswith("2 reset request(s) answered")

    # The severe standard GAD-7 also brings the care team's alert: only the patient's mail is read.
    smtp_server.wait_for(1)
    [mail] = smtp_server.to(patient.user["email"])
    assert smtp_server.to(unknown) == []
    assert mail["Subject"] == "Reset your Afterglow password"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    base, token = LINK.search(text).groups()
    assert base == "https://diary.clinic.test"
    assert f"/#/reset?token={token}" in html
    assert len(token) >= 43  # 32 random bytes, base64url: 256 bits
    for word in ("Pat", "Doe", "ketamine", "infusion", "anxiety", "GAD", "score", "severe", "clinic", "week"):
        assert word.lower() not in text.lower().replace("diary.clinic.test", ""), word

    with app.app_context():  # only its hash is stored
        [reset] = db.session.scalars(select(PasswordReset)).all()
        assert reset.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert reset.expires_at - reset.issued_at == timedelta(minutes=60)
        assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 1  # the unknown: gone

    assert confirm(app, token).status_code == 204
    login(app, patient.user["email"], NEW_PASSWORD)
    old = ApiClient(app.test_client()).post(
        "/api/v1/auth/login", json={"email": patient.user["email"], "password": PASSWORD}
    )
    assert old.status_code == 401


def test_a_reset_used_before_delivery_is_not_emailed(app, patient, smtp_server):
    token = issue_reset(app, patient.user["email"])
    assert confirm(app, token).status_code == 204
    tick(app)
    assert smtp_server.to(patient.user["email"]) == []


def test_requests_past_five_per_email_are_refused_known_or_not(app, patient):
    for email in (patient.user["email"], "nobody@mail.test"):
        statuses = [ask(app, email, address=f"198.51.100.{n}").status_code for n in range(6)]
        assert statuses == [202] * 5 + [429]
    refused = ask(app, "NOBODY@mail.test", address="198.51.100.99")
    assert error_code(refused) == "rate_limited" and int(refused.headers["Retry-After"]) > 0


def test_requests_past_thirty_per_address_are_refused(app):
    statuses = [ask(app, f"someone{n}@mail.test", address="203.0.113.5").status_code for n in range(31)]
    assert statuses == [202] * 30 + [429]
    assert ask(app, "someone-else@mail.test", address="203.0.113.6").status_code == 202


def test_a_malformed_email_is_a_validation_error(app):
    response = ask(app, "not an email")
    assert response.status_code == 422 and "email" in response.get_json()["error"]["fields"]


# ---------------------------------------------------------------- the token


def test_a_token_works_once(app, patient):
    token = issue_reset(app, patient.user["email"])
    assert confirm(app, token).status_code == 204
    assert_refused(confirm(app, token, "another long passphrase here"))
    login(app, patient.user["email"], NEW_PASSWORD)


def test_a_token_expires_after_sixty_minutes(app, patient):
    now = utcnow()
    expired = issue_reset(app, patient.user["email"], now=now - timedelta(minutes=61))
    assert_refused(confirm(app, expired))
    with app.app_context(), pytest.raises(ApiError) as refused:
        resets.confirm_password_reset(expired, NEW_PASSWORD, now=now - timedelta(minutes=1))
    assert refused.value.code == "invalid_token"  # at exactly 60 minutes it is over
    fresh = issue_reset(app, patient.user["email"], now=now - timedelta(minutes=59))
    assert confirm(app, fresh).status_code == 204


def test_a_newer_request_voids_the_older_tokens(app, patient):
    now = utcnow()
    first = issue_reset(app, patient.user["email"], now=now - timedelta(minutes=3))
    second = issue_reset(app, patient.user["email"], now=now - timedelta(minutes=2))
    latest = issue_reset(app, patient.user["email"], now=now - timedelta(minutes=1))
    assert_refused(confirm(app, first))
    assert_refused(confirm(app, second))
    assert confirm(app, latest).status_code == 204


@pytest.mark.parametrize("token", ["", "x", "not-a-token-" * 3, "A" * 43])
def test_a_made_up_token_is_refused(app, patient, token):
    issue_reset(app, patient.user["email"])
    response = confirm(app, token)
    if token == "":
        assert response.status_code == 422 and "token" in response.get_json()["error"]["fields"]
    else:
        assert_refused(response)


def test_a_weak_password_is_refused_and_the_token_stays_usable(app, patient):
    token = issue_reset(app, patient.user["email"])
    for weak in ("short", "password1234", "pat-doe-mail-test"):
        response = confirm(app, token, weak)
        assert response.status_code == 422 and "password" in response.get_json()["error"]["fields"], weak
    assert confirm(app, token).status_code == 204


def test_every_session_of_the_account_ends(app, patient, make_patient):
    phone = login(app, patient.user["email"])
    bystander = make_patient()
    assert logged_in(patient) and logged_in(phone)
    assert confirm(app, issue_reset(app, patient.user["email"])).status_code == 204
    assert not logged_in(patient) and not logged_in(phone)
    assert logged_in(bystander)  # other accounts keep theirs


def test_mfa_stays_on_after_a_reset(app, provider, provider_client):
    secret = enrol(provider_client)
    assert confirm(app, issue_reset(app, provider["email"])).status_code == 204
    assert not logged_in(provider_client)
    client = ApiClient(app.test_client())
    body = {"email": provider["email"], "password": NEW_PASSWORD}
    missing = client.post("/api/v1/auth/login", json=body)
    assert missing.status_code == 401 and error_code(missing) == "mfa_required"
    assert client.post("/api/v1/auth/login", json={**body, "otp": code(secret, 1)}).status_code == 200


def test_the_reset_is_in_the_audit_trail_and_the_patients_access_log(app, patient):
    token = issue_reset(app, patient.user["email"])
    assert confirm(app, token).status_code == 204
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.patient_id == uuid.UUID(patient.user["id"]))
            .order_by(AuditEvent.at)
        ).all()
        assert [(r.action, r.resource) for r in rows][-2:] == [
            ("create", "password_reset"),
            ("update", "password"),
        ]
    again = login(app, patient.user["email"], NEW_PASSWORD)
    log = again.get("/api/v1/me/access-log").get_json()["items"]
    assert {(item["action"], item["resource"]) for item in log} >= {
        ("create", "password_reset"),
        ("update", "password"),
    }


def test_a_provider_reset_is_audited_under_the_provider(app, provider):
    assert confirm(app, issue_reset(app, provider["email"])).status_code == 204
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == uuid.UUID(provider["id"])))
        assert {(r.action, r.resource) for r in rows} >= {
            ("create", "password_reset"),
            ("update", "password"),
        }


def test_expired_resets_are_deleted_by_the_scheduler(app, patient):
    now = utcnow()
    issue_reset(app, patient.user["email"], now=now - timedelta(minutes=61))
    assert tick(app, now)["password_resets"] == "0 reset request(s) answered, 1 expired reset(s) deleted"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 0


# ---------------------------------------------------------------- a change while logged in


def test_a_change_ends_the_other_sessions_and_keeps_this_one(app, patient):
    phone = login(app, patient.user["email"])
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = patient.post("/api/v1/me/password", json=body)
    assert response.status_code == 204 and response.data == b""
    assert logged_in(patient) and not logged_in(phone)
    assert patient.patch("/api/v1/me/settings", json={"reminder_time": "09:00"}).status_code == 200
    with app.app_context():
        [row] = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.patient_id == uuid.UUID(patient.user["id"]), AuditEvent.resource == "password"
            )
        ).all()
        assert row.action == "update"


def test_a_change_with_a_wrong_current_password_is_invalid_credentials(app, patient):
    body = {"current_password": "not the password at all", "new_password": NEW_PASSWORD}
    response = patient.post("/api/v1/me/password", json=body)
    assert response.status_code == 401 and error_code(response) == "invalid_credentials"
    assert logged_in(patient)
