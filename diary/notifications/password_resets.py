"""The password reset email: one message per reset issued, to the account's own address."""

from __future__ import annotations

from .delivery import seal_reset_token
from .models import EMAIL, PASSWORD_RESET
from .outbox import enqueue, message_row


def queue_password_reset_email(reset, token: str, *, now) -> None:
    """Queues the email of a password reset just issued, to the account's own address.

    The row carries the token sealed under the app's key (``seal_reset_token``):
    the database alone, outbox included, holds no token that works. Delivery
    drops the message if the reset was used, voided or expired by then.
    """
    enqueue(
        [
            message_row(
                dedupe_key=f"password_reset:{reset.id}",
                kind=PASSWORD_RESET,
                channel=EMAIL,
                user_id=reset.user_id,
                payload={"reset": str(reset.id), "token": seal_reset_token(token)},
                now=now,
                expires_at=reset.expires_at,
            )
        ]
    )
