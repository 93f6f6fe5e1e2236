"""Delivery channels: email over SMTP and Web Push with VAPID. No database.

Every failure is raised as one of two kinds, so the outbox knows what to do:

* ``PermanentDeliveryError``: this message will never get through to this
  recipient. When ``subscription_gone`` is true the push subscription is dead
  (the push service answered 404 or 410, or it was malformed) and the caller
  deletes it.
* ``TransientDeliveryError``: try again later with backoff (connection
  refused, timeouts, 429, 5xx, a 4xx SMTP reply). ``retry_after`` carries the
  peer's hint in seconds when it gave one. ``ChannelConfigurationError`` is a
  transient error too: nothing is wrong with the message, the operator has to
  fix a setting, and it goes through once they have.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email.utils
import hashlib
import json
import logging
import os
import smtplib
import ssl
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid, VapidException
from pywebpush import WebPushException, webpush

__all__ = [
    "ChannelConfigurationError",
    "DeliveryError",
    "PermanentDeliveryError",
    "TransientDeliveryError",
    "VapidKeys",
    "build_email",
    "message_id_for",
    "load_or_create_vapid_key",
    "normalize_vapid_subject",
    "parse_smtp_url",
    "send_email",
    "send_push",
    "validate_subscription",
]

mail_log = logging.getLogger("diary.mail")
push_log = logging.getLogger("diary.push")

DEFAULT_PUSH_TTL = 12 * 60 * 60
VAPID_KEY_FILENAME = "vapid_private.pem"


# ------------------------------------------------------------------ errors


class DeliveryError(Exception):
    """A notification was not delivered."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class PermanentDeliveryError(DeliveryError):
    """Retrying will not help. ``subscription_gone``: delete the push subscription."""

    def __init__(self, message: str, *, status: int | None = None, subscription_gone: bool = False):
        super().__init__(message, status=status)
        self.subscription_gone = subscription_gone


class TransientDeliveryError(DeliveryError):
    """Retry later; ``retry_after`` is the peer's hint in seconds, if any."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status=status)
        self.retry_after = retry_after


class ChannelConfigurationError(TransientDeliveryError):
    """A setting (SMTP URL, credentials, VAPID key or subject) is wrong."""


# ------------------------------------------------------------------- email


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "implicit" (smtps), "starttls" (required), "opportunistic" (smtp)
    username: str | None
    password: str | None


_SMTP_SCHEMES = {
    "smtp": ("opportunistic", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("implicit", 465),
}


def parse_smtp_url(smtp_url: str) -> SmtpSettings:
    """``smtp://[user:pass@]host[:port]`` (STARTTLS when the server offers it),
    ``smtp+starttls://…`` (STARTTLS required) or ``smtps://…`` (TLS from the
    first byte). User and password are percent-decoded."""
    parts = urlsplit(smtp_url)
    scheme = parts.scheme.lower()
    if scheme not in _SMTP_SCHEMES:
        raise ChannelConfigurationError(
            f"SMTP URL scheme must be one of {', '.join(sorted(_SMTP_SCHEMES))}, not {scheme!r}"
        )
    security, default_port = _SMTP_SCHEMES[scheme]
    try:
        port = parts.port or default_port
    except ValueError as exc:
        raise ChannelConfigurationError("SMTP URL has an invalid port") from exc
    if not parts.hostname:
        raise ChannelConfigurationError("SMTP URL has no host")
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def _domain_of(address: str) -> str:
    return email.utils.parseaddr(address)[1].rpartition("@")[2] or "localhost"


def message_id_for(key: str, mail_from: str) -> str:
    """A Message-ID that is the same every time ``key`` (a dedupe key) is sent, so a message
    sent twice (a crash between the server's acceptance and the outbox's record) is one
    message to the mail servers and clients that deduplicate. Hashed: the key names a patient."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{_domain_of(mail_from)}>"


def build_email(
    mail_from: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    message_id: str | None = None,
) -> EmailMessage:
    """A plain-text email with an optional HTML alternative."""
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.formatdate(usegmt=True)
    msg["Message-ID"] = message_id or email.utils.make_msgid(domain=_domain_of(mail_from))
    # RFC 3834: keeps vacation responders from answering a reminder.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def _smtp_error(exc: smtplib.SMTPResponseException, what: str) -> DeliveryError:
    detail = (
        exc.smtp_error.decode("utf-8", "replace")
        if isinstance(exc.smtp_error, bytes)
        else str(exc.smtp_error)
    )
    message = f"{what}: {exc.smtp_code} {detail}"
    if 500 <= exc.smtp_code < 600:
        return PermanentDeliveryError(message, status=exc.smtp_code)
    return TransientDeliveryError(message, status=exc.smtp_code)


def send_email(
    smtp_url: str | None,
    mail_from: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    timeout: float = 10,
    tls_context: ssl.SSLContext | None = None,
    message_id: str | None = None,
) -> None:
    """Send one email to one address. With no ``smtp_url`` it is logged to
    ``diary.mail`` instead (subject and the recipient's domain only) and
    counts as sent. ``tls_context`` overrides the system trust store."""
    msg = build_email(mail_from, to, subject, text, html, message_id=message_id)
    if not smtp_url:
        mail_log.info("email not sent (no SMTP URL configured): to=…@%s subject=%r", _domain_of(to), subject)
        return
    settings = parse_smtp_url(smtp_url)
    context = tls_context or ssl.create_default_context()
    local_hostname = _domain_of(mail_from)
    try:
        if settings.security == "implicit":
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, local_hostname=local_hostname, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(
                settings.host, settings.port, local_hostname=local_hostname, timeout=timeout
            )
        with client:
            client.ehlo()
            if settings.security != "implicit":
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
                elif settings.security == "starttls":
                    raise ChannelConfigurationError("the SMTP server does not offer STARTTLS")
            if settings.username:
                client.login(settings.username, settings.password or "")
            refused = client.send_message(msg)
    except DeliveryError:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        code, detail = next(iter(exc.recipients.values()))
        raise _smtp_error(smtplib.SMTPResponseException(code, detail), "recipient refused") from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise ChannelConfigurationError(f"SMTP login failed: {exc.smtp_code}", status=exc.smtp_code) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise ChannelConfigurationError(f"SMTP server does not support that: {exc}") from exc
    except smtplib.SMTPSenderRefused as exc:
        if 400 <= exc.smtp_code < 500:  # greylisting, a full queue: try again later, like any 4xx
            raise TransientDeliveryError(
                f"SMTP sender refused for now: {exc.smtp_code}", status=exc.smtp_code
            ) from exc
        # a relay refusing our MAIL FROM for good refuses every message alike
        raise ChannelConfigurationError(
            f"SMTP sender {exc.sender!r} refused: {exc.smtp_code}", status=exc.smtp_code
        ) from exc
    except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as exc:
        raise TransientDeliveryError(
            f"SMTP server not accepting: {exc.smtp_code}", status=exc.smtp_code
        ) from exc
    except smtplib.SMTPResponseException as exc:
        raise _smtp_error(exc, "SMTP error") from exc
    except ssl.SSLCertVerificationError as exc:
        raise ChannelConfigurationError(f"SMTP server certificate not trusted: {exc.verify_message}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        # connection refused or reset, timeouts, DNS, TLS handshakes
        raise TransientDeliveryError(f"SMTP unavailable: {exc.__class__.__name__}: {exc}") from exc
    if refused:
        code, detail = next(iter(refused.values()))
        raise _smtp_error(smtplib.SMTPResponseException(code, detail), "recipient refused")


# ---------------------------------------------------------------- web push


def _b64url_decode(value: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError("expected a base64url string")
    value = value.strip()
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc


def _b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def host_allowed(host: str, allowed_hosts: Sequence[str]) -> bool:
    """Whether ``host`` is one of ``allowed_hosts``; ``*.example.com`` allows its subdomains (not itself)."""
    host = host.lower().rstrip(".")
    for pattern in allowed_hosts:
        pattern = pattern.strip().lower().rstrip(".")
        if pattern.startswith("*.") and host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
            return True
        if host == pattern:
            return True
    return False


def validate_subscription(
    subscription: Mapping, *, allowed_hosts: Sequence[str], allow_insecure_endpoint: bool = False
) -> dict:
    """Check a browser's ``PushSubscription.toJSON()`` and return the part
    pywebpush needs, ``{"endpoint", "keys": {"p256dh", "auth"}}``. Raises
    ``ValueError`` naming what is wrong.

    The server POSTs to a URL a user handed it, so the endpoint must be https
    on one of ``allowed_hosts`` (the browsers' push services, DIARY_PUSH_ALLOWED_HOSTS):
    anything else could point inside our network (127.0.0.1, 169.254.169.254).
    ``allow_insecure_endpoint`` (plain http) is for tests against a local receiver,
    whose host the tests add to ``allowed_hosts`` themselves.
    """
    if not isinstance(subscription, Mapping):
        raise ValueError("subscription must be an object")
    endpoint = subscription.get("endpoint")
    keys = subscription.get("keys")
    if not isinstance(endpoint, str) or len(endpoint) > 2048:
        raise ValueError("endpoint must be a URL")
    # A browser serialises the URL (WHATWG): printable ASCII, nothing to trim. urlsplit would
    # quietly drop a tab or a newline, and the row would keep it and fail at every send.
    if not all("!" <= character <= "~" for character in endpoint):
        raise ValueError(
            "endpoint must be a URL without spaces, tabs, line breaks or other special characters"
        )
    parts = urlsplit(endpoint)
    allowed = {"https", "http"} if allow_insecure_endpoint else {"https"}
    if parts.scheme not in allowed or not parts.hostname or parts.username or parts.password:
        raise ValueError("endpoint must be an https URL")
    _check_port(parts.netloc, any_port=allow_insecure_endpoint)
    if not host_allowed(parts.hostname, allowed_hosts):
        raise ValueError("endpoint must be on a known push service (DIARY_PUSH_ALLOWED_HOSTS)")
    if not isinstance(keys, Mapping):
        raise ValueError("keys must be an object with p256dh and auth")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        point = _b64url_decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        if len(point) != 65:
            raise ValueError
    except ValueError as exc:
        raise ValueError("keys.p256dh must be an uncompressed P-256 public key, base64url") from exc
    try:
        secret = _b64url_decode(auth)
    except ValueError as exc:
        raise ValueError("keys.auth must be base64url") from exc
    if len(secret) != 16:
        raise ValueError("keys.auth must be 16 bytes, base64url")
    return {"endpoint": endpoint, "keys": {"p256dh": p256dh.strip(), "auth": auth.strip()}}


def _check_port(netloc: str, *, any_port: bool) -> None:
    """The push services listen on https's own port: none written, or 443. A local test
    receiver (``any_port``, the insecure test mode only) has a port of its own, 1 to 65535."""
    host_and_port = netloc.rpartition("]")[2]  # past an IPv6 literal's colons
    if ":" not in host_and_port:
        return
    port = host_and_port.rpartition(":")[2]
    if not (port.isdigit() and 1 <= int(port) <= 65535):
        raise ValueError("endpoint must have no port, or a port from 1 to 65535")
    if int(port) != 443 and not any_port:
        raise ValueError("endpoint must use https's own port (443)")


class _NoRedirectSession(requests.Session):
    """A push service answers; it does not redirect. Following a redirect
    would let an endpoint steer our POST somewhere else."""

    def request(self, method, url, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(method, url, **kwargs)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _push_error(status: int, retry_after: str | None, reason: str) -> DeliveryError:
    message = f"push service answered {status} {reason}".rstrip()
    if status in (404, 410):
        return PermanentDeliveryError(message, status=status, subscription_gone=True)
    if status == 429 or status >= 500:
        return TransientDeliveryError(message, status=status, retry_after=_retry_after_seconds(retry_after))
    if status in (401, 403):
        # Our VAPID credentials were refused: the browser subscribed with a key
        # we no longer have (a lost or replaced instance folder). The subscription
        # can never work again: it is gone, and the reminder falls back to email.
        push_log.warning("push service refused our VAPID key (%s): was the VAPID key replaced?", status)
        return PermanentDeliveryError(message, status=status, subscription_gone=True)
    # 400 malformed, 413 payload too large, 3xx: sending it again changes nothing
    return PermanentDeliveryError(message, status=status)


def normalize_vapid_subject(subject: str) -> str:
    """``admin@example.org`` becomes ``mailto:admin@example.org``; a mailto:
    or https: subject is kept as it is (RFC 8292 §2.1)."""
    subject = (subject or "").strip()
    if not subject:
        raise ChannelConfigurationError("a VAPID subject (mailto: or https: URL) is required")
    if "@" in subject and ":" not in subject:
        return f"mailto:{subject}"
    return subject


def send_push(
    subscription: Mapping,
    payload: Mapping,
    *,
    vapid: VapidKeys,
    subject: str,
    ttl: int = DEFAULT_PUSH_TTL,
    topic: str | None = None,
    urgency: str = "normal",
    timeout: float = 10,
    allowed_hosts: Sequence[str],
    allow_insecure_endpoint: bool = False,
    session: requests.Session | None = None,
) -> None:
    """Encrypt ``payload`` (a small JSON object) for one subscription and hand
    it to its push service (aes128gcm, VAPID). The endpoint is checked again
    here: a stored one whose host is no longer allowed is never contacted."""
    try:
        info = validate_subscription(
            subscription, allowed_hosts=allowed_hosts, allow_insecure_endpoint=allow_insecure_endpoint
        )
    except ValueError as exc:
        raise PermanentDeliveryError(f"malformed push subscription: {exc}", subscription_gone=True) from exc
    headers = {"Urgency": urgency}
    if topic:
        headers["Topic"] = topic
    own_session = session is None
    http = session or _NoRedirectSession()
    try:
        webpush(
            subscription_info=info,
            data=json.dumps(dict(payload), separators=(",", ":"), ensure_ascii=False),
            vapid_private_key=vapid.vapid(),
            # a fresh dict each time: pywebpush writes "aud" and "exp" into it
            vapid_claims={"sub": normalize_vapid_subject(subject)},
            content_encoding="aes128gcm",
            ttl=ttl,
            timeout=timeout,
            headers=headers,
            requests_session=http,
        )
    except WebPushException as exc:
        response = exc.response
        if response is None:
            raise PermanentDeliveryError(f"push not sent: {exc.message}") from exc
        raise _push_error(
            response.status_code, response.headers.get("Retry-After"), response.reason or ""
        ) from exc
    except VapidException as exc:
        raise ChannelConfigurationError(f"VAPID signing failed: {exc}") from exc
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise TransientDeliveryError(f"push service unreachable: {exc.__class__.__name__}") from exc
    except requests.RequestException as exc:
        raise TransientDeliveryError(f"push failed: {exc.__class__.__name__}: {exc}") from exc
    finally:
        if own_session:
            http.close()


# ------------------------------------------------------------- VAPID keys


@dataclass(frozen=True)
class VapidKeys:
    """The server's VAPID key pair.

    ``private_key``: the raw 32-byte scalar, base64url (what pywebpush and
    py_vapid's ``Vapid.from_string`` take). ``public_key``: the 65-byte
    uncompressed point, base64url: the browser's ``applicationServerKey``,
    served as ``public_key`` by GET /api/v1/push/public-key.
    """

    private_key: str
    public_key: str

    def vapid(self) -> Vapid:
        return Vapid.from_string(self.private_key)

    def __repr__(self) -> str:  # keep the private key out of logs and tracebacks
        return f"VapidKeys(public_key={self.public_key!r})"


def _keys_from(private: ec.EllipticCurvePrivateKey) -> VapidKeys:
    if not isinstance(private, ec.EllipticCurvePrivateKey) or not isinstance(private.curve, ec.SECP256R1):
        raise ValueError("a VAPID key must be an EC key on P-256")
    scalar = private.private_numbers().private_value.to_bytes(32, "big")
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(private_key=_b64url_encode(scalar), public_key=_b64url_encode(point))


def _parse_configured_key(value: str) -> ec.EllipticCurvePrivateKey:
    value = value.strip()
    if value.startswith("-----BEGIN"):
        # environment variables often carry PEM with literal "\n"
        pem = value.replace("\\n", "\n").encode("ascii")
        return serialization.load_pem_private_key(pem, password=None)
    raw = _b64url_decode(value)
    if len(raw) == 32:
        return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    return serialization.load_der_private_key(raw, password=None)


def load_or_create_vapid_key(
    instance_path: str | os.PathLike, configured_private_key: str | None = None
) -> VapidKeys:
    """The VAPID keys: from ``configured_private_key`` (DIARY_VAPID_PRIVATE_KEY:
    PEM, or base64url of the raw 32-byte key or of DER) when given, else from
    ``<instance>/vapid_private.pem``, generated there (mode 0600) on first use.

    Creation is race-free: the web process and the scheduler may start at the
    same moment, and both must end up with the same key.
    """
    if configured_private_key and configured_private_key.strip():
        try:
            return _keys_from(_parse_configured_key(configured_private_key))
        except (ValueError, TypeError) as exc:
            raise ValueError(
                "DIARY_VAPID_PRIVATE_KEY is not a P-256 private key (PEM, or base64url raw or DER)"
            ) from exc

    path = Path(instance_path) / VAPID_KEY_FILENAME
    if not path.exists():
        _create_key_file(path)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        push_log.warning("%s is readable by others (mode %o); it should be 0600", path, mode)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    return _keys_from(private)


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Write a complete file under a temporary name (mkstemp makes it 0600),
    # then link it into place: a concurrent reader sees no file or a whole
    # one, and if two processes race, the first link wins and both load it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vapid-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
