"""Sending one claimed message over its channel: the words, the channel, and what came of it.

No database: the outbox claims a message and commits before ``send`` goes to
the network, and records the ``Outcome`` after (``outbox.deliver_due``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from .. import cursors, i18n
from ..accounts.resets import RESET_VALIDITY
from ..accounts.service import join_url
from . import channels, messages
from .models import EMAIL, ERROR_LENGTH, FAILED, INVITE, PASSWORD_RESET, PENDING, PROVIDER_ALERT, SENT
from .subscriptions import vapid_keys

log = logging.getLogger("diary.scheduler")  # the scheduler log, where these lines always were


@dataclass(frozen=True)
class DeliverySettings:
    smtp_url: str | None
    mail_from: str
    base_url: str
    vapid: channels.VapidKeys | None
    vapid_subject: str
    allow_insecure_endpoints: bool = False
    push_allowed_hosts: tuple[str, ...] = ()  # none: no push is sent
    timeout: float = 10


def delivery_settings(app) -> DeliverySettings:
    """The channels' settings from the app's configuration; push is off, with an error logged,
    when the VAPID key cannot be loaded."""
    config = app.config
    try:
        vapid = vapid_keys(app)
    except (OSError, ValueError) as exc:
        log.error("no VAPID key, push is off: %s", exc)
        vapid = None
    return DeliverySettings(
        smtp_url=config.get("SMTP_URL"),
        mail_from=config["MAIL_FROM"],
        base_url=config["BASE_URL"],
        vapid=vapid,
        vapid_subject=config["VAPID_SUBJECT"],
        allow_insecure_endpoints=config.get("PUSH_ALLOW_INSECURE_ENDPOINTS", False),
        push_allowed_hosts=tuple(config["PUSH_ALLOWED_HOSTS"]),
    )


@dataclass(frozen=True)
class Outcome:
    status: str  # SENT, PENDING (retry), FAILED
    error: str | None = None
    retry_after: float | None = None
    subscription_gone: bool = False
    configuration: bool = False


def _message_for(claim, base_url: str) -> messages.Message:
    """The claim's words, in its recipient's language (``claim.language``)."""
    with i18n.for_language(claim.language):
        return _words_for(claim, base_url)


def _words_for(claim, base_url: str) -> messages.Message:
    if claim.kind == INVITE:
        invite = claim.invite
        url = join_url(base_url, invite["code"])  # the code only: the form asks the server for the rest
        # Until when, on the clock of the provider who invited: the invitee has no zone yet.
        return messages.invite_message(url, invite["code"], invite["expires_at"], claim.timezone)
    if claim.kind == PASSWORD_RESET:
        token = cursors.unseal(RESET_SEAL, claim.payload["token"])
        url = f"{base_url.rstrip('/')}/#/reset?{urlencode({'token': token})}"
        return messages.password_reset_message(url, int(RESET_VALIDITY.total_seconds() // 60))
    if claim.kind == PROVIDER_ALERT:
        return messages.provider_alert_message(int(claim.payload["count"]), base_url)
    return messages.reminder_message(base_url)


RESET_SEAL = "password reset email"


def seal_reset_token(token: str) -> str:
    """The token as the outbox keeps it until delivery: encrypted under a key derived from SECRET_KEY."""
    return cursors.seal(RESET_SEAL, token)


def send(claim, settings: DeliverySettings, *, now) -> Outcome:
    """Sends one claimed message. No database: call it outside a transaction."""
    message = _message_for(claim, settings.base_url)
    try:
        if claim.channel == EMAIL:
            channels.send_email(
                settings.smtp_url,
                settings.mail_from,
                claim.email,
                message.subject,
                message.text,
                message.html,
                language=message.language,
                timeout=settings.timeout,
                message_id=channels.message_id_for(claim.dedupe_key, settings.mail_from),
            )
        else:
            if settings.vapid is None:
                raise channels.ChannelConfigurationError("no VAPID key")
            ttl = channels.DEFAULT_PUSH_TTL
            if claim.expires_at is not None:
                ttl = max(60, min(ttl, int((claim.expires_at - now).total_seconds())))
            channels.send_push(
                claim.subscription,
                message.push,
                vapid=settings.vapid,
                subject=settings.vapid_subject,
                ttl=ttl,
                topic=message.push_topic,
                timeout=settings.timeout,
                allowed_hosts=settings.push_allowed_hosts,
                allow_insecure_endpoint=settings.allow_insecure_endpoints,
            )
    except channels.TransientDeliveryError as exc:
        return Outcome(
            PENDING,
            _short(exc),
            retry_after=exc.retry_after,
            configuration=isinstance(exc, channels.ChannelConfigurationError),
        )
    except channels.PermanentDeliveryError as exc:
        return Outcome(FAILED, _short(exc), subscription_gone=exc.subscription_gone)
    return Outcome(SENT)


def _short(exc: Exception) -> str:
    # Channel errors name a status and a peer's reply, never the message's content.
    return f"{exc.__class__.__name__}: {exc}"[:ERROR_LENGTH]
