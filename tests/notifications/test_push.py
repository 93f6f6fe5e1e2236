"""Web Push: the subscription API (docs/api.md, "Reminders and push") and reminders through a real push
service on loopback that checks VAPID and decrypts the payload (aes128gcm)."""

import base64
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from config import DEFAULT_PUSH_ALLOWED_HOSTS, Config
from diary.extensions import db
from diary.notifications.channels import VAPID_KEY_FILENAME
from diary.notifications.models import PushSubscription

from .conftest import DAY, NEXT, utc


def b64url_decode(value):
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


# ------------------------------------------------------------------- the API


def test_public_key_is_a_p256_point_and_stable(patient, provider_client, api, app):
    first = patient.get("/api/v1/push/public-key")
    assert first.status_code == 200
    key = first.get_json()["public_key"]
    assert len(b64url_decode(key)) == 65 and b64url_decode(key)[0] == 4
    assert provider_client.get("/api/v1/push/public-key").get_json() == {"public_key": key}
    key_file = Path(app.instance_path) / "vapid_private.pem"  # generated on first use, owner-only
    assert key_file.exists() and key_file.stat().st_mode & 0o077 == 0
    assert api.get("/api/v1/push/public-key").status_code == 401


def test_subscribing_is_idempotent_on_the_endpoint(patient, push_receiver, app):
    subscription = push_receiver.new_subscription()
    created = patient.post("/api/v1/push/subscriptions", json=subscription)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["endpoint"] == subscription["endpoint"]

    again = patient.post("/api/v1/push/subscriptions", json=subscription)
    assert again.status_code == 201  # docs/api.md, "Reminders and push": 201, idempotent on the endpoint
    assert again.get_json()["id"] == created.get_json()["id"]
    with app.app_context():
        assert db.session.query(PushSubscription).count() == 1


def test_an_endpoint_another_account_holds_is_refused_not_moved(
    patient, make_patient, provider, push_receiver, app
):
    """Issue 21, item 4: knowing another patient's endpoint took over their subscription (their
    reminders stopped, and came to whoever posted it). It stays theirs: 409, nothing changes."""
    subscription = push_receiver.new_subscription()
    first = patient.post("/api/v1/push/subscriptions", json=subscription).get_json()
    other = make_patient(provider, email=f"other-{uuid.uuid4().hex[:6]}@mail.test")
    fresh_keys = push_receiver.new_subscription()["keys"]
    taken = other.post("/api/v1/push/subscriptions", json={**subscription, "keys": fresh_keys})
    assert taken.status_code == 409
    assert taken.get_json()["error"]["code"] == "conflict"
    with app.app_context():
        [row] = db.session.query(PushSubscription).all()
        assert (str(row.id), str(row.user_id)) == (first["id"], patient.user["id"])
        assert (row.p256dh, row.auth) == (subscription["keys"]["p256dh"], subscription["keys"]["auth"])
    again = patient.post("/api/v1/push/subscriptions", json=subscription)  # the owner: still idempotent
    assert again.status_code == 201 and again.get_json()["id"] == first["id"]


def test_unsubscribing(patient, push_receiver, app):
    subscription = push_receiver.new_subscription()
    patient.post("/api/v1/push/subscriptions", json=subscription)
    response = patient.delete("/api/v1/push/subscriptions", json={"endpoint": subscription["endpoint"]})
    assert response.status_code == 204
    assert (
        patient.delete("/api/v1/push/subscriptions", json={"endpoint": subscription["endpoint"]}).status_code
        == 204
    )
    with app.app_context():
        assert db.session.query(PushSubscription).count() == 0


def test_nobody_else_can_remove_a_subscription(patient, make_patient, provider, push_receiver, app):
    subscription = push_receiver.new_subscription()
    patient.post("/api/v1/push/subscriptions", json=subscription)
    other = make_patient(provider, email=f"other-{uuid.uuid4().hex[:6]}@mail.test")
    assert (
        other.delete("/api/v1/push/subscriptions", json={"endpoint": subscription["endpoint"]}).status_code
        == 204
    )
    with app.app_context():
        assert db.session.query(PushSubscription).count() == 1


def test_providers_get_no_reminders(provider_client, push_receiver):
    subscription = push_receiver.new_subscription()
    assert provider_client.post("/api/v1/push/subscriptions", json=subscription).status_code == 403
    assert (
        provider_client.delete(
            "/api/v1/push/subscriptions", json={"endpoint": subscription["endpoint"]}
        ).status_code
        == 403
    )


def test_bad_subscriptions_are_refused(patient, push_receiver):
    good = push_receiver.new_subscription()
    cases = {
        "endpoint": {**good, "endpoint": "ftp://push.example/abc"},
        "keys": {**good, "keys": {"p256dh": "AAAA", "auth": good["keys"]["auth"]}},
    }
    for field, body in cases.items():
        response = patient.post("/api/v1/push/subscriptions", json=body)
        assert response.status_code == 422, body
        assert field in response.get_json()["error"]["fields"]
    missing = patient.post("/api/v1/push/subscriptions", json={"endpoint": good["endpoint"]})
    assert missing.status_code == 422 and "keys" in missing.get_json()["error"]["fields"]


def test_only_https_endpoints_unless_configured(patient, push_receiver, app):
    app.config["PUSH_ALLOW_INSECURE_ENDPOINTS"] = False
    response = patient.post("/api/v1/push/subscriptions", json=push_receiver.new_subscription())
    assert response.status_code == 422
    assert "endpoint" in response.get_json()["error"]["fields"]


def test_only_the_push_services_hosts_by_default(patient, push_receiver, app):
    """Issue 11, item 9: an endpoint is a URL the server POSTs to, so only real push services."""
    app.config["PUSH_ALLOW_INSECURE_ENDPOINTS"] = False
    app.config["PUSH_ALLOWED_HOSTS"] = Config().PUSH_ALLOWED_HOSTS
    assert app.config["PUSH_ALLOWED_HOSTS"] == DEFAULT_PUSH_ALLOWED_HOSTS
    keys = push_receiver.new_subscription()["keys"]
    refused = [
        "https://127.0.0.1/push/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://localhost/x",
        "https://diary.internal/x",
        "https://notify.windows.com.evil.example/x",
        "https://evilnotify.windows.com/x",
        "https://fcm.googleapis.com.evil.example/x",
        "https://push.apple.com/x",
    ]
    for endpoint in refused:
        response = patient.post("/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": keys})
        assert response.status_code == 422, endpoint
        assert "push service" in response.get_json()["error"]["fields"]["endpoint"][0]
    accepted = [
        "https://fcm.googleapis.com/fcm/send/abc123",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://wns2-by3p.notify.windows.com/w/?token=abc",
        "https://web.push.apple.com/QAbc",
        "https://api.push.apple.com/3/x",
        "https://FCM.googleapis.com./fcm/send/upper",
    ]
    for endpoint in accepted:
        response = patient.post("/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": keys})
        assert response.status_code == 201, (endpoint, response.get_json())


# What the issue saw accepted, then failing at every send (issue 21, item 3).
NOT_AN_ENDPOINT = [
    "https://fcm.googleapis.com:0/fcm/send/abc",
    "https://fcm.googleapis.com:99999/fcm/send/abc",
    "https://fcm.googleapis.com:8443/fcm/send/abc",
    "https://fcm.googleapis.com:/fcm/send/abc",
    "https://fcm.googleapis.com:+443/fcm/send/abc",
    "https://fcm.googleapis.com/fcm/send/a\tb",
    " https://fcm.googleapis.com/fcm/send/abc",
    "https://fcm.googleapis.com/fcm/send/abc\n",
    "https://fcm.googleapis.com/fcm/send/abc\r\n",
    "https://fcm.googleapis.com/fcm/send/a b",
    "https://fcm.googleapis.com/fcm/send/a\x7fb",
    "https://fcm.googleapis.com/fcm/send/\u00e9",
    "https://fcm.googleapis.com/fcm/send/a\u2028b",
]


def test_an_endpoint_with_a_port_or_a_stray_character_is_refused(patient, push_receiver, app):
    """A browser's endpoint is a serialised URL: https on the default port, visible ASCII only."""
    app.config["PUSH_ALLOW_INSECURE_ENDPOINTS"] = False
    app.config["PUSH_ALLOWED_HOSTS"] = DEFAULT_PUSH_ALLOWED_HOSTS
    keys = push_receiver.new_subscription()["keys"]
    for endpoint in NOT_AN_ENDPOINT:
        response = patient.post("/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": keys})
        assert response.status_code == 422, repr(endpoint)
        assert response.get_json()["error"]["code"] == "validation_error"
        assert "endpoint" in response.get_json()["error"]["fields"], repr(endpoint)
    for endpoint in (
        "https://fcm.googleapis.com:443/fcm/send/abc",
        "https://fcm.googleapis.com/fcm/send/abc",
    ):
        response = patient.post("/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": keys})
        assert response.status_code == 201, (endpoint, response.get_json())
    with app.app_context():
        stored = {row.endpoint for row in db.session.query(PushSubscription)}
    assert stored == {
        "https://fcm.googleapis.com:443/fcm/send/abc",
        "https://fcm.googleapis.com/fcm/send/abc",
    }


def test_the_test_receivers_port_is_taken_only_in_the_insecure_test_mode(patient, push_receiver, app):
    subscription = push_receiver.new_subscription()
    assert f":{push_receiver.port}/" in subscription["endpoint"]
    assert patient.post("/api/v1/push/subscriptions", json=subscription).status_code == 201
    for port in ("0", "99999", "65536", ""):
        bad = {**subscription, "endpoint": f"http://127.0.0.1:{port}/push/abc"}
        response = patient.post("/api/v1/push/subscriptions", json=bad)
        assert response.status_code == 422 and "endpoint" in response.get_json()["error"]["fields"], port
    app.config["PUSH_ALLOW_INSECURE_ENDPOINTS"] = False
    secure = {**subscription, "endpoint": f"https://127.0.0.1:{push_receiver.port}/push/abc"}
    response = patient.post("/api/v1/push/subscriptions", json=secure)
    assert response.status_code == 422 and "port" in response.get_json()["error"]["fields"]["endpoint"][0]


@pytest.mark.parametrize(
    "spoil",
    [lambda endpoint: endpoint + "\t", lambda endpoint: re.sub(r":\d+/", ":0/", endpoint)],
    ids=["a trailing tab", "port 0"],
)
def test_a_stored_endpoint_that_breaks_the_rules_fails_once_not_eight_times(clinic, spoil):
    """One stored before the check: refused at send, for good, without a retry."""
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    subscription = clinic.subscribe(pat)
    with clinic.app.app_context():
        row = db.session.query(PushSubscription).one()
        row.endpoint = spoil(row.endpoint)
        db.session.commit()
    lines = clinic.tick(f"{DAY}T20:00:00+01:00")
    assert lines["delivery"] == "1 sent, 0 to retry, 1 failed, 0 cancelled"  # the email fallback was sent
    assert clinic.subscriptions(pat) == 0
    assert clinic.push.received(subscription) == []
    assert len(clinic.mails_to(pat)) == 1
    push_row = next(row for row in clinic.outbox() if row.channel == "push")
    assert (push_row.status, push_row.attempts) == ("failed", 1)


def test_expiration_time_is_kept(patient, push_receiver, app):
    expires = utc(f"{DAY + timedelta(days=3 * 365)}T00:00:00Z")
    subscription = {**push_receiver.new_subscription(), "expirationTime": int(expires.timestamp()) * 1000}
    body = patient.post("/api/v1/push/subscriptions", json=subscription).get_json()
    assert body["expires_at"] == f"{expires:%Y-%m-%d}T00:00:00Z"


def test_the_push_endpoints_are_documented(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/api/v1/push/public-key"])
    assert {"post", "delete"} <= set(paths["/api/v1/push/subscriptions"])


# ------------------------------------------------------------ push reminders


def test_a_push_reminder_arrives_once_and_no_email(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    subscription = clinic.subscribe(pat)

    lines = clinic.tick(f"{DAY}T20:00:00+01:00")
    assert lines["delivery"].startswith("1 sent")
    [push] = clinic.push.received(subscription)
    assert push.json() == {
        "title": "Afterglow",
        "body": "Time for your daily check-in",
        "url": "http://127.0.0.1:5000/",
        "lang": "en",
    }
    assert push.content_encoding == "aes128gcm"
    assert push.topic == "daily-check-in"
    assert 0 < push.ttl <= 4 * 3600  # it would be stale after the local day ends
    assert push.vapid_claims["sub"] == "mailto:admin@afterglow.invalid"
    assert clinic.mails_to(pat) == []

    clinic.tick(f"{DAY}T20:05:00+01:00")
    clinic.tick(f"{DAY}T23:00:00+01:00")
    assert len(clinic.push.received(subscription)) == 1
    clinic.tick(f"{NEXT}T20:00:00+01:00")
    assert len(clinic.push.received(subscription)) == 2


def test_every_subscription_of_the_patient_gets_one(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    phone, laptop = clinic.subscribe(pat), clinic.subscribe(pat)
    clinic.tick(f"{DAY}T20:00:00+01:00")
    clinic.tick(f"{DAY}T20:01:00+01:00")
    assert len(clinic.push.received(phone)) == len(clinic.push.received(laptop)) == 1


def test_a_gone_subscription_is_removed_and_the_reminder_falls_back_to_email(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    subscription = clinic.subscribe(pat)
    clinic.push.respond(subscription, 410)

    lines = clinic.tick(f"{DAY}T20:00:00+01:00")
    assert lines["delivery"] == "1 sent, 0 to retry, 1 failed, 0 cancelled"
    assert clinic.subscriptions(pat) == 0
    assert clinic.push.received(subscription) == []
    assert len(clinic.mails_to(pat)) == 1  # the same day's reminder, by email
    clinic.tick(f"{DAY}T20:10:00+01:00")
    assert len(clinic.mails_to(pat)) == 1
    push_row = next(row for row in clinic.outbox() if row.channel == "push")
    assert push_row.status == "failed" and "410" in push_row.last_error


def test_after_the_vapid_key_is_lost_the_refused_push_falls_back_to_email(clinic, app):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    subscription = clinic.subscribe(pat)  # with the key the server had then
    (Path(app.instance_path) / VAPID_KEY_FILENAME).unlink()  # the instance folder was not kept
    app.extensions.pop("diary_vapid", None)

    lines = clinic.tick(f"{DAY}T20:00:00+01:00")  # signed with a new key: the push service answers 403
    assert lines["delivery"] == "1 sent, 0 to retry, 1 failed, 0 cancelled"
    assert clinic.push.received(subscription) == []
    assert clinic.subscriptions(pat) == 0
    assert len(clinic.mails_to(pat)) == 1
    push_row = next(row for row in clinic.outbox() if row.channel == "push")
    assert push_row.status == "failed" and "403" in push_row.last_error


def test_a_stored_endpoint_no_longer_allowed_is_never_contacted(clinic):
    """The host is checked again at send time: a stored subscription outside the allowlist is dropped."""
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    subscription = clinic.subscribe(pat)
    clinic.app.config["PUSH_ALLOWED_HOSTS"] = DEFAULT_PUSH_ALLOWED_HOSTS
    lines = clinic.tick(f"{DAY}T20:00:00+01:00")
    assert "1 failed" in lines["delivery"]
    assert clinic.push.received(subscription) == []
    assert clinic.subscriptions(pat) == 0
    assert len(clinic.mails_to(pat)) == 1  # the reminder falls back to email


def test_a_404_subscription_is_removed_too_and_without_email_reminders_nothing_follows(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00", email_reminders=False)
    subscription = clinic.subscribe(pat)
    clinic.push.respond(subscription, 404)
    clinic.tick(f"{DAY}T20:00:00+01:00")
    assert clinic.subscriptions(pat) == 0
    assert clinic.mails_to(pat) == []


def test_429_and_5xx_are_retried_after_backoff(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    subscription = clinic.subscribe(pat)
    clinic.push.respond(subscription, 429, times=1, headers={"Retry-After": "120"})
    clinic.push.respond(subscription, 503, times=1)

    assert clinic.tick(f"{DAY}T20:00:00+01:00")["delivery"] == "0 sent, 1 to retry, 0 failed, 0 cancelled"
    assert clinic.tick(f"{DAY}T20:01:30+01:00")["delivery"].startswith(
        "0 sent, 0 to retry"
    )  # Retry-After: 120 s
    assert (
        clinic.tick(f"{DAY}T20:02:30+01:00")["delivery"] == "0 sent, 1 to retry, 0 failed, 0 cancelled"
    )  # the 503
    assert clinic.tick(f"{DAY}T20:10:00+01:00")["delivery"].startswith("1 sent")
    assert len(clinic.push.received(subscription)) == 1
    assert clinic.subscriptions(pat) == 1
    [row] = clinic.outbox()
    assert (row.status, row.attempts) == ("sent", 3)
    assert "503" in row.last_error


def test_an_expired_subscription_is_not_used(clinic, app):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    subscription = clinic.subscribe(pat)
    with app.app_context():
        row = db.session.query(PushSubscription).one()
        row.expires_at = utc(f"{DAY}T00:00:00Z") - timedelta(days=11)
        db.session.commit()
    clinic.tick(f"{DAY}T20:00:00+01:00")
    assert clinic.push.received(subscription) == []
    assert len(clinic.mails_to(pat)) == 1
