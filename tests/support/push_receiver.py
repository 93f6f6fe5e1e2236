"""A real Web Push service on loopback: it holds the browser side of each
subscription (a P-256 key pair and a 16-byte auth secret), checks VAPID like a
push service does, and decrypts what it receives (RFC 8291, aes128gcm).

    receiver = PushReceiver().start()
    sub = receiver.new_subscription(application_server_key=app_public_key)
    # sub is what a browser's PushSubscription.toJSON() gives the app:
    # {"endpoint": "http://127.0.0.1:<port>/push/<id>", "expirationTime": None,
    #  "keys": {"p256dh": ..., "auth": ...}}
    ...the app pushes...
    receiver.payloads(sub)        # [{"title": ..., "body": ..., "url": ...}]
    receiver.respond(sub, 410)    # from now on answer 410 Gone for it
    receiver.respond(sub, 429, times=1, headers={"Retry-After": "30"})

With ``application_server_key`` (the app's VAPID public key, as the browser
passes it to ``pushManager.subscribe``), a push signed with any other key is
refused with 403, as FCM does. A push without a valid ``vapid t=…,k=…``
Authorization is refused with 401. Refusals are kept in ``rejections``.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from tests.support.mailbox import HOST, free_port


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@dataclass
class ReceivedPush:
    """One accepted push: the decrypted payload and the headers that matter."""

    subscription_id: str
    payload: bytes
    ttl: int | None
    urgency: str | None
    topic: str | None
    content_encoding: str
    vapid_public_key: str
    vapid_claims: dict

    def json(self):
        return json.loads(self.payload)


@dataclass
class Rejection:
    subscription_id: str
    status: int
    reason: str


@dataclass
class _Subscription:
    id: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    application_server_key: str | None
    json: dict
    received: list[ReceivedPush] = field(default_factory=list)
    responses: list = field(default_factory=list)  # [(status, headers, remaining times or None)]


class PushReceiver:
    """A push service on 127.0.0.1 (``ThreadingHTTPServer`` in a thread)."""

    def __init__(self, *, port: int | None = None, application_server_key: str | None = None):
        self.host = HOST
        self.port = port or free_port()
        self.application_server_key = application_server_key  # default for new subscriptions
        self.rejections: list[Rejection] = []
        self._subscriptions: dict[str, _Subscription] = {}
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- subscriptions

    def new_subscription(self, application_server_key: str | None = None) -> dict:
        """A fresh subscription as ``PushSubscription.toJSON()`` gives it."""
        sub_id = secrets.token_urlsafe(12)
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth_secret = os.urandom(16)
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        subscription_json = {
            "endpoint": f"{self.origin}/push/{sub_id}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(auth_secret)},
        }
        with self._lock:
            self._subscriptions[sub_id] = _Subscription(
                id=sub_id,
                private_key=private_key,
                auth_secret=auth_secret,
                application_server_key=application_server_key or self.application_server_key,
                json=subscription_json,
            )
        return json.loads(json.dumps(subscription_json))

    def _find(self, subscription) -> _Subscription:
        endpoint = subscription["endpoint"] if isinstance(subscription, dict) else str(subscription)
        sub_id = endpoint.rstrip("/").rsplit("/", 1)[-1]
        return self._subscriptions[sub_id]

    def respond(
        self, subscription, status: int, *, times: int | None = None, headers: dict | None = None
    ) -> None:
        """Answer pushes to ``subscription`` (its JSON, endpoint or id) with
        ``status``: the next ``times`` pushes, or all from now on when None.
        Queued answers are used in order; after them, 201 Created again."""
        with self._lock:
            self._find(subscription).responses.append([status, dict(headers or {}), times])

    def received(self, subscription) -> list[ReceivedPush]:
        with self._lock:
            return list(self._find(subscription).received)

    def payloads(self, subscription) -> list:
        """The decrypted payloads sent to ``subscription``, parsed as JSON."""
        return [push.json() for push in self.received(subscription)]

    def all_received(self) -> list[ReceivedPush]:
        with self._lock:
            return [push for sub in self._subscriptions.values() for push in sub.received]

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[ReceivedPush]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.all_received()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} push(es), got {len(self.all_received())}")
                self._lock.wait(remaining)
        return self.all_received()

    # --- lifecycle

    def start(self) -> PushReceiver:
        if self._server:
            return self
        receiver = self

        class Handler(_PushHandler):
            pass

        Handler.receiver = receiver
        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="push-receiver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> PushReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- the push service's side

    def _next_response(self, sub: _Subscription):
        if not sub.responses:
            return None
        entry = sub.responses[0]
        status, headers, times = entry
        if times is not None:
            entry[2] -= 1
            if entry[2] <= 0:
                sub.responses.pop(0)
        return status, headers

    def _handle(self, sub_id: str, headers, body: bytes):
        """Returns (status, response headers)."""
        with self._lock:
            sub = self._subscriptions.get(sub_id)
            if sub is None:
                return 404, {}
            auth = headers.get("Authorization", "")
            problem, vapid_key, claims = _check_vapid(auth, self.origin, sub.application_server_key)
            if problem:
                self.rejections.append(Rejection(sub_id, problem[0], problem[1]))
                return problem[0], {}
            override = self._next_response(sub)
            if override:
                self.rejections.append(Rejection(sub_id, override[0], "told to"))
                return override
            encoding = headers.get("Content-Encoding", "")
            if encoding.lower() != "aes128gcm":
                self.rejections.append(Rejection(sub_id, 415, f"content-encoding {encoding!r}"))
                return 415, {}
            try:
                payload = http_ece.decrypt(
                    body, private_key=sub.private_key, auth_secret=sub.auth_secret, version="aes128gcm"
                )
            except Exception as exc:  # a push service would drop it; the test should see why
                self.rejections.append(Rejection(sub_id, 400, f"decryption failed: {exc!r}"))
                return 400, {}
            ttl = headers.get("TTL")
            sub.received.append(
                ReceivedPush(
                    subscription_id=sub_id,
                    payload=payload,
                    ttl=int(ttl) if ttl is not None and ttl.isdigit() else None,
                    urgency=headers.get("Urgency"),
                    topic=headers.get("Topic"),
                    content_encoding=encoding,
                    vapid_public_key=vapid_key,
                    vapid_claims=claims,
                )
            )
            self._lock.notify_all()
            return 201, {"Location": f"{self.origin}/message/{secrets.token_urlsafe(8)}"}


def _check_vapid(auth: str, origin: str, expected_key: str | None):
    """(problem or None, the k= key, the JWT claims), as a push service checks it."""
    scheme, _, params = auth.partition(" ")
    if scheme.lower() != "vapid":
        return (401, "no 'vapid' Authorization"), None, {}
    parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
    token, key = parts.get("t"), parts.get("k")
    if not token or not key:
        return (401, "Authorization lacks t= or k="), None, {}
    try:
        valid = Vapid02.verify(auth)
    except Exception as exc:
        return (401, f"VAPID verification error: {exc!r}"), key, {}
    if not valid:
        return (401, "VAPID signature invalid"), key, {}
    claims = json.loads(b64url_decode(token.split(".")[1]))
    if claims.get("aud") != origin:
        return (401, f"aud {claims.get('aud')!r} is not {origin!r}"), key, claims
    if int(claims.get("exp", 0)) <= time.time() or int(claims["exp"]) > time.time() + 24 * 3600:
        return (401, "exp missing, past, or more than 24 h ahead"), key, claims
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        return (401, "sub is not mailto: or https:"), key, claims
    if expected_key and b64url_decode(key) != b64url_decode(expected_key):
        return (403, "VAPID key differs from the subscription's applicationServerKey"), key, claims
    return None, key, claims


class _PushHandler(BaseHTTPRequestHandler):
    receiver: PushReceiver
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        if not path.startswith("/push/"):
            status, headers = 404, {}
        else:
            status, headers = self.receiver._handle(path[len("/push/") :], self.headers, body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # keep test output clean
        pass
