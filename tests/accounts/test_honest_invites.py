"""Invites say what became of their email, their link holds the code only, and the join form
asks the server for the name and email (issue 24, point 4)."""

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from diary.accounts.models import Invite
from diary.db_types import utcnow
from diary.extensions import db
from tests.conftest import PASSWORD
from tests.support.api_client import ApiClient


def details(client, code):
    return client.post("/api/v1/auth/invite-details", json={"invite_code": code})


def test_without_a_mail_server_the_invite_says_the_email_was_not_sent(app, provider_client, caplog):
    app.config["SMTP_URL"] = None
    with caplog.at_level(logging.WARNING, logger="diary.mail"):
        invite = provider_client.post("/api/v1/invites", json={"name": "Sam", "email": "sam@mail.test"})
    body = invite.get_json()
    assert invite.status_code == 201
    assert (body["email_status"], body["email_not_sent_reason"]) == ("not_sent", "no_mail_server")
    assert body["sends"] == 0 and body["code"] and body["url"].endswith(body["code"])
    assert "no mail server" in caplog.text and "sam" not in caplog.text.lower()
    [listed] = provider_client.get("/api/v1/invites").get_json()["items"]
    assert (listed["email_status"], listed["sends"]) == ("not_sent", 0)
    again = provider_client.post(f"/api/v1/invites/{body['id']}/resend").get_json()
    assert again["email_status"] == "not_sent" and again["sends"] == 0
    bare = provider_client.post("/api/v1/invites", json={}).get_json()
    assert (bare["email_status"], bare["email_not_sent_reason"]) == ("not_sent", "no_address")


def test_with_a_mail_server_it_is_queued_and_the_email_holds_a_code_only_link(
    app, provider_client, smtp_server
):
    app.config["SMTP_URL"] = smtp_server.url
    body = provider_client.post("/api/v1/invites", json={"name": "Sam Newcomer", "email": "sam@mail.test"})
    body = body.get_json()
    assert (body["email_status"], body["email_not_sent_reason"]) == ("queued", None)
    result = app.test_cli_runner().invoke(args=["scheduler", "tick"])
    assert result.exit_code == 0, result.output
    smtp_server.wait_for(1)
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    [link] = [word for word in text.split() if "#/join?" in word]
    assert parse_qs(urlsplit(link).fragment.split("?", 1)[1]) == {"code": [body["code"]]}
    assert "Sam" not in text and "sam%40" not in text


def test_the_code_answers_its_invites_name_and_email(app, api, provider_client):
    app.config["SMTP_URL"] = None
    handed = provider_client.post("/api/v1/invites", json={"name": "Sam Newcomer", "email": "Sam@mail.test"})
    handed = handed.get_json()
    answer = details(api, handed["code"].lower())
    assert answer.status_code == 200
    assert answer.get_json()["name"] == "Sam Newcomer" and answer.get_json()["email"] == "sam@mail.test"
    # The patient may edit the name; the email is the invite's own.
    registered = api.post(
        "/api/v1/auth/register",
        json={
            "invite_code": handed["code"],
            "email": "sam@mail.test",
            "password": PASSWORD,
            "name": "Samuel N.",
            "timezone": "UTC",
        },
    )
    assert registered.status_code == 201 and registered.get_json()["user"]["name"] == "Samuel N."


def test_an_emailed_invite_gives_its_email_but_not_the_name(app, api, provider_client, smtp_server):
    """A mistyped address must not tell a stranger who is a patient here."""
    app.config["SMTP_URL"] = smtp_server.url
    code = provider_client.post(
        "/api/v1/invites", json={"name": "Sam Newcomer", "email": "sam@mail.test"}
    ).get_json()["code"]
    assert details(api, code).get_json()["name"] is None
    assert details(api, code).get_json()["email"] == "sam@mail.test"


def test_a_wrong_used_revoked_or_expired_code_gives_nothing(app, api, provider_client, make_patient):
    def unusable(code):
        response = details(ApiClient(app.test_client()), code)
        assert response.status_code == 422, response.get_json()
        assert set(response.get_json()["error"]["fields"]) == {"invite_code"}
        assert "Sam" not in response.get_data(as_text=True)

    unusable("ZZZZZZZZZZ")
    revoked = provider_client.post("/api/v1/invites", json={"name": "Sam"}).get_json()
    provider_client.delete(f"/api/v1/invites/{revoked['id']}")
    unusable(revoked["code"])
    expired = provider_client.post("/api/v1/invites", json={"name": "Sam"}).get_json()
    with app.app_context():
        db.session.get(Invite, expired["code"]).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    unusable(expired["code"])
    used = make_patient()  # registered with its invite
    with app.app_context():
        [code] = [i.code for i in db.session.scalars(db.select(Invite).where(Invite.used_at.is_not(None)))]
    unusable(code)
    assert used.user["role"] == "patient"
    bad = api.post("/api/v1/auth/invite-details", json={})
    assert bad.status_code == 422


@pytest.mark.usefixtures("provider_client")
def test_the_look_up_is_rate_limited_per_address(api):
    answers = [details(api, f"WRONG{n:05d}").status_code for n in range(11)]
    assert answers == [422] * 10 + [429]
    refused = details(api, "WRONG99999")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"]["code"] == "rate_limited"


def test_the_look_up_needs_the_csrf_header(app):
    raw = app.test_client()
    response = raw.post("/api/v1/auth/invite-details", json={"invite_code": "ABCDEFGHJK"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "csrf_failed"
