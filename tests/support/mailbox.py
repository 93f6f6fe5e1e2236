"""A real SMTP server on loopback (aiosmtpd in a thread) that keeps what it receives.

    box = Mailbox()            # or Mailbox(tls="starttls" | "implicit", auth=("user", "pass"))
    box.start()
    send_email(box.url, ...)   # box.url: "smtp://127.0.0.1:<port>" (or smtp+starttls:// / smtps://)
    box.wait_for(1)
    box.messages[0]["Subject"]
    box.stop(); box.start()    # "SMTP down, then up" on the same port and URL
    box.refuse(address, "550 …"); box.refuse_sender("451 …")   # RCPT TO / MAIL FROM answered so
    box.hold_next(); box.held.wait(); box.release()          # a message that takes its time in DATA

Messages are parsed ``email.message.EmailMessage`` objects (policy
``email.policy.default``), so ``msg.get_body(("plain",)).get_content()`` works.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.shifted_clock import real_clock

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class Delivery:
    """One accepted transaction: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


class _Handler:
    def __init__(self, box: Mailbox):
        self.box = box

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.box.sender_refusal:
            return self.box.sender_refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self.box.refusals.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.box._holding:
            self.box._holding -= 1
            self.box.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.box._released.wait, 60)
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        # SMTP carries CRLF; tests compare with Python strings, which use LF
        message = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        self.box._deliver(Delivery(envelope.mail_from, list(envelope.rcpt_tos), message, raw))
        return "250 Message accepted for delivery"


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "afterglow test mailbox")])
    now = real_clock()  # OpenSSL checks the validity on the machine's clock, even under DIARY_TEST_NOW
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "mailbox.crt", directory / "mailbox.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class Mailbox:
    """An SMTP server on 127.0.0.1 that records every message it accepts.

    ``tls``: None (plain; no STARTTLS offered), "starttls" (offers STARTTLS)
    or "implicit" (TLS from the first byte, like port 465). With TLS the
    certificate is self-signed: pass ``client_tls_context()`` to the sender.
    ``auth``: (user, password) for AUTH LOGIN/PLAIN; ``logins`` lists who
    logged in.
    """

    def __init__(
        self, *, tls: str | None = None, auth: tuple[str, str] | None = None, port: int | None = None
    ):
        if tls not in (None, "starttls", "implicit"):
            raise ValueError("tls must be None, 'starttls' or 'implicit'")
        self.tls = tls
        self.auth = auth
        self.host = HOST
        self.port = port or free_port()
        self.deliveries: list[Delivery] = []
        self.refusals: dict[str, str] = {}
        self.sender_refusal: str | None = None
        self._holding = 0
        self.held = threading.Event()
        self._released = threading.Event()
        self.logins: list[str] = []
        self._arrived = threading.Condition()
        self._controller: Controller | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="mailbox-")
        self.cert_file: Path | None = None
        if tls:
            self.cert_file, self._key_file = _self_signed(Path(self._tmp.name))

    # --- what a test reads

    @property
    def messages(self) -> list[EmailMessage]:
        return [d.message for d in self.deliveries]

    @property
    def url(self) -> str:
        scheme = {None: "smtp", "starttls": "smtp+starttls", "implicit": "smtps"}[self.tls]
        credentials = ""
        if self.auth:
            credentials = f"{quote(self.auth[0], safe='')}:{quote(self.auth[1], safe='')}@"
        return f"{scheme}://{credentials}{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope includes ``address``."""
        address = address.lower()
        return [d.message for d in self.deliveries if address in (r.lower() for r in d.rcpt_tos)]

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        """Block until at least ``count`` messages arrived; AssertionError otherwise."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.deliveries) >= count, timeout):
                raise AssertionError(f"expected {count} message(s), got {len(self.deliveries)} in {timeout}s")
        return self.messages

    def client_tls_context(self) -> ssl.SSLContext:
        """An SSL context that trusts this mailbox's self-signed certificate."""
        if not self.cert_file:
            raise RuntimeError("this mailbox has no TLS")
        return ssl.create_default_context(cafile=str(self.cert_file))

    # --- what a test does

    def refuse(self, address: str, reply: str = "550 5.1.1 No such user here") -> None:
        """Answer RCPT TO for ``address`` with ``reply`` (e.g. "451 4.7.1 Try later")."""
        self.refusals[address.lower()] = reply

    def refuse_sender(self, reply: str | None = "451 4.7.1 Greylisted, please try again later") -> None:
        """Answer every MAIL FROM with ``reply`` (None: accept again)."""
        self.sender_refusal = reply

    def hold_next(self, count: int = 1) -> None:
        """The next ``count`` messages wait in DATA (``held`` is set) until ``release()``: a slow server."""
        self._holding, self._released = count, threading.Event()
        self.held.clear()

    def release(self) -> None:
        self._released.set()

    def clear(self) -> None:
        self.deliveries.clear()

    def start(self) -> Mailbox:
        if self._controller:
            return self
        kwargs = {}
        if self.tls:
            server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_context.load_cert_chain(str(self.cert_file), str(self._key_file))
            if self.tls == "implicit":
                kwargs["ssl_context"] = server_context
            else:
                kwargs["tls_context"] = server_context
        if self.auth:
            kwargs["authenticator"] = self._authenticate
            # Over TLS, AUTH is required as a real relay would. Without TLS it
            # is offered but optional, so smtp://user:pass@ works in tests.
            kwargs["auth_required"] = bool(self.tls)
            kwargs["auth_require_tls"] = bool(self.tls)
        controller = Controller(
            _Handler(self), hostname=self.host, port=self.port, server_hostname="mailbox.test", **kwargs
        )
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None

    def close(self) -> None:
        self.release()
        self.stop()
        self._tmp.cleanup()

    def __enter__(self) -> Mailbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # --- internals

    def _deliver(self, delivery: Delivery) -> None:
        with self._arrived:
            self.deliveries.append(delivery)
            self._arrived.notify_all()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode()
            password = auth_data.password.decode()
            if (user, password) == self.auth:
                self.logins.append(user)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)
