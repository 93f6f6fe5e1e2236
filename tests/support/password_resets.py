"""Password reset tokens as the scheduler issues them, for tests that need one without a mailbox.

``issue_reset(app, email, now=...)`` asks for a reset the way the API does,
runs the scheduler's issuing step and reads the token back from the outbox
row the email would be sent from (sealed there, as in production).
"""

from sqlalchemy import select

from diary import cursors
from diary.accounts import resets
from diary.accounts import service as accounts
from diary.db_types import utcnow
from diary.extensions import db
from diary.notifications.delivery import RESET_SEAL
from diary.notifications.models import PASSWORD_RESET, OutboxMessage


def issue_reset(app, email, *, now=None, address="192.0.2.1"):
    """The token of a reset of ``email`` issued at ``now`` (default: the real now)."""
    now = now or utcnow()
    with app.test_request_context():
        resets.request_password_reset(email, address=address, now=now)
        resets.issue_password_resets(now=now)
        db.session.commit()
        user = accounts.find_user_by_email(email)
        row = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == PASSWORD_RESET, OutboxMessage.user_id == user.id)
            .order_by(OutboxMessage.created_at.desc())
        ).first()
        token = cursors.unseal(RESET_SEAL, row.payload["token"])
        db.session.remove()
        return token
