"""A warning, once, when links are built from the default ``DIARY_BASE_URL`` while the app is
reached at another address: invite links, email links and FHIR URLs would point at
``127.0.0.1:5000``, which a patient's phone cannot open (docs/operations.md)."""

import logging
import threading
from urllib.parse import urlsplit

from flask import current_app, request

from config import DEFAULT_BASE_URL

log = logging.getLogger("diary.config")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _address(netloc: str, scheme: str) -> tuple[str, int | None]:
    parts = urlsplit(f"{scheme}://{netloc}")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port


def same_place(host: str, scheme: str, base_url: str) -> bool:
    """Whether a request to ``host`` reaches the app where ``base_url`` says: the same port, and
    the same host name or both loopback (a link to 127.0.0.1 opens on the machine at localhost)."""
    base = urlsplit(base_url)
    want_host, want_port = _address(base.netloc, base.scheme)
    got_host, got_port = _address(host, scheme)
    if got_port != want_port:
        return False
    return got_host == want_host or (got_host in LOOPBACK and want_host in LOOPBACK)


class _Once:
    def __init__(self):
        self.lock = threading.Lock()
        self.done = False

    def __call__(self):
        if self.done or current_app.config["BASE_URL"] != DEFAULT_BASE_URL:
            return
        if same_place(request.host, request.scheme, DEFAULT_BASE_URL):
            return
        with self.lock:
            if self.done:
                return
            self.done = True
        log.warning(
            "DIARY_BASE_URL is not set: links in invites and emails point to %s, but the app is "
            "served at %s://%s. Set DIARY_BASE_URL to the address patients open.",
            DEFAULT_BASE_URL,
            request.scheme,
            request.host,
        )


def init_app(app):
    """Checks requests until the first one from elsewhere has been warned about (per process)."""
    app.before_request(_Once())
