from marshmallow import Schema, fields, validate

from ..fields import HourMinute, StrictBoolean, UTCDateTime
from ..i18n import LANGUAGES
from .models import ROLES


class UserSchema(Schema):
    id = fields.UUID(dump_only=True)
    email = fields.Email()
    name = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
    timezone = fields.String()
    language = fields.String(
        dump_only=True, metadata={"description": "The language this person reads; PATCH /me changes it"}
    )
    admin = fields.Boolean(
        attribute="is_admin", dump_only=True, metadata={"description": "A clinic administrator (staff only)"}
    )


class SessionSchema(Schema):
    user = fields.Nested(UserSchema, allow_none=True)
    csrf_token = fields.String(required=True)
    mfa_enrollment_required = fields.Boolean(
        metadata={
            "description": "True for a provider who must set up MFA first: "
            "until then other calls answer 403 `mfa_enrollment_required`"
        }
    )


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))
    otp = fields.String(validate=validate.Length(max=16))


class RegisterSchema(Schema):
    invite_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(
        required=True, validate=validate.Length(max=64), metadata={"example": "Europe/Berlin"}
    )


def language_field(description):
    return fields.String(validate=validate.OneOf(LANGUAGES), metadata={"description": description})


class InviteRequestSchema(Schema):
    name = fields.String(validate=validate.Length(max=200))
    email = fields.Email(validate=validate.Length(max=254))
    language = language_field(
        "The patient's language: of the invitation email, and theirs once registered "
        "(left out: the browser's at registration)"
    )


class MeSchema(Schema):
    language = language_field("The language to read the app, emails and pushes in")


class InviteSchema(Schema):
    id = fields.String(
        metadata={
            "description": "Names the invite in URLs (revoke, resend); not a code, and no code can be had from it"
        }
    )
    code = fields.String(required=True)
    expires_at = UTCDateTime(required=True)
    url = fields.String(
        required=True,
        metadata={
            "description": "The join link: the code only; the join form asks the server for the name "
            "and email (POST /auth/invite-details)"
        },
    )
    name = fields.String(allow_none=True)
    email = fields.String(
        allow_none=True, metadata={"description": "Only this email can register with the invite"}
    )
    created_at = UTCDateTime()
    email_status = fields.String(
        validate=validate.OneOf(("queued", "not_sent")),
        metadata={
            "description": "What became of the invitation email: `queued` (the outbox sends it within a "
            "minute), or `not_sent` (see `email_not_sent_reason`: share the link or code instead)"
        },
    )
    email_not_sent_reason = fields.String(
        allow_none=True,
        validate=validate.OneOf(("no_address", "no_mail_server")),
        metadata={
            "description": "`no_address`: the invite has no email; `no_mail_server`: DIARY_SMTP_URL is not set"
        },
    )
    sends = fields.Integer(
        metadata={"description": "How many times the invitation was emailed (0: no email given)"}
    )
    last_sent_at = UTCDateTime(allow_none=True)


class InviteDetailsRequestSchema(Schema):
    invite_code = fields.String(required=True, validate=validate.Length(min=1, max=64))


class InviteDetailsSchema(Schema):
    name = fields.String(
        allow_none=True,
        metadata={"description": "The name the clinic typed; null when the invite was emailed"},
    )
    email = fields.String(allow_none=True, metadata={"description": "Only this email can register with it"})
    expires_at = UTCDateTime(required=True)


class InviteListSchema(Schema):
    items = fields.List(
        fields.Nested(InviteSchema),
        metadata={"description": "Pending invites (not used, revoked or expired), newest first"},
    )


class SettingsSchema(Schema):
    timezone = fields.String(validate=validate.Length(max=64))
    language = language_field("The language of the app, the check-in, reminders and emails")
    reminder_time = HourMinute()
    reminders_enabled = StrictBoolean()
    email_reminders = StrictBoolean()
    email_reminders_failing = fields.Boolean(
        dump_only=True,
        metadata={"description": "True from a reminder refused for good (a 5xx) until one is delivered"},
    )
    paused_until = fields.Date(
        allow_none=True,
        metadata={
            "description": "No reminders before this local date (after today, at most 60 days ahead); "
            "null: not paused, or resume now"
        },
    )


class CloseAccountSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(max=1024))


class MfaSetupSchema(Schema):
    secret = fields.String(required=True)
    otpauth_uri = fields.String(required=True)


class OtpSchema(Schema):
    otp = fields.String(required=True, validate=validate.Length(min=6, max=8))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(max=1024))
    new_password = fields.String(
        required=True, validate=validate.Length(max=1024), metadata={"description": "12 to 128 characters"}
    )


class PasswordResetRequestSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class PasswordResetSentSchema(Schema):
    status = fields.String(
        required=True,
        metadata={
            "description": "Always `sent`, whether or not the email has an account",
            "example": "sent",
        },
    )


class PasswordResetConfirmSchema(Schema):
    token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The `token` of the emailed link (`/#/reset?token=…`)"},
    )
    password = fields.String(
        required=True, validate=validate.Length(max=1024), metadata={"description": "12 to 128 characters"}
    )
