"""Check-in routes (docs/api.md, "Check-ins")."""

from flask_login import current_user
from flask_smorest import Blueprint

from .. import gad7
from ..accounts.access import patient_for, reachable
from ..accounts.models import PATIENT
from ..accounts.security import require_login, require_role
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..extensions import db
from ..i18n import request_language
from . import service
from .models import Entry
from .schemas import (
    CheckinFormQuerySchema,
    CheckinFormSchema,
    DateRangeSchema,
    DueCheckinFormSchema,
    EntryEditHeadersSchema,
    EntryInSchema,
    EntryListSchema,
    EntryPatchSchema,
    EntrySchema,
    StoredEntrySchema,
)

blp = Blueprint("checkins", __name__, url_prefix="/api/v1", description="GAD-7 check-ins")


def _own_entry(entry_id):
    require_role(PATIENT)
    return reachable(db.session.get(Entry, entry_id))


@blp.post("/patients/<pid>/entries")
@blp.arguments(EntryInSchema)
@blp.response(
    201, StoredEntrySchema, description="Stored; with crisis help when the safety answer is above 0"
)
@blp.alt_response(
    200, schema=StoredEntrySchema, description="The same id and content again: the stored entry"
)
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description="conflict: the same id with other content; discharged: the patient was discharged",
)
def create_entry(body, pid):
    require_role(PATIENT)
    patient = patient_for(pid)
    entry, created = service.create_entry(patient, body, actor=current_user, now=utcnow())
    db.session.commit()
    entry.crisis = service.crisis_for(entry)  # only in this answer, never stored
    return entry, 201 if created else 200


@blp.get("/patients/<pid>/entries")
@blp.arguments(DateRangeSchema, location="query")
@blp.response(200, EntryListSchema)
def list_entries(query, pid):
    patient = patient_for(pid)
    now = utcnow()
    start, end = service.resolve_range(patient, query.get("from_"), query.get("to"), now=now)
    items = service.list_entries(patient, start, end, actor=current_user, now=now)
    db.session.commit()
    return {"items": items}


OUTSIDE_WINDOW_DOC = "outside_backfill_window: older than the backfill window; the care team can change it"


@blp.patch("/entries/<uuid:entry_id>")
@blp.arguments(EntryPatchSchema)
@blp.arguments(EntryEditHeadersSchema, location="headers")
@blp.response(200, EntrySchema)
@blp.alt_response(409, schema=ErrorSchema, description=OUTSIDE_WINDOW_DOC)
def update_entry(changes, headers, entry_id):
    """Inside the backfill window only. With an `Idempotency-Key`, a replay of an applied
    edit answers the check-in as it stands and changes nothing."""
    entry = _own_entry(entry_id)
    entry = service.update_entry(
        entry, current_user.patient, changes, actor=current_user, now=utcnow(), key=headers.get("key")
    )
    db.session.commit()
    return entry


@blp.delete("/entries/<uuid:entry_id>")
@blp.response(204)
@blp.alt_response(409, schema=ErrorSchema, description=OUTSIDE_WINDOW_DOC)
def delete_entry(entry_id):
    """Inside the backfill window only."""
    entry = _own_entry(entry_id)
    service.delete_entry(entry, current_user.patient, actor=current_user, now=utcnow())
    db.session.commit()


@blp.get("/me/checkin-form")
@blp.arguments(CheckinFormQuerySchema, location="query")
@blp.response(
    200,
    DueCheckinFormSchema,
    description="The form due: the standard GAD-7 at the first check-in and every 14 days, else the daily one",
)
def checkin_form(query):
    require_role(PATIENT)
    return service.checkin_form(patient_for("me"), query.get("date"), now=utcnow())


@blp.get("/checkin-forms/<instrument>")
@blp.response(
    200,
    CheckinFormSchema,
    description="One instrument's texts (daily or gad7) in the reader's language, to show entries made on it",
)
@blp.alt_response(404, schema=ErrorSchema, description="No such instrument")
def instrument_form(instrument):
    require_login()
    if instrument not in gad7.INSTRUMENTS:
        raise ApiError(404)
    return gad7.form(instrument, request_language())
