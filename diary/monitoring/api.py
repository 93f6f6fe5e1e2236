"""Relief monitoring routes: timeline, flags, worklist, intake baseline (docs/api.md, "Relief monitoring")."""

import json
from datetime import timedelta

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint

from ..accounts.access import patient_for, reachable
from ..accounts.models import PROVIDER
from ..accounts.security import require_role
from ..checkins.service import resolve_range
from ..db_types import utcnow
from ..errors import ErrorSchema, validation_error
from ..extensions import db
from ..i18n import N_
from . import service
from .models import Flag
from .outcomes import outcomes as clinic_outcomes
from .outcomes import outcomes_csv
from .params import relief_params
from .schemas import (
    AcknowledgeSchema,
    DischargeSchema,
    FlagListSchema,
    FlagQuerySchema,
    FlagSchema,
    OutcomesQuerySchema,
    OutcomesSchema,
    PatientPatchSchema,
    PatientSchema,
    TimelineQuerySchema,
    TimelineSchema,
    WorklistQuerySchema,
    WorklistSchema,
)
from .timeline import patient_json
from .timeline import timeline as patient_timeline
from .worklist import worklist as provider_worklist


def _json(body):
    """A body of plain JSON values, encoded compactly and unsorted: a two-year timeline is large."""
    return current_app.response_class(json.dumps(body, separators=(",", ":")), mimetype="application/json")


blp = Blueprint(
    "monitoring",
    __name__,
    url_prefix="/api/v1",
    description="Relief assessment, flags, timeline and worklist",
)


@blp.record_once
def _check_relief_params(state):
    """A wrong DIARY_RELIEF_PARAMS stops the app at start, not at the first check-in."""
    relief_params(state.app)


@blp.get("/patients")
@blp.arguments(WorklistQuerySchema, location="query")
@blp.response(200, WorklistSchema, description="The provider's patients, most urgent first, a page at a time")
def worklist(query):
    """Ordered by open urgent, wearing_off, data_gap, then plan_maintenance and non_response flags,
    then the earliest suggested_session_by, then name. Paginated: follow next_cursor."""
    provider = require_role(PROVIDER)
    page = provider_worklist(
        provider,
        limit=query["limit"],
        cursor=query.get("cursor"),
        only=query.get("filter"),
        q=query.get("q"),
        now=utcnow(),
    )
    db.session.commit()
    return _json(page)


@blp.patch("/patients/<pid>")
@blp.arguments(PatientPatchSchema)
@blp.response(200, PatientSchema)
def update_patient(changes, pid):
    """The clinician's intake GAD-7 (0-21, or null to remove it); the patient is re-evaluated."""
    provider = require_role(PROVIDER)
    patient = patient_for(pid)
    now = utcnow()
    service.set_intake_baseline(patient, changes, actor=provider, now=now)
    db.session.commit()
    return patient_json(patient, now=now)


@blp.post("/patients/<pid>/discharge")
@blp.arguments(DischargeSchema)
@blp.response(200, PatientSchema)
def discharge_patient(body, pid):
    """Reminders stop, open flags close (resolution discharged), no new flags; the patient can still
    log in, read and export the diary, but new check-ins answer 409 discharged. Idempotent."""
    provider = require_role(PROVIDER)
    patient = patient_for(pid)
    now = utcnow()
    service.discharge(patient, reason=body.get("reason"), actor=provider, now=now)
    db.session.commit()
    return patient_json(patient, now=now)


@blp.post("/patients/<pid>/readmit")
@blp.response(200, PatientSchema)
@blp.alt_response(409, schema=ErrorSchema, description="account_closed: the patient closed the account")
def readmit_patient(pid):
    """Active again: reminders resume with the next one due. Idempotent."""
    provider = require_role(PROVIDER)
    patient = patient_for(pid)
    now = utcnow()
    service.readmit(patient, actor=provider, now=now)
    db.session.commit()
    return patient_json(patient, now=now)


@blp.get("/patients/<pid>/timeline")
@blp.arguments(TimelineQuerySchema, location="query")
@blp.response(200, TimelineSchema)
def timeline(query, pid):
    """Daily scores, sessions, flags and the assessment. A patient's own timeline has no flags."""
    patient = patient_for(pid)
    now = utcnow()
    start, end = resolve_range(patient, query.get("from_"), query.get("to"), now=now)
    body = patient_timeline(patient, start, end, actor=current_user, now=now)
    db.session.commit()
    return _json(body)


def _outcomes_period(query):
    end = query.get("to") or utcnow().date()
    start = query.get("from_") or end - timedelta(days=364)
    if start > end:
        raise validation_error({"from": [N_("'from' must not be after 'to'.")]})
    if (end - start).days > 3660:
        raise validation_error({"to": [N_("Ask for at most ten years at a time.")]})
    return start, end


@blp.get("/outcomes")
@blp.arguments(OutcomesQuerySchema, location="query")
@blp.response(
    200, OutcomesSchema, description="The care team's outcomes for courses that started in the period"
)
def outcomes(query):
    """Response after induction, Kaplan-Meier curves of relief by course type and route, maintenance timing by month."""
    provider = require_role(PROVIDER)
    return _json(clinic_outcomes(provider, *_outcomes_period(query)))


@blp.get("/outcomes.csv")
@blp.arguments(OutcomesQuerySchema, location="query")
@blp.response(
    200,
    {"type": "string"},
    content_type="text/csv",
    description="The same figures: section, group, measure, value",
)
def outcomes_download(query):
    provider = require_role(PROVIDER)
    start, end = _outcomes_period(query)
    response = current_app.response_class(
        outcomes_csv(clinic_outcomes(provider, start, end)), mimetype="text/csv"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="outcomes-{start}-{end}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.get("/patients/<pid>/flags")
@blp.arguments(FlagQuerySchema, location="query")
@blp.response(200, FlagListSchema)
def list_flags(query, pid):
    provider = require_role(PROVIDER)
    patient = patient_for(pid)
    items = service.list_flags(patient, status=query.get("status"), actor=provider, now=utcnow())
    db.session.commit()
    return {"items": items}


@blp.post("/flags/<uuid:flag_id>/acknowledge")
@blp.arguments(AcknowledgeSchema)
@blp.response(200, FlagSchema)
def acknowledge_flag(body, flag_id):
    """Idempotent. A flag that resolved meanwhile stays resolved and records the acknowledgement."""
    provider = require_role(PROVIDER)
    flag = reachable(db.session.get(Flag, flag_id))
    flag = service.acknowledge_flag(flag, note=body.get("note"), actor=provider, now=utcnow())
    db.session.commit()
    return flag


@blp.post("/flags/<uuid:flag_id>/unacknowledge")
@blp.response(200, FlagSchema)
@blp.alt_response(
    409, schema=ErrorSchema, description="conflict: too late, someone else's, or resolved meanwhile"
)
def unacknowledge_flag(flag_id):
    """Undo: the provider who acknowledged the flag opens it again, within service.UNDO_WINDOW
    (10 minutes). Idempotent on an open flag."""
    provider = require_role(PROVIDER)
    flag = reachable(db.session.get(Flag, flag_id))
    flag = service.unacknowledge_flag(flag, actor=provider, now=utcnow())
    db.session.commit()
    return flag
