"""Provider MFA with TOTP (RFC 6238) via pyotp.

Each code works once (ASVS 6.5.1): the time step of the last accepted code is
stored, and a code from that step or an earlier one is refused. The step is
recorded with a conditional UPDATE, so of several logins sending one code at
once only one wins, whatever each of them read before.
"""

import hmac

import pyotp
from flask import session
from sqlalchemy import or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from ..i18n import N_
from .models import ClinicSettings, User

ISSUER = "Afterglow"
# In the session: the clinic required MFA of all staff when this session began.
CLINIC_MFA = "clinic_mfa"
# One step either side absorbs a phone clock that is a little off.
DRIFT_STEPS = 1


def begin_setup(user) -> dict:
    """A new secret, pending until confirmed with a valid code."""
    if user.mfa_enabled:
        # Otherwise a stolen session could swap the second factor for its own.
        raise ApiError(409, message=N_("MFA is already set up. Ask an administrator to reset it."))
    user.mfa_secret = pyotp.random_base32()
    user.mfa_last_step = None
    uri = pyotp.TOTP(user.mfa_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return {"secret": user.mfa_secret, "otpauth_uri": uri}


def _matching_step(user, otp, now):
    totp = pyotp.TOTP(user.mfa_secret)
    code = str(otp).strip()
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def use_code(user, otp, *, now=None) -> bool:
    """True when ``otp`` is a valid code not used before; marks it used."""
    if not user.mfa_secret or not otp:
        return False
    step = _matching_step(user, otp, now or utcnow())
    if step is None or (user.mfa_last_step is not None and step <= user.mfa_last_step):
        return False
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.mfa_last_step.is_(None), User.mfa_last_step < step))
        .values(mfa_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False  # another request used this code (or a later one) first
    set_committed_value(user, "mfa_last_step", step)  # what the row now holds; nothing left to write
    return True


def confirm(user, otp, *, now=None) -> None:
    if not user.mfa_secret:
        raise ApiError(409, message=N_("Start MFA setup first."))
    if user.mfa_enabled:
        raise ApiError(409, message=N_("MFA is already set up."))
    if not use_code(user, otp, now=now):
        raise ApiError(422, fields={"otp": [N_("This code is not valid. Try the current one.")]})
    user.mfa_enabled = True


def clinic_requires_mfa() -> bool:
    """The clinic's "MFA required for all staff" setting (off while the clinic has no settings row)."""
    return bool(db.session.scalar(select(ClinicSettings.mfa_required).where(ClinicSettings.id == 1)))


def required_of(user) -> bool:
    """MFA is required of this account: made with ``users create-provider --require-mfa``, or staff
    of a clinic that requires it of all its staff."""
    return bool(user.mfa_required or (user.is_provider and clinic_requires_mfa()))


def enrollment_pending(user) -> bool:
    """A provider who must enrol and has not yet. The clinic's setting counts from the login
    after it was turned on (``begin_login`` notes it in the session), so nobody is stopped
    halfway through what they were doing; turning it off frees everyone at once."""
    if not user.is_authenticated or user.mfa_enabled:
        return False
    return bool(user.mfa_required or (session.get(CLINIC_MFA) and clinic_requires_mfa()))
