"""Opaque page cursors for URLs: a JSON value sealed with a key derived from SECRET_KEY.

Fernet (AES-CBC and HMAC-SHA256) both hides the value and refuses any change
to it, so a cursor shows no name or rank to whoever sees the URL (a proxy log,
the browser's history) and cannot be forged to steer a query.
"""

import base64
import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet(purpose: str) -> Fernet:
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    key = hmac.new(secret, f"afterglow cursor: {purpose}".encode(), hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(purpose: str, value) -> str:
    """``value`` (anything JSON can hold) as an opaque, URL-safe string."""
    return _fernet(purpose).encrypt(json.dumps(value).encode()).decode().rstrip("=")


def unseal(purpose: str, text: str):
    """The value sealed for ``purpose``; ValueError for anything else (forged, changed, another key)."""
    try:
        token = (text + "=" * (-len(text) % 4)).encode("ascii")
        return json.loads(_fernet(purpose).decrypt(token))
    except (InvalidToken, UnicodeEncodeError, json.JSONDecodeError) as error:
        raise ValueError("not a cursor") from error
