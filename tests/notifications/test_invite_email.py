"""Invitation emails through the outbox to a real SMTP server (issue 14)."""

from diary.db_types import utcnow
from tests.conftest import PASSWORD
from tests.support.api_client import ApiClient


def test_an_invite_with_an_email_arrives_and_a_revoked_one_does_not(app, provider_client, smtp_server):
    from tests.notifications.conftest import Clinic

    clinic = Clinic(app, None, smtp_server)
    invite = provider_client.post(
        "/api/v1/invites", json={"name": "Sam Newcomer", "email": "sam@mail.test"}
    ).get_json()
    revoked = provider_client.post("/api/v1/invites", json={"email": "gone@mail.test"}).get_json()
    assert provider_client.delete(f"/api/v1/invites/{revoked['id']}").status_code == 204
    clinic.tick(utcnow())
    smtp_server.wait_for(1)
    [mail] = smtp_server.to("sam@mail.test")
    assert smtp_server.to("gone@mail.test") == []
    assert mail["Subject"] == "Your invitation to Afterglow"
    text = mail.get_body(("plain",)).get_content()
    assert invite["code"] in text and f"/#/join?code={invite['code']}\n" in text  # the code only
    # No health data, no clinic, not even the name the provider typed (nor in the link, encoded).
    for word in ("ketamine", "anxiety", "GAD", "treatment", "Sam Newcomer", "Newcomer", "clinic"):
        assert word.lower() not in text.lower(), word

    # A resend is a second email with the same code; the invite still registers once.
    assert provider_client.post(f"/api/v1/invites/{invite['id']}/resend").status_code == 200
    clinic.tick(utcnow())
    smtp_server.wait_for(2)
    assert len(smtp_server.to("sam@mail.test")) == 2
    registered = ApiClient(app.test_client()).post(
        "/api/v1/auth/register",
        json={
            "invite_code": invite["code"],
            "email": "sam@mail.test",
            "password": PASSWORD,
            "name": "Sam",
            "timezone": "UTC",
        },
    )
    assert registered.status_code == 201


def test_an_invite_used_before_delivery_is_not_emailed(app, provider_client, smtp_server):
    from tests.notifications.conftest import Clinic

    invite = provider_client.post("/api/v1/invites", json={"email": "quick@mail.test"}).get_json()
    registered = ApiClient(app.test_client()).post(
        "/api/v1/auth/register",
        json={
            "invite_code": invite["code"],
            "email": "quick@mail.test",
            "password": PASSWORD,
            "name": "Quick",
            "timezone": "UTC",
        },
    )
    assert registered.status_code == 201
    clinic = Clinic(app, None, smtp_server)
    clinic.tick(utcnow())
    [message] = [m for m in clinic.outbox() if m.kind == "invite"]
    assert (message.status, message.last_error) == ("cancelled", "invite used, revoked or expired")
    assert smtp_server.to("quick@mail.test") == []
