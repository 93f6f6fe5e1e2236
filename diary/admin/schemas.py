from marshmallow import Schema, fields, validate

from ..fields import StrictBoolean, UTCDateTime

TEAM_IDS = fields.List(
    fields.UUID(),
    validate=validate.Length(max=100),
    metadata={"description": "Care team ids; the staff member is on exactly these teams"},
)


class StaffSchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    admin = fields.Boolean(required=True, attribute="is_admin")
    active = fields.Boolean(required=True)
    mfa_enabled = fields.Boolean(required=True)
    team_ids = fields.List(fields.UUID(), required=True)
    last_login_at = UTCDateTime(allow_none=True, required=True)


class StaffListSchema(Schema):
    items = fields.List(fields.Nested(StaffSchema), metadata={"description": "Every staff account, by name"})


class StaffInviteRequestSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    admin = StrictBoolean(load_default=False)
    team_ids = TEAM_IDS


class StaffInviteSchema(Schema):
    id = fields.String(required=True, metadata={"description": "Names the invite; not its code"})
    url = fields.String(
        required=True, metadata={"description": "The join link (the code only), also emailed"}
    )
    expires_at = UTCDateTime(required=True)
    email_status = fields.String(
        metadata={"description": "`queued` or `not_sent` (as for patients' invites)"}
    )
    email_not_sent_reason = fields.String(allow_none=True, metadata={"description": "`no_mail_server`"})


class StaffPatchSchema(Schema):
    active = StrictBoolean(metadata={"description": "false ends their sessions and refuses their logins"})
    admin = StrictBoolean()
    team_ids = TEAM_IDS


class TeamRequestSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TeamSchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    patients = fields.Integer(required=True, metadata={"description": "How many patients the team has"})
    staff = fields.Integer(
        required=True, metadata={"description": "How many active staff members are on the team"}
    )


class TeamListSchema(Schema):
    items = fields.List(fields.Nested(TeamSchema), metadata={"description": "Every care team, by name"})


class PatientQuerySchema(Schema):
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Part of the patient's name or email, any case"},
    )
    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(1, 200),
        metadata={"description": "At most this many patients, by name (default 50, at most 200)"},
    )


class AdminPatientSchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    care_team_id = fields.UUID(required=True)
    status = fields.String(
        required=True,
        metadata={"description": "`active`, `paused` (reminders paused until a date) or `discharged`"},
    )


class AdminPatientListSchema(Schema):
    items = fields.List(fields.Nested(AdminPatientSchema))


class PatientMoveSchema(Schema):
    care_team_id = fields.UUID(required=True)


class ClinicSettingsSchema(Schema):
    mfa_required = StrictBoolean(
        required=True,
        metadata={
            "description": "Every staff member must set up MFA (at their next login, if they have not)"
        },
    )


class ClinicSettingsPatchSchema(Schema):
    mfa_required = StrictBoolean()
