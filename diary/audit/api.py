"""The patient's access log (docs/api.md, "Settings and the access log")."""

from flask_smorest import Blueprint

from ..accounts.models import PATIENT
from ..accounts.security import require_role
from . import service
from .schemas import AccessLogQuerySchema, AccessLogSchema

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The patient's access log")

SYSTEM_NAME = "Afterglow"
FORMER_USER_NAME = "A former user"


def _actor(event):
    if event.actor is not None:
        return {"id": event.actor.id, "name": event.actor.name, "role": event.actor.role}
    # An actor whose account was deleted keeps their role; the system has none.
    return {
        "id": None,
        "name": SYSTEM_NAME if event.actor_role == "system" else FORMER_USER_NAME,
        "role": event.actor_role,
    }


@blp.get("/me/access-log")
@blp.arguments(AccessLogQuerySchema, location="query")
@blp.response(200, AccessLogSchema)
def access_log(query):
    """Who has read or changed my diary, newest first (patients)

    Pages of `limit` items (default 100, at most 500); pass the last item's
    `id`, also given as `next_before`, as `before` for the next page.
    """
    patient = require_role(PATIENT)
    events = service.access_log(patient.id, limit=query["limit"], before=query.get("before"))
    items = [
        {"id": e.id, "at": e.at, "actor": _actor(e), "action": e.action, "resource": e.resource}
        for e in events
    ]
    full_page = len(events) == query["limit"]
    return {"items": items, "next_before": events[-1].id if full_page else None}
