"""The web side of authentication: the session cookie, Flask-Login and CSRF.

The signed Flask cookie carries only a random session token and the CSRF
token; the session itself is a server-side row, so logging out kills it
even in a copied cookie.
"""

import hmac
import logging
import secrets

from flask import request, session
from flask_login import current_user, login_user, logout_user

from .. import compression
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db, login_manager
from ..i18n import N_
from . import mfa, service

security_log = logging.getLogger("diary.security")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token() -> str:
    """The session's CSRF token, created on first use. Its response is never compressed (BREACH)."""
    compression.never_compress()
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf():
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get("csrf")
    given = request.headers.get("X-CSRF-Token", "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        security_log.warning("csrf_failed")
        raise ApiError(403, "csrf_failed", N_("The CSRF token is missing or wrong. Reload and try again."))


def begin_login(user, *, now=None):
    """Rotates the session: a fresh cookie, server session and CSRF token."""
    end_login()
    session.permanent = True
    session["sid"] = service.start_session(user, now=now or utcnow())
    if user.is_provider and not user.mfa_enabled and mfa.clinic_requires_mfa():
        session[mfa.CLINIC_MFA] = True
    login_user(user)
    return csrf_token()


def end_login():
    service.end_session(session.get("sid"), now=utcnow())
    logout_user()
    session.clear()


@login_manager.user_loader
def _load_user(user_id):
    # The user id in the cookie counts only together with a live server-side session.
    now = utcnow()
    row = service.live_session(session.get("sid"), now=now)
    if row is None or str(row.user_id) != user_id or not row.user.active:
        return None
    if service.touch_session(row, now=now):
        db.session.commit()
    return row.user


@login_manager.unauthorized_handler
def _unauthorized():
    raise ApiError(401)


def require_login():
    if not current_user.is_authenticated:
        raise ApiError(401)
    return current_user


def require_role(role):
    """The current user, when they have ``role``; 401 when anonymous, 403 otherwise."""
    user = require_login()
    if user.role != role:
        security_log.warning("forbidden_role", extra={"role": user.role})
        raise ApiError(403, message=N_("Your account cannot do this."))
    return user


def require_admin():
    """The current user, when a clinic administrator; 401 when anonymous, else 404: the
    administration is out of reach for everyone else, as if it did not exist."""
    user = require_login()
    if not (user.is_provider and user.is_admin):
        security_log.warning("access_denied", extra={"actor": str(user.id)})
        raise ApiError(404)
    return user


# What a provider who must enrol in MFA may still do before enrolling.
MFA_ENROLLMENT_ENDPOINTS = frozenset(
    {
        "accounts.get_session",
        "accounts.login",
        "accounts.logout",
        "accounts.mfa_setup",
        "accounts.mfa_confirm",
    }
)


def check_mfa_enrollment():
    """A provider created with ``--require-mfa`` reaches nothing else until enrolled."""
    if not request.path.startswith("/api/v1/") or request.endpoint in MFA_ENROLLMENT_ENDPOINTS:
        return
    if mfa.enrollment_pending(current_user):
        raise ApiError(
            403, "mfa_enrollment_required", N_("Set up your authenticator app before you continue.")
        )


AUTH_DESCRIPTION = """

## Authentication and sessions

A session cookie (`diary_session`, or `__Host-diary_session` over https), HttpOnly
and SameSite=Lax, names a server-side session. Unsafe methods also need the
`X-CSRF-Token` header with the token from `GET /auth/session` or from the login
and register answers; it changes at each of them and at a password change (fetch
it again after `POST /me/password`). Provider sessions end after 30 idle minutes
and after 12 hours in any case; patient sessions last up to 30 days.
`POST /me/password` ends every other session; a reset with an emailed token
(`POST /auth/password-reset/confirm`) ends every session of the account.

## Provider MFA

`POST /me/mfa/setup`, then `POST /me/mfa/confirm` with a TOTP code, turns on MFA:
from then on `POST /auth/login` needs `otp` and answers 401 `mfa_required`
without it. Each code works once. A provider created with
`users create-provider --require-mfa` may log in, but until enrolled every other
call answers 403 `mfa_enrollment_required` (only `GET /auth/session`,
`POST /auth/login`, `POST /auth/logout` and the two MFA calls work), and the
session body says `"mfa_enrollment_required": true`.
"""


def document(api):
    """Adds the session cookie, the CSRF header and the rules above to the OpenAPI document."""
    api.spec.components.security_scheme(
        "session",
        {"type": "apiKey", "in": "cookie", "name": "diary_session", "description": "The login session"},
    )
    api.spec.components.security_scheme(
        "csrf",
        {
            "type": "apiKey",
            "in": "header",
            "name": "X-CSRF-Token",
            "description": "Required on POST, PUT, PATCH and DELETE",
        },
    )
    api.spec.options["info"]["description"] += AUTH_DESCRIPTION
    # Either logged in (with the CSRF header on unsafe calls) or not: each operation says what it needs.
    api.spec.options["security"] = [{"session": [], "csrf": []}, {}]


def init_app(app):
    login_manager.init_app(app)
    login_manager.session_protection = None  # rotation and revocation are ours, above
    app.before_request(check_csrf)
    app.before_request(check_mfa_enrollment)
