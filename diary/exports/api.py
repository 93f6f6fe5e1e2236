"""Export routes (docs/api.md, "Exports"): CSV, FHIR R4 and iCalendar downloads."""

from flask import Response, request
from flask_login import current_user
from flask_smorest import Blueprint

from ..accounts.access import patient_for
from ..accounts.models import PATIENT
from ..accounts.security import require_role
from ..db_types import utcnow
from ..errors import ErrorSchema
from ..extensions import db, limiter
from . import service
from .schemas import CalendarFeedSchema, CsvQuerySchema

blp = Blueprint("exports", __name__, url_prefix="/api/v1", description="Exports: CSV, FHIR R4, iCalendar")

_TEXT = {"type": "string"}


def _download(export):
    response = Response(export.body, mimetype=export.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.get("/patients/<pid>/export.csv")
@blp.arguments(CsvQuerySchema, location="query")
@blp.response(
    200,
    _TEXT,
    content_type="text/csv",
    description="UTF-8 with a byte order mark, CRLF, a header row; as an attachment",
)
def export_csv(query, pid):
    patient = patient_for(pid)
    export = service.csv_export(patient, query["kind"], actor=current_user, now=utcnow())
    db.session.commit()
    return _download(export)


@blp.get("/patients/<pid>/fhir")
@blp.response(
    200,
    {"type": "object"},
    content_type="application/fhir+json",
    description="A FHIR R4 Bundle of type collection",
)
def export_fhir(pid):
    patient = patient_for(pid)
    export = service.fhir_export(patient, actor=current_user, now=utcnow())
    db.session.commit()
    return _download(export)


def _definition(export):
    response = Response(export.body, mimetype=export.media_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@blp.get("/fhir/Questionnaire/gad7-daily")
@blp.response(
    200,
    {"type": "object"},
    content_type="application/fhir+json",
    description="The daily check-in's FHIR Questionnaire (an adaptation of LOINC 69737-5, not validated); this URL is its canonical url",
)
def daily_questionnaire():
    return _definition(service.daily_questionnaire())


@blp.get("/fhir/CodeSystem/gad7-daily")
@blp.response(
    200,
    {"type": "object"},
    content_type="application/fhir+json",
    description="The codes of the daily check-in's answers and total score; this URL is the code system's canonical url",
)
def daily_code_system():
    return _definition(service.daily_code_system())


@blp.get("/fhir/CodeSystem/session-ratings")
@blp.response(
    200,
    {"type": "object"},
    content_type="application/fhir+json",
    description="The codes of a session's MOAA/S and CADSS-6 ratings (no LOINC code exists); this URL is the code system's canonical url",
)
def session_ratings_code_system():
    return _definition(service.session_ratings_code_system())


@blp.get("/patients/<pid>/sessions.ics")
@blp.response(
    200,
    _TEXT,
    content_type="text/calendar",
    description="The planned sessions, one VEVENT each (session cookie)",
)
def export_sessions_ics(pid):
    patient = patient_for(pid)
    export = service.sessions_ics(patient, actor=current_user, now=utcnow())
    db.session.commit()
    return _download(export)


@blp.post("/patients/<pid>/calendar-feed")
@blp.response(
    200,
    CalendarFeedSchema,
    description="The patient's secret subscription URL; it changes (and the old one stops working) "
    "when the password changes",
)
def calendar_feed(pid):
    require_role(PATIENT)
    patient = patient_for(pid)
    feed = service.calendar_feed(patient, actor=current_user, now=utcnow())
    db.session.commit()
    return feed


@blp.get("/feeds/<token>/sessions.ics")
@blp.response(
    200,
    _TEXT,
    content_type="text/calendar",
    description="The planned sessions for calendar apps, which cannot log in: "
    "the token in the URL is the credential",
)
@blp.alt_response(404, schema=ErrorSchema, description="A wrong or revoked token")
@limiter.limit("60 per hour", key_func=lambda: request.view_args.get("token", ""))
def sessions_feed(token):
    patient = service.patient_for_feed(token)
    export = service.sessions_ics(patient, actor=patient.user, now=utcnow(), via_feed=True)
    db.session.commit()
    return _download(export)
