"""The delivery channels against real peers on 127.0.0.1: an SMTP server
(aiosmtpd) and a Web Push service that decrypts what it gets."""

import base64
import json
import logging
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from diary.notifications.channels import (
    ChannelConfigurationError,
    PermanentDeliveryError,
    TransientDeliveryError,
    load_or_create_vapid_key,
    normalize_vapid_subject,
    parse_smtp_url,
    send_email,
    send_push,
    validate_subscription,
)
from diary.notifications.messages import provider_alert_message, reminder_message
from tests.notifications.conftest import RECEIVER_HOSTS
from tests.support.mailbox import Mailbox, free_port

FROM = "Afterglow <no-reply@clinic.example>"
SUBJECT = "mailto:ops@clinic.example"


def b64url_decode(value):
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def send_reminder(url, to="pat@example.org", **kwargs):
    msg = reminder_message("https://diary.clinic.example")
    send_email(url, FROM, to, msg.subject, msg.text, msg.html, timeout=5, **kwargs)
    return msg


# -------------------------------------------------------------------- email


def test_email_arrives_with_text_and_html(smtp_server):
    msg = send_reminder(smtp_server.url)

    (received,) = smtp_server.wait_for(1)
    assert received["Subject"] == "Time for your daily check-in"
    assert received["From"].addresses[0].addr_spec == "no-reply@clinic.example"
    assert received["From"].addresses[0].display_name == "Afterglow"
    assert received["To"] == "pat@example.org"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Message-ID"].endswith("@clinic.example>")
    assert received["Date"]
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert text.strip() == msg.text.strip()
    assert "https://diary.clinic.example/" in text
    assert '<a href="https://diary.clinic.example/">' in html
    assert smtp_server.deliveries[0].mail_from == "no-reply@clinic.example"
    assert smtp_server.deliveries[0].rcpt_tos == ["pat@example.org"]


def test_provider_alert_email(smtp_server):
    msg = provider_alert_message(2, "https://diary.clinic.example/")
    send_email(smtp_server.url, FROM, "dr@clinic.example", msg.subject, msg.text, msg.html)
    (received,) = smtp_server.wait_for(1)
    assert received["Subject"] == "2 patients need your attention"
    assert smtp_server.to("dr@clinic.example") == [received]


def test_non_ascii_text_survives(smtp_server):
    send_email(
        smtp_server.url, FROM, "jürgen@example.de".replace("ü", "u"), "Grüße", "Schön, dass du da bist.", None
    )
    (received,) = smtp_server.wait_for(1)
    assert received["Subject"] == "Grüße"
    assert received.get_content().strip() == "Schön, dass du da bist."


def test_smtp_down_is_transient_and_then_up_again(smtp_server):
    smtp_server.stop()
    with pytest.raises(TransientDeliveryError) as caught:
        send_reminder(smtp_server.url)
    assert not isinstance(caught.value, PermanentDeliveryError)
    smtp_server.start()
    send_reminder(smtp_server.url)
    assert len(smtp_server.wait_for(1)) == 1


def test_nothing_listening_is_transient():
    with pytest.raises(TransientDeliveryError):
        send_reminder(f"smtp://127.0.0.1:{free_port()}")


def test_recipient_refused_5xx_is_permanent(smtp_server):
    smtp_server.refuse("gone@example.org", "550 5.1.1 No such user")
    with pytest.raises(PermanentDeliveryError) as caught:
        send_reminder(smtp_server.url, to="gone@example.org")
    assert caught.value.status == 550
    assert caught.value.subscription_gone is False
    assert smtp_server.messages == []


def test_recipient_refused_4xx_is_transient(smtp_server):
    smtp_server.refuse("busy@example.org", "451 4.7.1 Greylisted, try again later")
    with pytest.raises(TransientDeliveryError) as caught:
        send_reminder(smtp_server.url, to="busy@example.org")
    assert caught.value.status == 451


def test_sender_refused_4xx_greylisting_is_an_ordinary_transient_failure(smtp_server):
    smtp_server.refuse_sender("451 4.7.1 Greylisted, please try again later")
    with pytest.raises(TransientDeliveryError) as caught:
        send_reminder(smtp_server.url)
    assert not isinstance(
        caught.value, ChannelConfigurationError
    )  # not the operator's to fix: normal backoff
    assert caught.value.status == 451
    smtp_server.refuse_sender(None)
    send_reminder(smtp_server.url)
    assert len(smtp_server.messages) == 1


def test_sender_refused_5xx_is_a_configuration_error(smtp_server):
    smtp_server.refuse_sender("553 5.7.1 Sender address rejected")
    with pytest.raises(ChannelConfigurationError) as caught:
        send_reminder(smtp_server.url)
    assert caught.value.status == 553


def test_unset_smtp_url_logs_without_body(caplog):
    caplog.set_level(logging.INFO, logger="diary.mail")
    msg = send_reminder(None, to="someone@patients.example")
    (record,) = [r for r in caplog.records if r.name == "diary.mail"]
    logged = record.getMessage()
    assert "patients.example" in logged
    assert "someone" not in logged
    assert msg.subject in logged
    assert msg.text.splitlines()[2] not in logged


def test_login_over_starttls():
    with Mailbox(tls="starttls", auth=("relay user", "p@ss:word/1")) as box:
        assert box.url.startswith("smtp+starttls://relay%20user:p%40ss%3Aword%2F1@127.0.0.1:")
        send_reminder(box.url, tls_context=box.client_tls_context())
        box.wait_for(1)
        assert box.logins == ["relay user"]


def test_opportunistic_starttls_on_plain_smtp_url():
    with Mailbox(tls="starttls") as box:
        plain_url = box.url.replace("smtp+starttls://", "smtp://")
        send_reminder(plain_url, tls_context=box.client_tls_context())
        assert len(box.wait_for(1)) == 1
        # without trusting its certificate we refuse to talk, and say why
        with pytest.raises(ChannelConfigurationError, match="certificate"):
            send_reminder(plain_url)


def test_implicit_tls():
    with Mailbox(tls="implicit") as box:
        assert box.url.startswith("smtps://")
        send_reminder(box.url, tls_context=box.client_tls_context())
        assert len(box.wait_for(1)) == 1


def test_required_starttls_not_offered_is_a_configuration_error(smtp_server):
    with pytest.raises(ChannelConfigurationError, match="STARTTLS"):
        send_reminder(smtp_server.url.replace("smtp://", "smtp+starttls://"))
    assert smtp_server.messages == []


def test_wrong_smtp_password_is_a_configuration_error():
    with Mailbox(auth=("u", "right")) as box:
        with pytest.raises(ChannelConfigurationError) as caught:
            send_reminder(box.url.replace(":right@", ":wrong@"))
        assert isinstance(caught.value, TransientDeliveryError)
        assert box.messages == []


def test_smtp_url_parsing():
    assert parse_smtp_url("smtp://mail.example:2525").port == 2525
    assert parse_smtp_url("smtp://mail.example").port == 25
    assert parse_smtp_url("smtps://mail.example").port == 465
    assert parse_smtp_url("smtp+starttls://mail.example").port == 587
    settings = parse_smtp_url("smtp://a%40b:c%3Ad@mail.example")
    assert (settings.username, settings.password, settings.security) == ("a@b", "c:d", "opportunistic")
    for bad in ("http://mail.example", "smtp://", "smtp://host:notaport"):
        with pytest.raises(ChannelConfigurationError):
            parse_smtp_url(bad)


def test_header_injection_is_impossible(smtp_server):
    with pytest.raises(ValueError):
        send_email(smtp_server.url, FROM, "a@example.org\r\nBcc: evil@example.org", "x", "y")
    assert smtp_server.messages == []


# --------------------------------------------------------------- web push


@pytest.fixture
def vapid(tmp_path):
    return load_or_create_vapid_key(tmp_path / "instance")


def push(sub, vapid, payload=None, **kwargs):
    payload = payload or reminder_message("https://diary.clinic.example").push
    send_push(
        sub,
        payload,
        vapid=vapid,
        subject=SUBJECT,
        allowed_hosts=RECEIVER_HOSTS,
        allow_insecure_endpoint=True,
        timeout=5,
        **kwargs,
    )
    return payload


def test_push_decrypts_to_the_exact_payload(push_receiver, vapid):
    sub = push_receiver.new_subscription(application_server_key=vapid.public_key)
    msg = reminder_message("https://diary.clinic.example")
    push(sub, vapid, msg.push, topic=msg.push_topic)

    (received,) = push_receiver.received(sub)
    assert received.json() == {
        "title": "Afterglow",
        "body": "Time for your daily check-in",
        "url": "https://diary.clinic.example/",
        "lang": "en",
    }
    assert received.content_encoding == "aes128gcm"
    assert received.ttl == 12 * 3600
    assert received.urgency == "normal"
    assert received.topic == "daily-check-in"
    assert b64url_decode(received.vapid_public_key) == b64url_decode(vapid.public_key)
    assert received.vapid_claims["sub"] == SUBJECT
    assert received.vapid_claims["aud"] == push_receiver.origin
    assert push_receiver.rejections == []


def test_each_subscription_gets_its_own_encryption(push_receiver, vapid):
    first, second = push_receiver.new_subscription(), push_receiver.new_subscription()
    push(first, vapid, {"title": "a", "body": "1", "url": "/"})
    push(second, vapid, {"title": "b", "body": "2", "url": "/"})
    assert push_receiver.payloads(first) == [{"title": "a", "body": "1", "url": "/"}]
    assert push_receiver.payloads(second) == [{"title": "b", "body": "2", "url": "/"}]


def test_push_signed_with_another_key_is_refused(push_receiver, vapid, tmp_path):
    other = load_or_create_vapid_key(tmp_path / "other")
    sub = push_receiver.new_subscription(application_server_key=vapid.public_key)
    with pytest.raises(PermanentDeliveryError) as caught:  # a lost VAPID key: the subscription is dead
        push(sub, other)
    assert caught.value.status == 403 and caught.value.subscription_gone is True
    assert push_receiver.payloads(sub) == []


@pytest.mark.parametrize("status", [404, 410])
def test_gone_subscription_is_permanent_and_marked_gone(push_receiver, vapid, status):
    sub = push_receiver.new_subscription()
    push_receiver.respond(sub, status)
    with pytest.raises(PermanentDeliveryError) as caught:
        push(sub, vapid)
    assert caught.value.subscription_gone is True
    assert caught.value.status == status


def test_unknown_endpoint_on_the_push_service_is_gone(push_receiver, vapid):
    sub = push_receiver.new_subscription()
    sub["endpoint"] = sub["endpoint"] + "x"
    with pytest.raises(PermanentDeliveryError) as caught:
        push(sub, vapid)
    assert caught.value.subscription_gone


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_rate_limit_and_server_errors_are_transient(push_receiver, vapid, status):
    sub = push_receiver.new_subscription()
    push_receiver.respond(sub, status, times=1, headers={"Retry-After": "30"})
    with pytest.raises(TransientDeliveryError) as caught:
        push(sub, vapid)
    assert caught.value.status == status
    assert caught.value.retry_after == 30
    assert not isinstance(caught.value, PermanentDeliveryError)
    # the retry goes through
    payload = push(sub, vapid)
    assert push_receiver.payloads(sub) == [payload]


def test_other_client_errors_are_permanent_but_keep_the_subscription(push_receiver, vapid):
    sub = push_receiver.new_subscription()
    push_receiver.respond(sub, 413, times=1)
    with pytest.raises(PermanentDeliveryError) as caught:
        push(sub, vapid)
    assert caught.value.subscription_gone is False


def test_push_service_down_is_transient(push_receiver, vapid):
    sub = push_receiver.new_subscription()
    push_receiver.stop()
    with pytest.raises(TransientDeliveryError):
        push(sub, vapid)
    push_receiver.start()
    push(sub, vapid)
    assert len(push_receiver.payloads(sub)) == 1


def test_redirects_are_not_followed(vapid):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits = []

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        key = (
            ec.generate_private_key(ec.SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        )
        sub = {
            "endpoint": f"http://127.0.0.1:{server.server_address[1]}/push/x",
            "keys": {
                "p256dh": base64.urlsafe_b64encode(key).rstrip(b"=").decode(),
                "auth": base64.urlsafe_b64encode(b"0" * 16).rstrip(b"=").decode(),
            },
        }
        with pytest.raises(PermanentDeliveryError):
            push(sub, vapid)
        assert hits == ["/push/x"]
    finally:
        server.shutdown()
        server.server_close()


def test_http_endpoints_are_refused_outside_tests(push_receiver, vapid):
    sub = push_receiver.new_subscription()
    with pytest.raises(PermanentDeliveryError) as caught:
        send_push(
            sub,
            {"title": "t", "body": "b", "url": "/"},
            vapid=vapid,
            subject=SUBJECT,
            allowed_hosts=RECEIVER_HOSTS,
        )
    assert caught.value.subscription_gone
    assert push_receiver.all_received() == []


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s.pop("keys"),
        lambda s: s["keys"].update(p256dh="not-a-key"),
        lambda s: s["keys"].update(p256dh=base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).decode()),
        lambda s: s["keys"].update(auth="c2hvcnQ"),
        lambda s: s.update(endpoint="ftp://127.0.0.1/push/x"),
        lambda s: s.update(endpoint="https://user:pw@push.example/x"),
        lambda s: s.update(endpoint=s["endpoint"] + "\n"),
        lambda s: s.update(endpoint="http://127.0.0.1:0/push/x"),
        lambda s: s.update(endpoint="http://127.0.0.1:99999/push/x"),
    ],
)
def test_malformed_subscriptions_are_rejected(push_receiver, mutate):
    sub = push_receiver.new_subscription()
    mutate(sub)
    with pytest.raises(ValueError):
        validate_subscription(sub, allowed_hosts=RECEIVER_HOSTS, allow_insecure_endpoint=True)


def test_browser_subscription_json_is_accepted(push_receiver):
    sub = push_receiver.new_subscription()
    assert "expirationTime" in sub
    assert validate_subscription(sub, allowed_hosts=RECEIVER_HOSTS, allow_insecure_endpoint=True) == {
        "endpoint": sub["endpoint"],
        "keys": sub["keys"],
    }


def test_vapid_subject_normalisation():
    assert normalize_vapid_subject("ops@clinic.example") == "mailto:ops@clinic.example"
    assert normalize_vapid_subject("mailto:ops@clinic.example") == "mailto:ops@clinic.example"
    assert normalize_vapid_subject("https://clinic.example") == "https://clinic.example"
    with pytest.raises(ChannelConfigurationError):
        normalize_vapid_subject("")


def test_bare_email_subject_is_accepted_by_the_push_service(push_receiver, vapid):
    sub = push_receiver.new_subscription()
    send_push(
        sub,
        {"title": "t", "body": "b", "url": "/"},
        vapid=vapid,
        subject="ops@clinic.example",
        allowed_hosts=RECEIVER_HOSTS,
        allow_insecure_endpoint=True,
    )
    assert push_receiver.received(sub)[0].vapid_claims["sub"] == "mailto:ops@clinic.example"


# ------------------------------------------------------------- VAPID keys


def test_vapid_key_is_generated_once_and_reused(tmp_path):
    instance = tmp_path / "instance"
    first = load_or_create_vapid_key(instance)
    key_file = instance / "vapid_private.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    second = load_or_create_vapid_key(instance)
    assert second == first
    assert [p.name for p in instance.iterdir()] == ["vapid_private.pem"]


def test_vapid_public_key_is_an_uncompressed_p256_point(vapid):
    raw = b64url_decode(vapid.public_key)
    assert len(raw) == 65 and raw[0] == 4
    assert "=" not in vapid.public_key
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    assert len(b64url_decode(vapid.private_key)) == 32
    # the public key belongs to the private one
    derived = ec.derive_private_key(int.from_bytes(b64url_decode(vapid.private_key), "big"), ec.SECP256R1())
    assert (
        derived.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        == raw
    )


def test_private_key_stays_out_of_repr(vapid):
    assert vapid.private_key not in repr(vapid)


def test_configured_key_wins_in_every_format(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    traditional = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    raw = key.private_numbers().private_value.to_bytes(32, "big")

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    results = {
        load_or_create_vapid_key(tmp_path, value).public_key
        for value in (pem, traditional, pem.replace("\n", "\\n"), b64(raw), b64(der), f"  {b64(raw)}\n")
    }
    assert len(results) == 1
    assert not (tmp_path / "vapid_private.pem").exists()


@pytest.mark.parametrize(
    "bad", ["nonsense!", "QUJD", "-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----"]
)
def test_bad_configured_key_is_an_error(tmp_path, bad):
    with pytest.raises(ValueError, match="DIARY_VAPID_PRIVATE_KEY"):
        load_or_create_vapid_key(tmp_path, bad)


def test_a_configured_key_signs_pushes(push_receiver, tmp_path):
    raw = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value.to_bytes(32, "big")
    keys = load_or_create_vapid_key(tmp_path, base64.urlsafe_b64encode(raw).decode())
    sub = push_receiver.new_subscription(application_server_key=keys.public_key)
    push(sub, keys)
    assert len(push_receiver.payloads(sub)) == 1


def test_concurrent_first_use_agrees_on_one_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    instance = tmp_path / "instance"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: load_or_create_vapid_key(instance), range(16)))
    assert len({k.public_key for k in keys}) == 1
    assert sorted(p.name for p in instance.iterdir()) == ["vapid_private.pem"]


# ------------------------------------------------------------ the texts


def test_texts_carry_no_health_data():
    for msg in (reminder_message("https://x.example"), provider_alert_message(3, "https://x.example")):
        blob = json.dumps([msg.subject, msg.text, msg.html, msg.push]).lower()
        for word in ("gad", "anxiety", "score", "ketamine", "severe", "urgent", "wearing", "flag"):
            assert word not in blob
        assert set(msg.push) == {"title", "body", "url", "lang"}


def test_provider_alert_counts():
    assert provider_alert_message(1, None).subject == "1 patient needs your attention"
    assert provider_alert_message(2, None).subject == "2 patients need your attention"
    assert provider_alert_message(2, None).push["url"] == "/"
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError):
            provider_alert_message(bad, None)


def test_html_escapes_the_base_url():
    msg = reminder_message('https://x.example/"><script>')
    assert "<script>" not in msg.html
