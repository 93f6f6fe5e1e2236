"""The two kinds of delivery failure, so the outbox knows what to do.

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
