"""The patient's access log (docs/api.md, "Settings and the access log")."""

from flask_smorest import Blueprint

from ..accounts.models import PATIENT
from ..accounts.security import require_role
from . import service
from .schemas import AccessLogQuerySchema, AccessLogSchema

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The patient's access log")

SYSTEM_NAME = "Afterglow"
FORMER_USER_NAME = "A former user"


def _actor(line):
    if line.actor_name is not None:
        return {"id": line.actor_id, "name": line.actor_name, "role": line.actor_role}
    # An actor whose account was deleted keeps their role; the system has none.
    return {
        "id": None,
        "name": SYSTEM_NAME if line.actor_role == "system" else FORMER_USER_NAME,
        "role": line.actor_role,
    }


@blp.get("/me/access-log")
@blp.arguments(AccessLogQuerySchema, location="query")
@blp.response(200, AccessLogSchema)
def access_log(query):
    """Who has read or changed my diary, newest first, one line per person, action, kind and day (patients)

    A line counts its accesses (`count`, `first_at`, `last_at`); the audit trail keeps
    every one. A page holds whole local days, as many as fit in `limit` lines (default
    100, at most 500; a busier day comes whole); pass `next_before` as `before` to read on.
    """
    patient = require_role(PATIENT)
    lines, next_before = service.access_log(
        patient.id, patient.timezone, limit=query["limit"], before=query.get("before")
    )
    items = [
        {
            "day": line.day,
            "at": line.last_at,
            "first_at": line.first_at,
            "last_at": line.last_at,
            "count": line.count,
            "actor": _actor(line),
            "action": line.action,
            "resource": line.kind,
        }
        for line in lines
    ]
    return {"items": items, "next_before": next_before}
