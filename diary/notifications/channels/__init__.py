"""Delivery channels: email over SMTP and Web Push with VAPID. No database.

``email`` sends over SMTP, ``push`` over Web Push, ``vapid`` keeps the
server's key pair. Every failure is raised as one of the kinds in ``errors``:
permanent (never retry; for push, maybe delete the subscription) or
transient (retry with backoff; a configuration error is one the operator has
to fix). This package's names are the ones the outbox uses.
"""

from .email import build_email, message_id_for, parse_smtp_url, send_email
from .errors import ChannelConfigurationError, DeliveryError, PermanentDeliveryError, TransientDeliveryError
from .push import DEFAULT_PUSH_TTL, host_allowed, send_push, validate_subscription
from .vapid import VAPID_KEY_FILENAME, VapidKeys, load_or_create_vapid_key, normalize_vapid_subject

__all__ = [
    "DEFAULT_PUSH_TTL",
    "VAPID_KEY_FILENAME",
    "ChannelConfigurationError",
    "DeliveryError",
    "PermanentDeliveryError",
    "TransientDeliveryError",
    "VapidKeys",
    "build_email",
    "host_allowed",
    "load_or_create_vapid_key",
    "message_id_for",
    "normalize_vapid_subject",
    "parse_smtp_url",
    "send_email",
    "send_push",
    "validate_subscription",
]
