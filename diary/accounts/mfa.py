"""Provider MFA with TOTP (RFC 6238) via pyotp."""
import pyotp

from ..errors import ApiError

ISSUER = "Afterglow"


def begin_setup(user) -> dict:
    """A new secret, pending until confirmed with a valid code."""
    user.mfa_secret = pyotp.random_base32()
    user.mfa_enabled = False
    uri = pyotp.TOTP(user.mfa_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return {"secret": user.mfa_secret, "otpauth_uri": uri}


def code_is_valid(user, otp) -> bool:
    if not user.mfa_secret or not otp:
        return False
    # One step either side absorbs a phone clock that is a little off.
    return pyotp.TOTP(user.mfa_secret).verify(str(otp).strip(), valid_window=1)


def confirm(user, otp) -> None:
    if not user.mfa_secret:
        raise ApiError(409, message="Start MFA setup first.")
    if not code_is_valid(user, otp):
        raise ApiError(422, fields={"otp": ["This code is not valid. Try the current one."]})
    user.mfa_enabled = True
