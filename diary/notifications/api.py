"""Web Push subscriptions (docs/api.md, "Reminders and push")."""

from flask import current_app
from flask_smorest import Blueprint

from ..accounts.models import PATIENT
from ..accounts.security import require_login, require_role
from ..db_types import utcnow
from ..errors import ErrorSchema
from ..extensions import db
from . import subscriptions
from .schemas import PublicKeySchema, PushEndpointSchema, PushSubscriptionInSchema, PushSubscriptionSchema

blp = Blueprint("push", __name__, url_prefix="/api/v1", description="Web Push subscriptions for reminders")


@blp.get("/push/public-key")
@blp.response(200, PublicKeySchema)
def public_key():
    """The VAPID key a browser passes to `pushManager.subscribe` (any logged-in user)"""
    require_login()
    return {"public_key": subscriptions.vapid_keys(current_app._get_current_object()).public_key}


@blp.post("/push/subscriptions")
@blp.arguments(PushSubscriptionInSchema)
@blp.response(
    201,
    PushSubscriptionSchema,
    description="Stored for this account; sent again, its keys are refreshed and nothing is duplicated",
)
@blp.alt_response(403, schema=ErrorSchema, description="Providers get no reminders")
@blp.alt_response(409, schema=ErrorSchema, description="Another account holds this endpoint")
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description="Not an https endpoint on a known push service and https's own port, written in visible "
    "ASCII (no whitespace or control characters); or keys that are not a P-256 key and a 16-byte secret",
)
def subscribe(body):
    """Subscribes this browser to reminders (patients)

    Takes `PushSubscription.toJSON()`. Idempotent on `endpoint` (docs/api.md,
    "Reminders and push"): 201 each time, the same subscription, nothing duplicated. An
    endpoint that another account registered is refused with 409 and stays
    theirs; the browser makes a new subscription (a new endpoint) instead.
    """
    user = require_role(PATIENT)
    subscription, _created = subscriptions.subscribe(user, body, now=utcnow())
    db.session.commit()
    return subscription, 201


@blp.delete("/push/subscriptions")
@blp.arguments(PushEndpointSchema)
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema, description="Providers get no reminders")
def unsubscribe(body):
    """Unsubscribes this browser (patients); 204 also when the endpoint was not subscribed"""
    user = require_role(PATIENT)
    subscriptions.unsubscribe(user, body["endpoint"], now=utcnow())
    db.session.commit()
