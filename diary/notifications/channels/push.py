"""Web Push: a payload encrypted for one browser's subscription (aes128gcm), signed with VAPID."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import VapidException
from pywebpush import WebPushException, webpush

from ...i18n import N_
from .errors import ChannelConfigurationError, DeliveryError, PermanentDeliveryError, TransientDeliveryError
from .vapid import VapidKeys, b64url_decode, normalize_vapid_subject

push_log = logging.getLogger("diary.push")

DEFAULT_PUSH_TTL = 12 * 60 * 60


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
        raise ValueError(N_("subscription must be an object"))
    endpoint = subscription.get("endpoint")
    _check_endpoint(endpoint, allowed_hosts=allowed_hosts, allow_insecure_endpoint=allow_insecure_endpoint)
    p256dh, auth = _check_keys(subscription.get("keys"))
    return {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}


def _check_endpoint(endpoint, *, allowed_hosts: Sequence[str], allow_insecure_endpoint: bool) -> None:
    if not isinstance(endpoint, str) or len(endpoint) > 2048:
        raise ValueError(N_("endpoint must be a URL"))
    # A browser serialises the URL (WHATWG): printable ASCII, nothing to trim. urlsplit would
    # quietly drop a tab or a newline, and the row would keep it and fail at every send.
    if not all("!" <= character <= "~" for character in endpoint):
        raise ValueError(
            N_("endpoint must be a URL without spaces, tabs, line breaks or other special characters")
        )
    parts = urlsplit(endpoint)
    allowed = {"https", "http"} if allow_insecure_endpoint else {"https"}
    if parts.scheme not in allowed or not parts.hostname or parts.username or parts.password:
        raise ValueError(N_("endpoint must be an https URL"))
    _check_port(parts.netloc, any_port=allow_insecure_endpoint)
    if not host_allowed(parts.hostname, allowed_hosts):
        raise ValueError(N_("endpoint must be on a known push service (DIARY_PUSH_ALLOWED_HOSTS)"))


def _check_keys(keys) -> tuple[str, str]:
    """``(p256dh, auth)``, stripped: the browser's P-256 public key and its 16-byte secret."""
    if not isinstance(keys, Mapping):
        raise ValueError(N_("keys must be an object with p256dh and auth"))
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    try:
        point = b64url_decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        if len(point) != 65:
            raise ValueError
    except ValueError as exc:
        raise ValueError(N_("keys.p256dh must be an uncompressed P-256 public key, base64url")) from exc
    try:
        secret = b64url_decode(auth)
    except ValueError as exc:
        raise ValueError(N_("keys.auth must be base64url")) from exc
    if len(secret) != 16:
        raise ValueError(N_("keys.auth must be 16 bytes, base64url"))
    return p256dh.strip(), auth.strip()


def _check_port(netloc: str, *, any_port: bool) -> None:
    """The push services listen on https's own port: none written, or 443. A local test
    receiver (``any_port``, the insecure test mode only) has a port of its own, 1 to 65535."""
    host_and_port = netloc.rpartition("]")[2]  # past an IPv6 literal's colons
    if ":" not in host_and_port:
        return
    port = host_and_port.rpartition(":")[2]
    if not (port.isdigit() and 1 <= int(port) <= 65535):
        raise ValueError(N_("endpoint must have no port, or a port from 1 to 65535"))
    if int(port) != 443 and not any_port:
        raise ValueError(N_("endpoint must use https's own port (443)"))


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
