"""Email over SMTP: one message to one address, every failure a delivery error."""

from __future__ import annotations

import email.utils
import hashlib
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from .errors import ChannelConfigurationError, DeliveryError, PermanentDeliveryError, TransientDeliveryError

mail_log = logging.getLogger("diary.mail")


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
    language: str | None = None,
) -> EmailMessage:
    """A plain-text email with an optional HTML alternative, in ``language`` (an RFC 5646 tag)."""
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
    if language:  # after the content, which clears Content-* headers: RFC 3282, for readers and voices
        msg["Content-Language"] = language
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
    language: str | None = None,
) -> None:
    """Send one email to one address. With no ``smtp_url`` it is logged to
    ``diary.mail`` instead (subject and the recipient's domain only) and
    counts as sent. ``tls_context`` overrides the system trust store."""
    msg = build_email(mail_from, to, subject, text, html, message_id=message_id, language=language)
    if not smtp_url:
        mail_log.info("email not sent (no SMTP URL configured): to=…@%s subject=%r", _domain_of(to), subject)
        return
    settings = parse_smtp_url(smtp_url)
    context = tls_context or ssl.create_default_context()
    try:
        refused = _submit(
            settings, msg, context=context, local_hostname=_domain_of(mail_from), timeout=timeout
        )
    except (smtplib.SMTPException, OSError) as exc:
        raise _delivery_error(exc) from exc
    if refused:
        code, detail = next(iter(refused.values()))
        raise _smtp_error(smtplib.SMTPResponseException(code, detail), "recipient refused")


def _submit(settings: SmtpSettings, msg: EmailMessage, *, context, local_hostname, timeout) -> dict:
    """Connects, secures, logs in and sends; returns the recipients the server refused."""
    if settings.security == "implicit":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, local_hostname=local_hostname, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, local_hostname=local_hostname, timeout=timeout)
    with client:
        client.ehlo()
        if settings.security != "implicit":
            _start_tls(client, settings, context)
        if settings.username:
            client.login(settings.username, settings.password or "")
        return client.send_message(msg)


def _start_tls(client: smtplib.SMTP, settings: SmtpSettings, context) -> None:
    if client.has_extn("starttls"):
        client.starttls(context=context)
        client.ehlo()
    elif settings.security == "starttls":
        raise ChannelConfigurationError("the SMTP server does not offer STARTTLS")


def _delivery_error(exc: smtplib.SMTPException | OSError) -> DeliveryError:
    """Which kind of delivery failure an SMTP or network error is (most specific first)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, detail = next(iter(exc.recipients.values()))
        return _smtp_error(smtplib.SMTPResponseException(code, detail), "recipient refused")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return ChannelConfigurationError(f"SMTP login failed: {exc.smtp_code}", status=exc.smtp_code)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return ChannelConfigurationError(f"SMTP server does not support that: {exc}")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        if 400 <= exc.smtp_code < 500:  # greylisting, a full queue: try again later, like any 4xx
            return TransientDeliveryError(
                f"SMTP sender refused for now: {exc.smtp_code}", status=exc.smtp_code
            )
        # a relay refusing our MAIL FROM for good refuses every message alike
        return ChannelConfigurationError(
            f"SMTP sender {exc.sender!r} refused: {exc.smtp_code}", status=exc.smtp_code
        )
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPHeloError)):
        return TransientDeliveryError(f"SMTP server not accepting: {exc.smtp_code}", status=exc.smtp_code)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _smtp_error(exc, "SMTP error")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ChannelConfigurationError(f"SMTP server certificate not trusted: {exc.verify_message}")
    # connection refused or reset, timeouts, DNS, TLS handshakes
    return TransientDeliveryError(f"SMTP unavailable: {exc.__class__.__name__}: {exc}")
