"""Reminders and delivery against real peers: aiosmtpd and a push service on 127.0.0.1.

Time is passed in, never patched: a patient's schedule is set with
``update_settings(..., now=...)`` and the scheduler runs with ``tick --at``. The instants
are after the real now on whatever day the suite runs (tests/support/dates.py): delivery
leases, retries and expiry run on the real clock whenever it is later than the tick's.
"""

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest

from diary.accounts import service as accounts
from diary.accounts.models import Patient
from diary.extensions import db
from diary.notifications.models import OutboxMessage, PushSubscription
from tests.support.dates import next_date

# The test push receiver listens on plain http at 127.0.0.1: allowed here explicitly, never by default.
RECEIVER_HOSTS = ("127.0.0.1",)

# The day most tests happen on: a 12 January at least a week ahead of the real clock. No zone
# these tests use changes its clocks in January, so its offsets are the standard ones: Berlin
# +01:00, London +00:00, New York -05:00, Los Angeles -08:00, Tokyo +09:00.
DAY = next_date(1, 12)
NEXT = DAY + timedelta(days=1)


@pytest.fixture
def app_config(app_config, smtp_server):
    return {
        **app_config,
        "SMTP_URL": smtp_server.url,
        "PUSH_ALLOW_INSECURE_ENDPOINTS": True,
        "PUSH_ALLOWED_HOSTS": RECEIVER_HOSTS,
        "MAIL_FROM": "Afterglow <no-reply@clinic.test>",
    }


def utc(text):
    return datetime.fromisoformat(text).astimezone(UTC)


class Clinic:
    """What the tests do: set a patient up as of an instant, run the scheduler as of another."""

    def __init__(self, app, make_patient, smtp_server, push_receiver=None):
        self.app = app
        self.make_patient = make_patient
        self.smtp = smtp_server
        self.push = push_receiver

    def patient(
        self, *, zone="Europe/Berlin", at, reminder="20:00", provider=None, language=None, **settings
    ):
        """A registered patient (invited in ``language``, if given) whose reminder settings were
        last changed at ``at``."""
        client = self.make_patient(
            provider, timezone_name=zone, email=f"pat-{uuid.uuid4().hex[:8]}@mail.test", language=language
        )
        self.settings(client, at=at, reminder_time=time.fromisoformat(reminder), **settings)
        return client

    def settings(self, client, *, at, **changes):
        with self.app.app_context():
            patient = db.session.get(Patient, uuid.UUID(client.user["id"]))
            accounts.update_settings(patient, changes, now=utc(at) if isinstance(at, str) else at)
            db.session.commit()

    def tick(self, at):
        """``flask --app diary scheduler tick --at <at>``; returns {job: summary}."""
        at = at if isinstance(at, str) else at.isoformat()
        result = self.app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", at])
        lines = dict(line.split(": ", 1) for line in result.output.strip().splitlines() if ": " in line)
        assert_ticked(result.exit_code, lines, result.output)
        return lines

    def subscribe(self, client):
        key = client.get("/api/v1/push/public-key").get_json()["public_key"]
        subscription = self.push.new_subscription(application_server_key=key)
        response = client.post("/api/v1/push/subscriptions", json=subscription)
        assert response.status_code == 201, response.get_json()
        return subscription

    def mails_to(self, client):
        return self.smtp.to(client.user["email"])

    def outbox(self):
        with self.app.app_context():
            return db.session.query(OutboxMessage).order_by(OutboxMessage.created_at).all()

    def subscriptions(self, client):
        with self.app.app_context():
            return db.session.query(PushSubscription).filter_by(user_id=uuid.UUID(client.user["id"])).count()


def assert_ticked(exit_code, lines, output):
    """Every job ran, and none failed."""
    assert {"schedules", "reminders", "relief", "provider_alerts", "delivery", "outbox_retention"} <= set(
        lines
    ), output
    failed = {name for name, summary in lines.items() if summary.startswith("failed")}
    assert not failed, output
    assert exit_code == (1 if failed else 0), output


@pytest.fixture
def clinic(app, make_patient, smtp_server, push_receiver):
    return Clinic(app, make_patient, smtp_server, push_receiver)
