"""Export operations: gather one patient's data, format it and write the audit trail.

Each returns an :class:`Export` (the body, its media type and a file name); the
views only wrap it in a response. File names carry no name and no health data.
"""

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Patient
from ..audit import service as audit
from ..checkins.models import Entry
from ..errors import ApiError
from ..extensions import db
from ..i18n import for_user
from ..localtime import local_date_of
from ..treatments.models import COMPLETED, PLANNED, Treatment
from . import csvfile, fhir, fhirsession, ical

CSV_KINDS = ("entries", "treatments")
FEED_PATH = "/api/v1/feeds/{token}/sessions.ics"


@dataclass(frozen=True)
class Export:
    body: str | bytes
    media_type: str
    filename: str


def _entries(patient):
    return db.session.scalars(
        select(Entry).where(Entry.patient_id == patient.id).order_by(Entry.recorded_at, Entry.id)
    ).all()


def _treatments(patient, status=None):
    query = select(Treatment).where(Treatment.patient_id == patient.id)
    if status is not None:
        query = query.where(Treatment.status == status)
    return db.session.scalars(query.order_by(Treatment.starts_at, Treatment.id)).all()


def _filename(patient, what, extension, now):
    return f"afterglow-{what}-{local_date_of(now, patient.timezone).isoformat()}.{extension}"


def csv_export(patient, kind, *, actor, now) -> Export:
    """``kind`` is ``entries`` (one row per check-in) or ``treatments`` (one row per session)."""
    if kind == "entries":
        body = csvfile.entries_csv(_entries(patient))
    elif kind == "treatments":
        body = csvfile.treatments_csv(_treatments(patient))
    else:
        raise ApiError(
            422, fields={"kind": [_("Must be one of: %(choices)s.", choices=", ".join(CSV_KINDS))]}
        )
    audit.record(actor, "export", f"export:{kind}.csv", patient.id, at=now)
    return Export(body, "text/csv", _filename(patient, kind, "csv", now))


def fhir_export(patient, *, actor, now) -> Export:
    bundle = fhir.bundle(
        patient,
        _entries(patient),
        _treatments(patient, COMPLETED),
        bundle_id=uuid.uuid4(),
        now=now,
        base_url=current_app.config["BASE_URL"],
    )
    audit.record(actor, "export", "export:fhir", patient.id, at=now)
    return Export(
        json.dumps(bundle, ensure_ascii=False),
        "application/fhir+json",
        _filename(patient, "fhir", "json", now),
    )


def daily_questionnaire() -> Export:
    """The daily check-in's Questionnaire, at its canonical URL (a definition: no patient data)."""
    body = fhir.daily_questionnaire(current_app.config["BASE_URL"])
    return Export(
        json.dumps(body, ensure_ascii=False), "application/fhir+json", "gad7-daily-questionnaire.json"
    )


def daily_code_system() -> Export:
    body = fhir.daily_code_system(current_app.config["BASE_URL"])
    return Export(json.dumps(body, ensure_ascii=False), "application/fhir+json", "gad7-daily-codesystem.json")


def session_ratings_code_system() -> Export:
    body = fhirsession.ratings_code_system(current_app.config["BASE_URL"])
    return Export(
        json.dumps(body, ensure_ascii=False), "application/fhir+json", "session-ratings-codesystem.json"
    )


def sessions_ics(patient, *, actor, now, via_feed=False) -> Export:
    """The planned sessions; ``via_feed`` when a calendar app fetched it with the feed token."""
    with for_user(patient.user):  # a calendar app fetching the feed has no user of its own
        body = ical.sessions_calendar(
            _treatments(patient, PLANNED), name=_("Clinic sessions"), summary=_("Clinic session")
        )
    audit.record(actor, "export", "export:sessions.ics" + (":feed" if via_feed else ""), patient.id, at=now)
    return Export(body, "text/calendar", "afterglow-sessions.ics")


# The subscription feed. Calendar apps fetch without cookies, so the URL itself
# carries a secret: an HMAC of the patient id and their password_changed_at under a
# key derived from SECRET_KEY. Nothing is stored; changing the password (or the
# SECRET_KEY) revokes every feed URL handed out before.
_FEED_KEY_LABEL = b"diary.exports.sessions-feed.v1"


def _feed_mac(patient) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), _FEED_KEY_LABEL, hashlib.sha256).digest()
    message = f"{patient.id}|{patient.user.password_changed_at.isoformat()}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feed_token(patient) -> str:
    return f"{patient.id.hex}.{_feed_mac(patient)}"


def patient_for_feed(token) -> Patient:
    """The patient whose feed ``token`` opens; 404 for anything else, as for a missing resource."""
    patient_hex, _, mac = (token or "").partition(".")
    try:
        patient_id = uuid.UUID(hex=patient_hex)
    except ValueError:
        raise ApiError(404) from None
    patient = db.session.get(Patient, patient_id)
    if patient is None or not hmac.compare_digest(_feed_mac(patient).encode(), mac.encode()):
        raise ApiError(404)
    return patient


def calendar_feed(patient, *, actor, now) -> dict:
    """The subscription URLs of ``patient``'s planned sessions (for the patient themself)."""
    url = current_app.config["BASE_URL"] + FEED_PATH.format(token=feed_token(patient))
    audit.record(actor, "create", "calendar-feed", patient.id, at=now)
    return {"url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}
