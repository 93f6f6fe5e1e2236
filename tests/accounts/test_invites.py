"""Invites that arrive (issue 14): pending list, revoke, resend, expiry, bound to their email."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from diary.accounts.models import Invite
from diary.db_types import utcnow
from diary.extensions import db
from tests.conftest import PASSWORD, login
from tests.support.api_client import ApiClient


@pytest.fixture(autouse=True)
def mail_server(app, smtp_server):
    """Invitations are emailed only where a mail server is configured (a real one, on loopback)."""
    app.config["SMTP_URL"] = smtp_server.url
    return smtp_server


def register(client, code, email, name="Pat"):
    return client.post(
        "/api/v1/auth/register",
        json={"invite_code": code, "email": email, "password": PASSWORD, "name": name, "timezone": "UTC"},
    )


def test_the_join_link_carries_the_code_only(provider_client, mail_server):
    invite = provider_client.post(
        "/api/v1/invites", json={"name": "Sam Newcomer", "email": "Sam@Mail.test"}
    ).get_json()
    url = urlsplit(invite["url"])
    assert url.query == "" and url.fragment.startswith("/join?")
    assert parse_qs(url.fragment.split("?", 1)[1]) == {"code": [invite["code"]]}
    assert "Sam" not in invite["url"] and "mail.test" not in invite["url"].lower()
    assert invite["email"] == "sam@mail.test" and invite["sends"] == 1
    assert (invite["email_status"], invite["email_not_sent_reason"]) == ("queued", None)


def test_expiry_defaults_to_14_days_and_follows_the_setting(app, provider_client):
    before = utcnow()
    invite = provider_client.post("/api/v1/invites", json={}).get_json()
    expires = invite["expires_at"].replace("Z", "+00:00")
    from datetime import datetime

    assert timedelta(days=14) <= datetime.fromisoformat(expires) - before < timedelta(days=14, minutes=1)
    assert invite["sends"] == 0  # no email, nothing sent
    app.config["INVITE_DAYS"] = 3
    invite = provider_client.post("/api/v1/invites", json={}).get_json()
    assert datetime.fromisoformat(invite["expires_at"].replace("Z", "+00:00")) - before < timedelta(
        days=3, minutes=1
    )


def test_pending_invites_and_revoking_one(app, provider_client, make_provider):
    kept = provider_client.post("/api/v1/invites", json={"name": "Kept"}).get_json()
    revoked = provider_client.post(
        "/api/v1/invites", json={"name": "Revoked", "email": "rev@mail.test"}
    ).get_json()
    used = provider_client.post("/api/v1/invites", json={}).get_json()
    assert register(ApiClient(app.test_client()), used["code"], "used@mail.test").status_code == 201

    pending = provider_client.get("/api/v1/invites").get_json()["items"]
    assert [i["code"] for i in pending] == [
        revoked["code"],
        kept["code"],
    ]  # newest first; the used one is gone

    other = make_provider(name="Dr. Other")
    stray = login(app, other["email"], other["password"])
    assert stray.get("/api/v1/invites").get_json()["items"] == []
    assert stray.delete(f"/api/v1/invites/{revoked['id']}").status_code == 404
    assert stray.post(f"/api/v1/invites/{revoked['id']}/resend").status_code == 404

    assert provider_client.delete(f"/api/v1/invites/{revoked['id']}").status_code == 204
    assert [i["code"] for i in provider_client.get("/api/v1/invites").get_json()["items"]] == [kept["code"]]
    assert provider_client.delete(f"/api/v1/invites/{revoked['id']}").status_code == 404  # once
    refused = register(ApiClient(app.test_client()), revoked["code"], "rev@mail.test")
    assert refused.status_code == 422 and "invite_code" in refused.get_json()["error"]["fields"]


def test_an_expired_invite_is_refused_and_not_pending(app, provider_client):
    invite = provider_client.post("/api/v1/invites", json={"email": "late@mail.test"}).get_json()
    with app.app_context():
        db.session.get(Invite, invite["code"]).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert provider_client.get("/api/v1/invites").get_json()["items"] == []
    assert provider_client.post(f"/api/v1/invites/{invite['id']}/resend").status_code == 404
    refused = register(ApiClient(app.test_client()), invite["code"], "late@mail.test")
    assert refused.status_code == 422 and "invite_code" in refused.get_json()["error"]["fields"]


def test_an_invite_for_one_email_registers_only_that_email(app, provider_client):
    invite = provider_client.post("/api/v1/invites", json={"email": "Only.Me@mail.test"}).get_json()
    wrong = register(ApiClient(app.test_client()), invite["code"], "someone.else@mail.test")
    assert wrong.status_code == 422
    assert "email" in wrong.get_json()["error"]["fields"]
    assert (
        register(ApiClient(app.test_client()), invite["code"], "only.me@MAIL.test").status_code == 201
    )  # emails are case-insensitive


def test_resend_renews_the_expiry_and_needs_an_email(app, provider_client):
    invite = provider_client.post("/api/v1/invites", json={"email": "again@mail.test"}).get_json()
    with app.app_context():
        db.session.get(Invite, invite["code"]).expires_at = utcnow() + timedelta(days=1)
        db.session.commit()
    again = provider_client.post(f"/api/v1/invites/{invite['id']}/resend")
    assert again.status_code == 200
    body = again.get_json()
    assert body["sends"] == 2 and body["expires_at"] > invite["expires_at"][:10]
    bare = provider_client.post("/api/v1/invites", json={}).get_json()
    refused = provider_client.post(f"/api/v1/invites/{bare['id']}/resend")
    assert refused.status_code == 422 and "email" in refused.get_json()["error"]["fields"]


def test_an_invite_is_named_in_urls_by_an_id_that_is_no_code(app, provider_client):
    """Revoke and resend address an invite by its id, so a log of request paths never holds a
    code that still works (the PWA's requests: tests/e2e/test_desk.py). The id is a keyed
    digest: it does not register, and the code is not in it."""
    invite = provider_client.post("/api/v1/invites", json={"email": "by.id@mail.test"}).get_json()
    [listed] = provider_client.get("/api/v1/invites").get_json()["items"]
    assert listed["id"] == invite["id"] and invite["code"].lower() not in invite["id"].lower()
    refused = register(ApiClient(app.test_client()), invite["id"], "by.id@mail.test")
    assert refused.status_code == 422

    assert provider_client.post(f"/api/v1/invites/{invite['id']}/resend").status_code == 200
    assert provider_client.delete(f"/api/v1/invites/{invite['id']}").status_code == 204
    # Anything else in the path is no invite (while one is pending): 404, whatever its characters.
    pending = provider_client.post("/api/v1/invites", json={"email": "pending@mail.test"}).get_json()
    for stray in ("%C3%A9", "x" * 300, invite["id"].upper(), invite["id"]):
        response = provider_client.delete(f"/api/v1/invites/{stray}")
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert [i["id"] for i in provider_client.get("/api/v1/invites").get_json()["items"]] == [pending["id"]]


def test_the_code_itself_is_no_handle_in_a_url(app, provider_client):
    """Issue 21, item 6: the routes' first shape took the code in the path, so every request log
    held a working code. It answers 404 now, in any spelling, and the invite is left as it was."""
    invite = provider_client.post("/api/v1/invites", json={"email": "by.code@mail.test"}).get_json()
    code = invite["code"]
    for spelling in (code, code.lower(), f"{code[:4]}-{code[4:]}"):
        for response in (
            provider_client.post(f"/api/v1/invites/{spelling}/resend"),
            provider_client.delete(f"/api/v1/invites/{spelling}"),
        ):
            assert response.status_code == 404, spelling
            assert response.get_json()["error"]["code"] == "not_found"
    [listed] = provider_client.get("/api/v1/invites").get_json()["items"]
    assert listed["id"] == invite["id"] and listed["sends"] == 1
    assert register(ApiClient(app.test_client()), code, "by.code@mail.test").status_code == 201
