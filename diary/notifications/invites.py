"""The invitation email: one message per send of an invite, a resend a new one."""

from __future__ import annotations

from .models import EMAIL, INVITE
from .outbox import enqueue, message_row


def queue_invite_email(invite, *, now) -> None:
    """Queues the invitation email of one send of ``invite`` (its ``sends``-th): a resend is a new message.

    The row is addressed to the inviting provider's user id (the invitee has no
    account yet); delivery reads the invite's own email, and drops the message
    if the invite was used, revoked or expired by then.
    """
    enqueue(
        [
            message_row(
                dedupe_key=f"invite:{invite.code}:{invite.sends}",
                kind=INVITE,
                channel=EMAIL,
                user_id=invite.created_by_id,
                payload={"invite": invite.code},
                now=now,
                expires_at=invite.expires_at,
            )
        ]
    )
