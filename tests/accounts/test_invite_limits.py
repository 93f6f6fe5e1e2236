"""Limits on the emails a provider's requests send (issue 21, item 1).

Twelve resends in a row queued 13 emails to one address: a stolen provider
session could mail-bomb anyone through the clinic's mail server. Every send
(an invite made with an email, and each resend) is counted per invite, per
recipient and per provider before anything is queued; past a limit the answer
is 429 in the error envelope with Retry-After, and nothing is sent or made.
"""

import pytest
from limits.storage import memory as limits_memory
from sqlalchemy import select

from diary.accounts import attempts
from diary.accounts.attempts import STEPS
from diary.extensions import db
from diary.notifications.models import INVITE, OutboxMessage
from tests.conftest import login
from tests.security.test_guess_limits import Clock


@pytest.fixture(autouse=True)
def mail_server(app, smtp_server):
    """Invitations are emailed only where a mail server is configured (a real one, on loopback)."""
    app.config["SMTP_URL"] = smtp_server.url
    return smtp_server


def queued_to(app, invite_code=None):
    """How many invitation emails are queued (for one invite's code, or in all)."""
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == INVITE)).all()
    return sum(1 for row in rows if invite_code is None or row.payload["invite"] == invite_code)


def assert_rate_limited(response, window):
    """429 in the envelope, free again within the window and a step (attempts.py counts in steps)."""
    assert response.status_code == 429, response.get_json()
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(response.headers["Retry-After"]) <= window * (STEPS + 1) / STEPS


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limits_memory, "time", clock)
    monkeypatch.setattr(attempts, "time", clock)
    return clock


def test_twelve_resends_in_a_row_send_three_emails_not_thirteen(app, provider_client, clock):
    invite = provider_client.post("/api/v1/invites", json={"email": "target@mail.test"}).get_json()
    resends = [provider_client.post(f"/api/v1/invites/{invite['id']}/resend") for _ in range(12)]
    assert [r.status_code for r in resends[:2]] == [200, 200]
    for refused in resends[2:]:
        assert_rate_limited(refused, 3600)
    assert queued_to(app, invite["code"]) == 3
    [listed] = provider_client.get("/api/v1/invites").get_json()["items"]
    assert listed["sends"] == 3  # the refused ones changed nothing
    # The window slides: an hour (and a step) after the first send, one more goes.
    clock.now += int(resends[-1].headers["Retry-After"])
    assert provider_client.post(f"/api/v1/invites/{invite['id']}/resend").status_code == 200
    assert queued_to(app, invite["code"]) == 4


def test_one_address_gets_five_invitations_a_day_from_the_whole_clinic(app, make_provider, clock):
    first, second = (login(app, make_provider()["email"]) for _ in range(2))
    sent = [
        (first if n % 2 else second).post("/api/v1/invites", json={"email": "Target@Mail.test"})
        for n in range(5)
    ]
    assert [r.status_code for r in sent] == [201] * 5
    refused = first.post("/api/v1/invites", json={"email": "target@mail.test"})
    assert_rate_limited(refused, 24 * 3600)
    assert len(first.get("/api/v1/invites").get_json()["items"]) == 2  # the refused one was not made
    assert_rate_limited(second.post(f"/api/v1/invites/{sent[0].get_json()['id']}/resend"), 24 * 3600)
    assert queued_to(app) == 5
    # Another address, and an invite without an email (nothing sent), still go.
    assert first.post("/api/v1/invites", json={"email": "someone.else@mail.test"}).status_code == 201
    assert first.post("/api/v1/invites", json={}).status_code == 201


def test_a_provider_sends_fifty_invitations_an_hour(app, provider_client, clock):
    statuses = [
        provider_client.post("/api/v1/invites", json={"email": f"patient{n}@mail.test"}).status_code
        for n in range(50)
    ]
    assert statuses == [201] * 50
    assert_rate_limited(provider_client.post("/api/v1/invites", json={"email": "one.more@mail.test"}), 3600)
    assert queued_to(app) == 50
    assert provider_client.post("/api/v1/invites", json={}).status_code == 201  # handed over in person
