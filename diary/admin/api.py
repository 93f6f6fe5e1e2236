"""Clinic administration: staff, care teams, patients' teams, the clinic's settings.

docs/api.md, "Clinic administration". Every route is an administrator's: anyone
else gets 404, as if the routes did not exist (anonymous callers 401).
"""

from datetime import timedelta

from flask import current_app
from flask_smorest import Blueprint

from ..accounts import service as accounts
from ..accounts.security import require_admin
from ..db_types import utcnow
from ..errors import ErrorSchema
from ..extensions import db
from ..localtime import local_date_of
from . import service
from .schemas import (
    AdminPatientListSchema,
    AdminPatientSchema,
    ClinicSettingsPatchSchema,
    ClinicSettingsSchema,
    PatientMoveSchema,
    PatientQuerySchema,
    StaffInviteRequestSchema,
    StaffInviteSchema,
    StaffListSchema,
    StaffPatchSchema,
    StaffSchema,
    TeamListSchema,
    TeamRequestSchema,
    TeamSchema,
)

blp = Blueprint(
    "admin",
    __name__,
    url_prefix="/api/v1/admin",
    description="Clinic administration (administrators only; anyone else gets 404)",
)


def _staff_item(user):
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "is_admin": user.is_admin,
        "active": user.active,
        "mfa_enabled": user.mfa_enabled,
        "team_ids": [team.id for team in user.care_teams],
        "last_login_at": user.last_login_at,
    }


def _patient_item(patient):
    return {
        "id": patient.id,
        "name": patient.user.name,
        "email": patient.user.email,
        "care_team_id": patient.care_team_id,
        "status": patient.status_on(local_date_of(utcnow(), patient.timezone)),
    }


@blp.get("/staff")
@blp.response(200, StaffListSchema)
def list_staff():
    require_admin()
    return {"items": [_staff_item(user) for user in service.staff_list()]}


@blp.post("/staff-invites")
@blp.arguments(StaffInviteRequestSchema)
@blp.response(201, StaffInviteSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The email already has an account")
@blp.alt_response(429, schema=ErrorSchema, description="Too many invitation emails; see Retry-After")
def invite_staff(body):
    """Invites a staff member by email; registering with it makes a staff account on the teams."""
    admin = require_admin()
    invite = service.invite_staff(
        admin,
        email=body["email"],
        name=body["name"],
        admin_flag=body["admin"],
        team_ids=body.get("team_ids", []),
        now=utcnow(),
        valid_for=timedelta(days=current_app.config["INVITE_DAYS"]),
    )
    db.session.commit()
    url = accounts.join_url(current_app.config["BASE_URL"], invite.code)
    status, reason = accounts.email_status(invite)
    return {
        "id": accounts.invite_id(invite.code),
        "url": url,
        "expires_at": invite.expires_at,
        "email_status": status,
        "email_not_sent_reason": reason,
    }


@blp.patch("/staff/<staff_id>")
@blp.arguments(StaffPatchSchema)
@blp.response(200, StaffSchema)
@blp.alt_response(409, schema=ErrorSchema, description="last_admin: it would leave no active administrator")
def update_staff(changes, staff_id):
    """Turns a staff member off or on, makes them an administrator or not, sets their teams.

    Turning them off ends their sessions at once and refuses their logins
    (403 `account_inactive` after a right password); their patients stay with their teams.
    """
    admin = require_admin()
    staff = service.update_staff(admin, service.staff_member(staff_id), changes, now=utcnow())
    db.session.commit()
    return _staff_item(staff)


@blp.post("/staff/<staff_id>/reset-mfa")
@blp.response(204)
def reset_staff_mfa(staff_id):
    """Removes their authenticator and ends their sessions; where MFA is required they set it up again."""
    admin = require_admin()
    service.reset_staff_mfa(admin, service.staff_member(staff_id), now=utcnow())
    db.session.commit()


@blp.get("/teams")
@blp.response(200, TeamListSchema)
def list_teams():
    require_admin()
    return {"items": service.teams()}


@blp.post("/teams")
@blp.arguments(TeamRequestSchema)
@blp.response(201, TeamSchema)
def create_team(body):
    admin = require_admin()
    team = service.create_team(admin, body["name"], now=utcnow())
    db.session.commit()
    return service.team_summary(team)


@blp.patch("/teams/<team_id>")
@blp.arguments(TeamRequestSchema)
@blp.response(200, TeamSchema)
def rename_team(body, team_id):
    admin = require_admin()
    team = service.rename_team(admin, service.care_team(team_id), body["name"], now=utcnow())
    db.session.commit()
    return service.team_summary(team)


@blp.get("/patients")
@blp.arguments(PatientQuerySchema, location="query")
@blp.response(200, AdminPatientListSchema)
def list_patients(query):
    """Patients by name, with their care team: names and emails, no health data."""
    admin = require_admin()
    patients = service.find_patients(admin, q=query.get("q"), limit=query["limit"], now=utcnow())
    db.session.commit()
    return {"items": [_patient_item(patient) for patient in patients]}


@blp.patch("/patients/<pid>")
@blp.arguments(PatientMoveSchema)
@blp.response(200, AdminPatientSchema)
def move_patient(body, pid):
    """Moves a patient to another care team: access follows the team at once."""
    admin = require_admin()
    patient = service.move_patient(admin, service.patient(pid), body["care_team_id"], now=utcnow())
    db.session.commit()
    return _patient_item(patient)


@blp.get("/settings")
@blp.response(200, ClinicSettingsSchema)
def get_settings():
    require_admin()
    return service.clinic_settings()


@blp.patch("/settings")
@blp.arguments(ClinicSettingsPatchSchema)
@blp.response(200, ClinicSettingsSchema)
def patch_settings(changes):
    admin = require_admin()
    settings = service.update_clinic_settings(admin, changes, now=utcnow())
    db.session.commit()
    return settings
