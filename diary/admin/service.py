"""Clinic administration: staff accounts, care teams, which team a patient is on, the clinic's settings.

An administrator manages people and teams, never diaries: nothing here reads a
check-in, a session or a flag, and being an administrator reaches no patient's
diary (that stays with the patient's care team, diary/accounts/access.py).
Services flush; the view commits. Every change is in the audit trail; a team
move names the patient, so it is in their access log too.
"""

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from .. import signals
from ..accounts import service as accounts
from ..accounts.models import PROVIDER, CareTeam, ClinicSettings, Patient, User, care_team_members
from ..audit import service as audit
from ..errors import ApiError, validation_error
from ..extensions import db
from ..i18n import N_

LAST_ADMIN = N_("The clinic needs at least one active administrator: make someone else one first.")


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def staff_list() -> list[User]:
    query = select(User).where(User.role == PROVIDER).options(selectinload(User.care_teams))
    return list(db.session.scalars(query.order_by(func.lower(User.name), User.id)))


def staff_member(staff_id) -> User:
    """A staff account by id; a patient's id or any other is 404."""
    user = db.session.get(User, _uuid(staff_id)) if _uuid(staff_id) else None
    if user is None or user.role != PROVIDER:
        raise ApiError(404, message=N_("There is no staff member with this id."))
    return user


def _teams(team_ids) -> list[CareTeam]:
    wanted = set(team_ids)
    found = list(db.session.scalars(select(CareTeam).where(CareTeam.id.in_(wanted)))) if wanted else []
    if len(found) != len(wanted):
        raise validation_error({"team_ids": [N_("Give the ids of existing care teams.")]})
    return found


def invite_staff(admin: User, *, email, name, admin_flag=False, team_ids=(), now, valid_for):
    """A staff invite, emailed; registering with it (that email only) makes a staff account on
    the teams. The patient invites' send limits apply (diary/accounts/service.py)."""
    teams = _teams(team_ids)
    if accounts.find_user_by_email(email):
        raise ApiError(409, message=N_("That email already has an account."))
    return accounts.make_invite(
        admin,
        name=name,
        email=email,
        now=now,
        valid_for=valid_for,
        role=PROVIDER,
        admin=admin_flag,
        team_ids=[str(team.id) for team in teams],
    )


def _keeps_an_admin(staff: User, changes: dict) -> None:
    """409 ``last_admin`` when the change would leave no active administrator. The active
    administrators' rows are locked in id order, so two administrators turning each other off
    at once cannot both pass."""
    if not (staff.is_admin and staff.active):
        return
    if changes.get("active", True) and changes.get("admin", True):
        return
    admins = db.session.scalars(
        select(User.id)
        .where(User.role == PROVIDER, User.is_admin.is_(True), User.active.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    if not set(admins) - {staff.id}:
        raise ApiError(409, "last_admin", LAST_ADMIN)


def update_staff(admin: User, staff: User, changes: dict, *, now) -> User:
    _keeps_an_admin(staff, changes)
    if "team_ids" in changes:
        staff.care_teams = _teams(changes["team_ids"])
    if "admin" in changes:
        staff.is_admin = changes["admin"]
    if "active" in changes:
        if staff.active and not changes["active"]:
            accounts.end_other_sessions(staff, None, now=now)  # their open sessions end at once
        staff.active = changes["active"]
    audit.record(admin, "update", "staff", at=now)
    db.session.flush()
    return staff


def reset_staff_mfa(admin: User, staff: User, *, now) -> None:
    accounts.reset_mfa(staff, actor=admin, now=now)


def teams() -> list[dict]:
    """Every care team, by name, with how many patients and active staff it has."""
    patients = dict(
        db.session.execute(select(Patient.care_team_id, func.count()).group_by(Patient.care_team_id)).all()
    )
    members = care_team_members.c
    staff = dict(
        db.session.execute(
            select(members.care_team_id, func.count())
            .join(User, User.id == members.provider_id)
            .where(User.active.is_(True))
            .group_by(members.care_team_id)
        ).all()
    )
    rows = db.session.scalars(select(CareTeam).order_by(func.lower(CareTeam.name), CareTeam.id))
    return [
        {"id": t.id, "name": t.name, "patients": patients.get(t.id, 0), "staff": staff.get(t.id, 0)}
        for t in rows
    ]


def team_summary(team: CareTeam) -> dict:
    return next(row for row in teams() if row["id"] == team.id)


def _unique_name(name: str, team: CareTeam | None = None) -> str:
    name = name.strip()
    if not name:
        raise validation_error({"name": [N_("Give the team a name.")]})
    taken = select(CareTeam.id).where(func.lower(CareTeam.name) == name.lower())
    if team is not None:
        taken = taken.where(CareTeam.id != team.id)
    if db.session.scalar(taken) is not None:
        raise validation_error({"name": [N_("Another care team has this name.")]})
    return name


def create_team(admin: User, name: str, *, now) -> CareTeam:
    team = CareTeam(name=_unique_name(name))
    db.session.add(team)
    db.session.flush()
    audit.record(admin, "create", "care_team", at=now)
    return team


def care_team(team_id) -> CareTeam:
    team = db.session.get(CareTeam, _uuid(team_id)) if _uuid(team_id) else None
    if team is None:
        raise ApiError(404, message=N_("There is no care team with this id."))
    return team


def rename_team(admin: User, team: CareTeam, name: str, *, now) -> CareTeam:
    team.name = _unique_name(name, team)
    db.session.flush()
    audit.record(admin, "update", "care_team", at=now)
    return team


def find_patients(admin: User, *, q=None, limit, now) -> list[Patient]:
    """Patients by name (their name, email and team: no health data), ``q`` part of the name or email."""
    query = select(Patient).join(Patient.user)
    if q:
        query = query.where(
            or_(
                func.lower(User.name).contains(q.lower(), autoescape=True),
                User.email.contains(q.lower(), autoescape=True),
            )
        )
    audit.record(admin, "read", "patient_directory", at=now)
    return list(db.session.scalars(query.order_by(func.lower(User.name), User.id).limit(limit)))


def patient(patient_id) -> Patient:
    found = db.session.get(Patient, _uuid(patient_id)) if _uuid(patient_id) else None
    if found is None:
        raise ApiError(404, message=N_("There is no patient with this id."))
    return found


def move_patient(admin: User, patient: Patient, care_team_id, *, now) -> Patient:
    """Puts the patient on another care team: from now on that team reaches the diary, and the
    old one no longer does (access reads the team on every request). Their summary follows."""
    team = db.session.get(CareTeam, care_team_id)
    if team is None:
        raise validation_error({"care_team_id": [N_("Give the id of an existing care team.")]})
    patient.care_team_id = team.id
    db.session.flush()
    audit.record(admin, "update", "care_team", patient.id, at=now)
    signals.patient_data_changed.send(patient, now=now)
    return patient


def clinic_settings() -> dict:
    row = db.session.get(ClinicSettings, 1)
    return {"mfa_required": bool(row and row.mfa_required)}


def update_clinic_settings(admin: User | None, changes: dict, *, now) -> dict:
    row = db.session.get(ClinicSettings, 1)
    if row is None:
        row = ClinicSettings(id=1, mfa_required=False)
        db.session.add(row)
    for name, value in changes.items():
        setattr(row, name, value)
    db.session.flush()
    audit.record(admin, "update", "clinic_settings", at=now)
    return clinic_settings()
