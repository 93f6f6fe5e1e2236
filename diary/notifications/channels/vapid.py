"""The server's VAPID key pair (RFC 8292): configured, or generated into the instance folder once."""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from .errors import ChannelConfigurationError

push_log = logging.getLogger("diary.push")

VAPID_KEY_FILENAME = "vapid_private.pem"


def b64url_decode(value: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError("expected a base64url string")
    value = value.strip()
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def normalize_vapid_subject(subject: str) -> str:
    """``admin@example.org`` becomes ``mailto:admin@example.org``; a mailto:
    or https: subject is kept as it is (RFC 8292 §2.1)."""
    subject = (subject or "").strip()
    if not subject:
        raise ChannelConfigurationError("a VAPID subject (mailto: or https: URL) is required")
    if "@" in subject and ":" not in subject:
        return f"mailto:{subject}"
    return subject


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
    return VapidKeys(private_key=b64url_encode(scalar), public_key=b64url_encode(point))


def _parse_configured_key(value: str) -> ec.EllipticCurvePrivateKey:
    value = value.strip()
    if value.startswith("-----BEGIN"):
        # environment variables often carry PEM with literal "\n"
        pem = value.replace("\\n", "\n").encode("ascii")
        return serialization.load_pem_private_key(pem, password=None)
    raw = b64url_decode(value)
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
