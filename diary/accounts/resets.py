"""Password reset by email (docs/api.md, "Password reset"): a request is stored as it came and
answered the same way whether or not the email has an account; the scheduler issues the
token later (``issue_password_resets``), so neither the answer nor its timing tells a caller
which emails have accounts. Only a token's SHA-256 is kept; a token is single use, valid for
``RESET_VALIDITY`` and voided by a newer one."""

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from .. import signals
from ..audit import service as audit
from ..errors import ApiError, validation_error
from ..extensions import db
from ..i18n import N_
from . import passwords
from .attempts import GuessLimit, take
from .models import PasswordReset, User
from .service import end_other_sessions, find_user_by_email, hash_token, normalise_email, set_password

RESET_VALIDITY = timedelta(minutes=60)
# Counted per request, never given back (each may send an email): the same for every email, known or not.
RESETS_PER_EMAIL = GuessLimit("reset-email", "5 per 15 minutes")
RESETS_PER_ADDRESS = GuessLimit("reset-address", "30 per 15 minutes")
TOO_MANY_RESETS = N_("Too many password reset requests. Please wait before asking again.")
INVALID_RESET = N_(
    "This reset link cannot be used: it was used already, a newer one was sent, or it is more than "
    "an hour old. Ask for a new one."
)


def request_password_reset(email: str, *, address: str, now) -> None:
    """Records a request to reset the password of ``email``; 429 past the limits.

    The same work whatever the email: whether it has an account is looked up
    later, by ``issue_password_resets`` in the scheduler, so neither the answer
    nor its timing tells a caller which emails have accounts.
    """
    email = normalise_email(email)
    take((RESETS_PER_EMAIL, email), (RESETS_PER_ADDRESS, address), message=TOO_MANY_RESETS)
    db.session.add(PasswordReset(email=email, requested_at=now))
    db.session.flush()


def issue_password_resets(*, now, limit=100) -> int:
    """Answers up to ``limit`` waiting requests, oldest first; returns how many it read.

    An active account gets a token (``RESET_VALIDITY``), which voids its older
    ones, and ``signals.password_reset_to_send`` carries the token to the
    outbox; a request for an email without an account is deleted. Each request
    is claimed with a conditional update, so two schedulers answer it once.
    """
    waiting = db.session.execute(
        select(PasswordReset.id, PasswordReset.email)
        .where(PasswordReset.issued_at.is_(None))
        .order_by(PasswordReset.requested_at, PasswordReset.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for reset_id, email in waiting:
        claimed = db.session.execute(
            update(PasswordReset)
            .where(PasswordReset.id == reset_id, PasswordReset.issued_at.is_(None))
            .values(issued_at=now)
        ).rowcount
        if claimed == 1:
            _issue(reset_id, find_user_by_email(email), now=now)
    db.session.flush()
    return len(waiting)


def _issue(reset_id, user: User | None, *, now) -> None:
    if user is None or not user.is_active:
        db.session.execute(delete(PasswordReset).where(PasswordReset.id == reset_id))
        return
    db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.voided_at.is_(None),
        )
        .values(voided_at=now)
    )
    token = secrets.token_urlsafe(32)  # 256 random bits
    reset = db.session.get(PasswordReset, reset_id)
    reset.user_id, reset.token_hash, reset.expires_at = user.id, hash_token(token), now + RESET_VALIDITY
    db.session.flush()
    audit.record(user, "create", "password_reset", user.id if user.is_patient else None, at=now)
    signals.password_reset_to_send.send(reset, token=token, now=now)


def purge_password_resets(*, now, limit=1000) -> int:
    """Deletes up to ``limit`` resets whose token has expired: they can only be refused."""
    ids = select(PasswordReset.id).where(PasswordReset.expires_at <= now).limit(limit)
    return db.session.execute(
        delete(PasswordReset)
        .where(PasswordReset.id.in_(ids.scalar_subquery()))
        .execution_options(synchronize_session=False)
    ).rowcount


def confirm_password_reset(token: str, password: str, *, now) -> User:
    """Sets the password of the token's account and ends every session of it.

    422 ``invalid_token`` for a token unknown, used, voided or expired; 422 on
    ``password`` for a password registration would refuse (the token stays
    usable then). MFA is left as it is: the next login still needs the code.
    """
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    user = db.session.get(User, reset.user_id) if reset is not None and reset.usable(now) else None
    if user is None or not user.is_active:
        raise ApiError(422, "invalid_token", INVALID_RESET)
    if problems := passwords.password_problems(password, (user.email, user.name)):
        raise validation_error({"password": problems})
    claimed = db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == reset.id, PasswordReset.used_at.is_(None), PasswordReset.voided_at.is_(None)
        )
        .values(used_at=now)
    ).rowcount
    if claimed != 1:  # another request used it first
        raise ApiError(422, "invalid_token", INVALID_RESET)
    set_password(user, password, now=now)
    end_other_sessions(user, None, now=now)
    audit.record(user, "update", "password", user.id if user.is_patient else None, at=now)
    return user
