"""Auth, invites and patient settings.

docs/api.md, "Accounts and sessions" and "Settings and the access log".
"""

from datetime import timedelta

from flask import current_app, request, session
from flask_login import current_user
from flask_smorest import Blueprint

from ..audit import service as audit
from ..db_types import utcnow
from ..errors import ApiError, ErrorSchema
from ..extensions import db
from ..i18n import N_, negotiate
from . import mfa, resets, service
from .access import patient_for
from .attempts import GuessLimit, guess
from .models import PATIENT, PROVIDER
from .schemas import (
    CloseAccountSchema,
    InviteDetailsRequestSchema,
    InviteDetailsSchema,
    InviteListSchema,
    InviteRequestSchema,
    InviteSchema,
    LoginSchema,
    MeSchema,
    MfaSetupSchema,
    OtpSchema,
    PasswordChangeSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
    PasswordResetSentSchema,
    RegisterSchema,
    SessionSchema,
    SettingsSchema,
    UserSchema,
)
from .security import begin_login, csrf_token, end_login, require_login, require_role, security_log

blp = Blueprint(
    "accounts", __name__, url_prefix="/api/v1", description="Sessions, accounts, invites and settings"
)


# Counted before the check, given back when right (attempts.py): concurrency cannot outrun them.
LOGIN_PER_EMAIL = GuessLimit("login-email", "5 per 15 minutes")
LOGIN_PER_ADDRESS = GuessLimit("login-address", "30 per 15 minutes")
PASSWORD_CHANGE_PER_USER = GuessLimit("password-change", "5 per 15 minutes")
REGISTER_PER_ADDRESS = GuessLimit("register-address", "10 per hour")


def _session_body(user):
    return {
        "user": user,
        "csrf_token": csrf_token(),
        "mfa_enrollment_required": bool(user and mfa.enrollment_pending(user)),
    }


@blp.get("/auth/session")
@blp.response(200, SessionSchema)
def get_session():
    return _session_body(current_user if current_user.is_authenticated else None)


@blp.post("/auth/login")
@blp.arguments(LoginSchema)
@blp.response(200, SessionSchema)
@blp.alt_response(
    401,
    schema=ErrorSchema,
    description="invalid_credentials, or mfa_required when the account has MFA and no otp was sent",
)
@blp.alt_response(
    403,
    schema=ErrorSchema,
    description="account_inactive: the password was right, but the account is turned off",
)
@blp.alt_response(
    429, schema=ErrorSchema, description="Too many failed logins for this email or address; see Retry-After"
)
def login(body):
    limits = (
        (LOGIN_PER_EMAIL, service.normalise_email(body["email"])),
        (LOGIN_PER_ADDRESS, request.remote_addr or ""),
    )
    with guess(*limits) as attempt:
        user = service.authenticate(body["email"], body["password"])
        if user is None:
            security_log.warning("login_failed")
            raise ApiError(401, "invalid_credentials", N_("The email or password is not right."))
        if not user.active:  # told only to whoever knows the password
            attempt.succeeded()
            security_log.warning("login_refused_inactive")
            raise ApiError(
                403, "account_inactive", N_("This account is turned off. Ask your clinic's administrator.")
            )
        if user.mfa_enabled:
            if not body.get("otp"):
                attempt.succeeded()  # the password was right; the code is the next guess
                raise ApiError(401, "mfa_required", N_("Enter the code from your authenticator app."))
            if not mfa.use_code(user, body["otp"]):
                security_log.warning("login_failed_otp")
                raise ApiError(401, "invalid_credentials", N_("The one-time code is not right."))
        attempt.succeeded()
    service.refuse_closed(user)
    begin_login(user)
    service.note_login(user, now=utcnow())
    db.session.commit()
    security_log.info(
        "login_succeeded", extra={"reason": "password+totp" if user.mfa_enabled else "password"}
    )
    return _session_body(user)


@blp.post("/auth/logout")
@blp.response(204)
def logout():
    require_login()
    security_log.info("logout")
    end_login()
    db.session.commit()
    csrf_token()  # the anonymous session that follows gets a fresh token


@blp.post("/auth/register")
@blp.arguments(RegisterSchema)
@blp.response(201, SessionSchema)
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description="`fields.invite_code` for an invite that cannot make an account: unknown, used, expired, or "
    "(so that nobody learns which emails have accounts) an email that already has one; that uses the invite up",
)
@blp.alt_response(
    429, schema=ErrorSchema, description="Too many failed registrations from this address; see Retry-After"
)
def register(body):
    with guess((REGISTER_PER_ADDRESS, request.remote_addr or "")) as attempt:
        try:
            user = service.register(
                now=utcnow(), browser_language=negotiate(request.headers.get("Accept-Language")), **body
            )
        except service.InviteSpent:
            db.session.commit()  # the invite stays used up
            raise
        attempt.succeeded()
    begin_login(user)
    service.note_login(user, now=utcnow())
    db.session.commit()
    return _session_body(user)


INVITE_DETAILS_PER_ADDRESS = GuessLimit("invite-details-address", "10 per hour")


@blp.post("/auth/invite-details")
@blp.arguments(InviteDetailsRequestSchema)
@blp.response(200, InviteDetailsSchema)
@blp.alt_response(
    422, schema=ErrorSchema, description="`fields.invite_code`: unknown, used, revoked or expired"
)
@blp.alt_response(
    429, schema=ErrorSchema, description="Too many unknown codes from this address; see Retry-After"
)
def invite_details(body):
    """What the join form fills in for an invite's code: its email, and the clinic's name for the
    patient unless it was emailed. The code rides in the body, never in a URL a server logs."""
    with guess((INVITE_DETAILS_PER_ADDRESS, request.remote_addr or "")) as attempt:
        details = service.invite_prefill(body["invite_code"], now=utcnow())
        attempt.succeeded()
    return details


TOO_MANY_SENDS = (
    "Too many invitation emails: 3 an hour per invite, 5 a day per address, 50 an hour per provider; "
    "see Retry-After. Nothing was made or sent"
)


@blp.post("/invites")
@blp.arguments(InviteRequestSchema)
@blp.response(201, InviteSchema)
@blp.alt_response(429, schema=ErrorSchema, description=TOO_MANY_SENDS)
def create_invite(body):
    provider = require_role(PROVIDER)
    invite = service.create_invite(provider, now=utcnow(), valid_for=_invite_validity(), **body)
    db.session.commit()
    return _invite_body(invite)


@blp.get("/invites")
@blp.response(200, InviteListSchema)
def list_invites():
    """The care team's pending invites."""
    provider = require_role(PROVIDER)
    return {"items": [_invite_body(invite) for invite in service.pending_invites(provider, now=utcnow())]}


@blp.delete("/invites/<invite_id>")
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema, description="No pending invite of your care team has this id")
def revoke_invite(invite_id):
    """Revokes a pending invite (by its ``id``, never its code): its code and link stop working."""
    provider = require_role(PROVIDER)
    service.revoke_invite(provider, invite_id, now=utcnow())
    db.session.commit()


@blp.post("/invites/<invite_id>/resend")
@blp.response(200, InviteSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No pending invite of your care team has this id")
@blp.alt_response(422, schema=ErrorSchema, description="The invite has no email")
@blp.alt_response(429, schema=ErrorSchema, description=TOO_MANY_SENDS)
def resend_invite(invite_id):
    """Emails a pending invite (by its ``id``) again; it is valid for a full period from now."""
    provider = require_role(PROVIDER)
    invite = service.resend_invite(provider, invite_id, now=utcnow(), valid_for=_invite_validity())
    db.session.commit()
    return _invite_body(invite)


def _invite_validity():
    return timedelta(days=current_app.config["INVITE_DAYS"])


def _invite_body(invite):
    return {
        "id": service.invite_id(invite.code),
        "code": invite.code,
        "expires_at": invite.expires_at,
        "url": service.join_url(current_app.config["BASE_URL"], invite.code),
        **dict(zip(("email_status", "email_not_sent_reason"), service.email_status(invite), strict=True)),
        "name": invite.name,
        "email": invite.email,
        "created_at": invite.created_at,
        "sends": invite.sends or 0,
        "last_sent_at": invite.last_sent_at,
    }


def _settings_body(patient):
    return {
        "timezone": patient.user.timezone,
        "language": patient.user.language,
        "reminder_time": patient.reminder_time,
        "reminders_enabled": patient.reminders_enabled,
        "email_reminders": patient.email_reminders,
        "email_reminders_failing": patient.email_reminders_failed_at is not None,
        "paused_until": patient.paused_until,
    }


@blp.get("/me/settings")
@blp.response(200, SettingsSchema)
def get_settings():
    require_role(PATIENT)
    return _settings_body(patient_for("me"))


@blp.patch("/me/settings")
@blp.arguments(SettingsSchema)
@blp.response(200, SettingsSchema)
def patch_settings(changes):
    require_role(PATIENT)
    patient = service.update_settings(patient_for("me"), changes, now=utcnow())
    db.session.commit()
    return _settings_body(patient)


@blp.patch("/me")
@blp.arguments(MeSchema)
@blp.response(200, UserSchema)
def patch_me(changes):
    """Changes the logged-in person's own account: for now their language (staff set it in Account)"""
    user = require_login()
    if "language" in changes:
        service.set_language(user, changes["language"], now=utcnow())
    db.session.commit()
    return user


@blp.post("/me/close")
@blp.arguments(CloseAccountSchema)
@blp.response(204)
@blp.alt_response(401, schema=ErrorSchema, description="invalid_credentials: the password is not right")
def close_account(body):
    """Closes the patient's own account: every session ends and logins are refused; the clinic keeps the record."""
    user = require_role(PATIENT)
    patient_for("me")
    service.close_account(user, body["password"], now=utcnow())
    end_login()
    db.session.commit()


@blp.post("/me/mfa/setup")
@blp.response(200, MfaSetupSchema)
@blp.alt_response(409, schema=ErrorSchema, description="MFA is already set up")
def mfa_setup():
    """Starts TOTP enrolment (providers)

    Answers a new secret and its `otpauth://` URI for an authenticator app. The
    secret is pending until `POST /me/mfa/confirm` proves the app has it.
    """
    setup = mfa.begin_setup(require_role(PROVIDER))
    db.session.commit()
    return setup


@blp.post("/me/mfa/confirm")
@blp.arguments(OtpSchema)
@blp.response(200, UserSchema)
@blp.alt_response(409, schema=ErrorSchema, description="No setup was started, or MFA is already on")
@blp.alt_response(422, schema=ErrorSchema, description="The code is not valid")
def mfa_confirm(body):
    """Confirms TOTP enrolment with a current code (providers)

    From then on `POST /auth/login` needs `otp`, and answers 401 `mfa_required`
    without it. Each code is accepted once.
    """
    user = require_role(PROVIDER)
    mfa.confirm(user, body["otp"])
    audit.record(user, "update", "mfa")
    db.session.commit()
    security_log.info("mfa_enrolled")
    return user


@blp.post("/me/password")
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.alt_response(401, schema=ErrorSchema, description="`invalid_credentials`: the current password is wrong")
@blp.alt_response(
    422, schema=ErrorSchema, description="`fields.new_password`: too short, too long or too common"
)
@blp.alt_response(429, schema=ErrorSchema, description="Too many wrong current passwords; see Retry-After")
def change_password(body):
    """Changes the password (any role)

    Ends every other session of the account and rotates this one, CSRF token
    included: fetch the new token from `GET /auth/session`.
    """
    user = require_login()._get_current_object()  # the proxy turns anonymous while the session rotates
    now = utcnow()
    with guess((PASSWORD_CHANGE_PER_USER, str(user.id))) as attempt:
        service.change_password(
            user, body["current_password"], body["new_password"], now=now, on_right_password=attempt.succeeded
        )
    begin_login(user, now=now)
    service.end_other_sessions(user, session["sid"], now=now)
    db.session.commit()
    security_log.info("password_changed")


@blp.post("/auth/password-reset")
@blp.arguments(PasswordResetRequestSchema)
@blp.response(202, PasswordResetSentSchema)
@blp.alt_response(
    429,
    schema=ErrorSchema,
    description="More than 5 requests for this email, or 30 from this address, in 15 minutes; see Retry-After",
)
def request_password_reset(body):
    """Asks for a password reset link by email (anyone)

    The same answer, after the same work, whether or not the email has an
    account: the request is stored and answered by the scheduler, which emails
    an active account a link valid for 60 minutes and voids its older links.
    """
    resets.request_password_reset(body["email"], address=request.remote_addr or "", now=utcnow())
    db.session.commit()
    security_log.info("password_reset_requested")
    return {"status": "sent"}


@blp.post("/auth/password-reset/confirm")
@blp.arguments(PasswordResetConfirmSchema)
@blp.response(204)
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description="`invalid_token`: unknown, used, voided by a newer one or expired; "
    "`validation_error` on `fields.password`: too short, too long or too common",
)
def confirm_password_reset(body):
    """Sets a new password with an emailed token (anyone with one)

    Every session of the account ends, this browser's too when it is logged in
    to it; MFA stays on, so the next login still needs the code.
    """
    now = utcnow()
    user = resets.confirm_password_reset(body["token"], body["password"], now=now)
    db.session.commit()
    security_log.info("password_reset", extra={"actor": str(user.id)})
