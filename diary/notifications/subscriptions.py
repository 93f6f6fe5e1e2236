"""Web Push subscriptions, and the server's VAPID keys the browsers subscribe with.

Services flush, never commit: the caller (a view) owns the transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import service as audit
from ..errors import ApiError, validation_error
from ..extensions import db
from ..i18n import N_
from .channels import load_or_create_vapid_key, validate_subscription
from .models import PushSubscription


def vapid_keys(app=None):
    """The server's VAPID key pair: configured, or generated into the instance folder once."""
    app = app or current_app._get_current_object()
    keys = app.extensions.get("diary_vapid")
    if keys is None:
        keys = app.extensions["diary_vapid"] = load_or_create_vapid_key(
            app.instance_path, app.config.get("VAPID_PRIVATE_KEY")
        )
    return keys


def _expiration(value) -> datetime | None:
    """``expirationTime``: milliseconds since the epoch, or null."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(float(value) / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise validation_error({"expirationTime": [N_("Give milliseconds since 1970, or null.")]}) from None


def subscribe(user: User, data: dict, *, now) -> tuple[PushSubscription, bool]:
    """Stores a browser's subscription; returns ``(subscription, created)``.

    Idempotent on the endpoint for its own account. An endpoint another account
    holds is refused (409), never moved: knowing someone's endpoint must not take
    their reminders over. A browser that someone else left subscribed makes a new
    subscription instead (the PWA does, frontend/js/push.js).
    """
    try:
        info = validate_subscription(
            data,
            allowed_hosts=current_app.config["PUSH_ALLOWED_HOSTS"],
            allow_insecure_endpoint=current_app.config["PUSH_ALLOW_INSECURE_ENDPOINTS"],
        )
    except ValueError as exc:
        field = "keys" if str(exc).startswith("keys") else "endpoint"
        raise validation_error({field: [str(exc)]}) from None
    expires_at = _expiration(data.get("expirationTime"))
    endpoint, keys = info["endpoint"], info["keys"]

    existing = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if existing is not None and existing.user_id == user.id:
        if (existing.p256dh, existing.auth, existing.expires_at) != (
            keys["p256dh"],
            keys["auth"],
            expires_at,
        ):
            existing.p256dh, existing.auth, existing.expires_at = keys["p256dh"], keys["auth"], expires_at
            audit.record(user, "update", f"push_subscription:{existing.id}", at=now)
        db.session.flush()
        return existing, False
    if existing is not None:
        raise _held_by_another_account()
    subscription = PushSubscription(
        user_id=user.id,
        endpoint=endpoint,
        p256dh=keys["p256dh"],
        auth=keys["auth"],
        expires_at=expires_at,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(subscription)
    except IntegrityError:
        # The same browser posted twice at once; the other request stored it.
        winner = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
        if winner is None:
            raise
        if winner.user_id != user.id:
            raise _held_by_another_account() from None
        return winner, False
    # In the audit trail, not the patient's access log: a device, not diary data.
    audit.record(user, "create", f"push_subscription:{subscription.id}", at=now)
    return subscription, True


def _held_by_another_account() -> ApiError:
    return ApiError(
        409,
        "conflict",
        N_("This browser's notifications belong to another account. Turn notifications on again here."),
    )


def unsubscribe(user: User, endpoint: str, *, now) -> None:
    """Forgets the user's subscription at ``endpoint``; silently nothing if it is not theirs."""
    subscription = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )
    if subscription is not None:
        audit.record(user, "delete", f"push_subscription:{subscription.id}", at=now)
        db.session.delete(subscription)
        db.session.flush()
