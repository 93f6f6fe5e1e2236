"""Who may reach which patient: the one place that decides (docs/api.md, "Who reaches what").

Anything a user may not reach answers 404, exactly as if it did not exist.
"""

import logging
import uuid

from flask_login import current_user
from sqlalchemy import exists, select

from ..errors import ApiError
from ..extensions import db
from .models import Patient, care_team_members
from .security import require_login

security_log = logging.getLogger("diary.security")


def _parse_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def provider_can_reach(provider_id, patient_id) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Patient.id == patient_id,
                    care_team_members.c.care_team_id == Patient.care_team_id,
                    care_team_members.c.provider_id == provider_id,
                )
            )
        )
    )


def can_reach(user, patient_id) -> bool:
    if user.is_patient:
        return user.id == patient_id
    return provider_can_reach(user.id, patient_id)


def _refuse(pid):
    security_log.warning("access_denied", extra={"actor": str(current_user.id)})
    return ApiError(404)


def patient_for(pid) -> Patient:
    """The patient ``pid`` names (``me`` for oneself), if the current user may reach them."""
    user = require_login()
    if pid == "me":
        if not user.is_patient:
            raise ApiError(404)
        return user.patient
    patient_id = _parse_uuid(pid)
    if patient_id is None or not can_reach(user, patient_id):
        raise _refuse(pid)
    return user.patient if user.is_patient else db.session.get(Patient, patient_id)


def reachable(record, patient_id_attr="patient_id"):
    """``record`` (an entry, session, flag…) if the current user may reach its patient, else 404."""
    user = require_login()
    if record is None or not can_reach(user, getattr(record, patient_id_attr)):
        if record is not None:
            _refuse(None)
        raise ApiError(404)
    return record
