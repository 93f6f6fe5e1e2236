"""The rate limiter's storage away (issue 21, item 5): Redis unreachable while it holds the counts.

The storage URL points at a port on 127.0.0.1 where nothing listens, the way a
stopped Redis looks. Every limited request answers 503 in the error envelope
with Retry-After: the limits fail closed (no guess is checked uncounted), and
never with a 500. What no limit guards goes on serving.
"""

import time
from types import SimpleNamespace

import pytest

from diary import create_app
from diary.accounts import service as accounts
from diary.accounts.models import Invite
from diary.extensions import db
from tests.conftest import PASSWORD, login
from tests.support.api_client import ApiClient
from tests.support.mailbox import free_port


@pytest.fixture
def away(app, app_config, make_provider, make_patient, smtp_server):
    """An app on the ``app`` fixture's database whose limiter storage is a closed port, and what
    was made before (through ``app``): a provider, a patient, an invite, the patient's feed URL.
    The limiter is one per process (diary/extensions.py), so this app is the last one made."""
    provider = make_provider()
    patient = make_patient(provider)
    desk = login(app, provider["email"])
    invite = desk.post("/api/v1/invites", json={"email": "new@mail.test"}).get_json()
    feed = patient.post("/api/v1/patients/me/calendar-feed").get_json()["url"]
    app.config["SMTP_URL"] = smtp_server.url  # invitations are emailed only with a mail server
    served = create_app(
        {
            **app_config,
            "SMTP_URL": smtp_server.url,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}",
        }
    )
    yield SimpleNamespace(
        app=served,
        provider=provider,
        desk=desk,
        patient=patient,
        invite=invite,
        feed=feed[feed.index("/api/v1/") :],
    )
    with served.app_context():
        db.session.remove()
        db.engine.dispose()


def assert_unavailable(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"]["code"] == "service_unavailable" and body["error"]["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def signed_in(app, client):
    """A client of ``app`` in the session that ``client`` (of another app on the same database) holds."""
    moved = ApiClient(app.test_client())
    cookie = client.client.get_cookie("diary_session")
    moved.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    moved.csrf = client.token()
    return moved


def test_logins_answer_503_with_retry_after_not_500(away, caplog):
    client = ApiClient(away.app.test_client())
    started = time.monotonic()
    for password in (PASSWORD, "a wrong password", PASSWORD):
        body = {"email": away.provider["email"], "password": password}
        assert_unavailable(client.post("/api/v1/auth/login", json=body))
    assert time.monotonic() - started < 10  # refused at once, not after a long wait
    # Logged once when it starts, however many requests meet it; no unhandled error.
    limits_lines = [r.getMessage() for r in caplog.records if r.name == "diary.limits"]
    assert limits_lines == [
        "rate limiter storage unavailable: ConnectionError; answering 503 until it is back"
    ]
    assert not [r for r in caplog.records if r.name == "diary.errors"]


def test_every_limited_route_answers_503_and_the_rest_serves(away):
    registration = {
        "invite_code": away.invite["code"],
        "email": "new@mail.test",
        "password": PASSWORD,
        "name": "New Patient",
        "timezone": "UTC",
    }
    assert_unavailable(ApiClient(away.app.test_client()).post("/api/v1/auth/register", json=registration))
    details = {"invite_code": away.invite["code"]}
    assert_unavailable(ApiClient(away.app.test_client()).post("/api/v1/auth/invite-details", json=details))
    assert_unavailable(away.app.test_client().get(away.feed))
    there = signed_in(away.app, away.patient)
    change = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    assert_unavailable(there.post("/api/v1/me/password", json=change))

    desk = signed_in(away.app, away.desk)
    assert_unavailable(desk.post("/api/v1/invites", json={"email": "someone@mail.test"}))
    assert_unavailable(desk.post(f"/api/v1/invites/{away.invite['id']}/resend"))

    # What no limit guards goes on: the diary, an invite handed over in person, the health check.
    assert desk.post("/api/v1/invites", json={}).status_code == 201
    assert there.get("/api/v1/patients/me/entries").status_code == 200
    assert there.get("/api/v1/auth/session").get_json()["user"]["id"] == away.patient.user["id"]
    assert away.app.test_client().get("/healthz").status_code == 200
    # Nothing was done uncounted: the invite is unused, the password unchanged.
    with away.app.app_context():
        assert db.session.get(Invite, away.invite["code"]).used_at is None
        assert accounts.authenticate(away.patient.user["email"], PASSWORD) is not None
