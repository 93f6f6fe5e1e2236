"""Account operations: providers, invites, registration, login sessions, settings.

Services flush, never commit: the caller (a view or a CLI command) owns the
transaction. They raise :class:`~diary.errors.ApiError` for what a user did wrong.
"""

import hashlib
import hmac
import logging
import secrets
import uuid
from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlencode
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError, validate
from sqlalchemy import delete, select, update

from .. import signals
from ..audit import service as audit
from ..errors import ApiError, validation_error
from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, N_
from ..localtime import local_date_of
from . import passwords
from .attempts import GuessLimit, take
from .models import (
    DISCHARGED,
    PATIENT,
    PROVIDER,
    AuthSession,
    CareTeam,
    ClinicSettings,
    Invite,
    Patient,
    PatientPause,
    User,
)

INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
INVITE_LENGTH = 10
INVITE_VALIDITY = timedelta(days=14)

# How long a login lasts, by role (ASVS 7.3): idle limit, absolute limit.
SESSION_LIMITS = {
    PROVIDER: (timedelta(minutes=30), timedelta(hours=12)),
    PATIENT: (timedelta(days=30), timedelta(days=30)),
}
# Writing last_seen_at on every request would cost a write per read; a minute is precise enough.
TOUCH_INTERVAL = timedelta(seconds=60)


def normalise_email(email: str) -> str:
    return email.strip().lower()


# Names the tz database ships that are no place: "localtime" is the server's own zone, "Factory"
# a placeholder, and posix/ and right/ are copies (right/ with leap seconds) of the real ones.
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
NOT_ZONE_PREFIXES = ("posix/", "right/")


@lru_cache(maxsize=1)
def _iana_zones() -> frozenset[str]:
    return frozenset(
        zone
        for zone in available_timezones()
        if zone not in NOT_ZONES and not zone.startswith(NOT_ZONE_PREFIXES)
    )


def is_valid_timezone(name) -> bool:
    return isinstance(name, str) and name in _iana_zones()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_provider(email, name, password, *, team_name=None, require_mfa=False, admin=False) -> User:
    """A provider with a care team of their own (or joining the named one).

    The command line's only way in: it checks what registration's schema and
    service check (an email address, a name, a password not made of either).
    The clinic's first administrator (``admin``) also makes the clinic's settings,
    with the defaults of a new clinic (MFA required of all staff).
    """
    problems = {}
    try:
        validate.And(validate.Email(), validate.Length(max=254))(normalise_email(email))
    except ValidationError:
        problems["email"] = [N_("Give a valid email address.")]
    if not name.strip() or len(name) > 200:
        problems["name"] = [N_("Give the provider's name (at most 200 characters).")]
    if weak := passwords.password_problems(password, (email, name)):
        problems["password"] = weak
    if problems:
        raise validation_error(problems)
    if find_user_by_email(email):
        raise ApiError(409, message=N_("That email is already registered."))
    team = None
    if team_name:
        team = db.session.scalar(select(CareTeam).where(CareTeam.name == team_name))
    team = team or CareTeam(name=team_name or f"{name}'s care team")
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=PROVIDER,
        password_hash=passwords.hash_password(password),
        mfa_required=require_mfa,
        is_admin=admin,
    )
    user.care_teams.append(team)
    db.session.add(user)
    if admin and db.session.get(ClinicSettings, 1) is None:
        db.session.add(ClinicSettings(id=1, mfa_required=True))
    db.session.flush()
    return user


def create_invite(
    provider: User, *, name=None, email=None, language=None, now, valid_for=INVITE_VALIDITY
) -> Invite:
    """A single-use invite to the provider's care team; with an email, the invitation is emailed."""
    if not provider.care_teams:
        raise ApiError(409, message=N_("You are on no care team: an administrator can add you to one."))
    return make_invite(
        provider,
        care_team_id=provider.care_teams[0].id,
        name=name,
        email=email,
        now=now,
        valid_for=valid_for,
        language=language,
    )


def make_invite(
    creator: User, *, name, email, now, valid_for, care_team_id=None, role=PATIENT, **staff
) -> Invite:
    """Any single-use invite (a staff invite gives ``admin`` and ``team_ids`` as ``staff``);
    with an email, the invitation is emailed, within the send limits."""
    invite = Invite(
        code="".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH)),
        care_team_id=care_team_id,
        created_by_id=creator.id,
        name=name.strip() if name and name.strip() else None,
        email=normalise_email(email) if email else None,
        expires_at=now + valid_for,
        sends=0,
        role=role,
        **staff,
    )
    db.session.add(invite)
    db.session.flush()
    audit.record(creator, "create", "invite" if role == PATIENT else "staff_invite", at=now)  # never the code
    if invite.email:
        _send(invite, sender=creator, now=now)
    return invite


def join_url(base_url: str, code: str) -> str:
    """The join link: the code only, in the fragment (browsers never send it to a server). No name
    or email: a link stays in browser history, on a shared phone and in what gets forwarded; the
    join form asks the server for them once the code is entered (``invite_prefill``)."""
    return f"{base_url.rstrip('/')}/#/join?{urlencode({'code': code})}"


# What became of an invite's email (docs/api.md, "Invites"): queued in the outbox (the delivery
# pass sends it within a minute), or not sent, and why.
QUEUED, NOT_SENT = "queued", "not_sent"
NO_ADDRESS, NO_MAIL_SERVER = "no_address", "no_mail_server"
mail_log = logging.getLogger("diary.mail")


def email_status(invite: Invite) -> tuple[str, str | None]:
    """The status of an invite's email for the API: this request's send, else what was done before."""
    if getattr(invite, "sent_now", None) is not None:
        return invite.sent_now
    if not invite.email:
        return NOT_SENT, NO_ADDRESS
    if invite.sends:
        return QUEUED, None
    return NOT_SENT, NO_MAIL_SERVER if not current_app.config.get("SMTP_URL") else None


# Emails a provider's requests send (an invite made with an email, a resend), counted before they
# are queued: a stolen provider session cannot mail-bomb anyone through the clinic's mail server.
SENDS_PER_INVITE = GuessLimit("invite-sends", "3 per hour")
SENDS_PER_RECIPIENT = GuessLimit("recipient-sends", "5 per day")
SENDS_PER_PROVIDER = GuessLimit("provider-sends", "50 per hour")
TOO_MANY_SENDS = N_("Too many invitation emails were sent. Please wait before sending another.")


def _send(invite: Invite, *, sender: User, now) -> None:
    """Emails the invite (through the outbox), within the send limits: 429 past any of them,
    and then nothing is sent (the caller's transaction, with a new invite, is not committed).
    With no mail server configured nothing is queued, and the answer says so: a message that
    only reaches the log would read as "emailed" to the provider while the patient waits."""
    if not current_app.config.get("SMTP_URL"):
        invite.sent_now = (NOT_SENT, NO_MAIL_SERVER)
        mail_log.warning("invitation email not sent: no mail server configured (DIARY_SMTP_URL)")
        return
    take(
        (SENDS_PER_INVITE, invite_id(invite.code)),
        (SENDS_PER_RECIPIENT, invite.email),
        (SENDS_PER_PROVIDER, str(sender.id)),
        message=TOO_MANY_SENDS,
    )
    invite.sends = (invite.sends or 0) + 1
    invite.last_sent_at = now
    db.session.flush()
    signals.invite_to_send.send(invite, now=now)
    invite.sent_now = (QUEUED, None)


def _team_ids(provider: User) -> list:
    return [team.id for team in provider.care_teams]


def pending_invites(provider: User, *, now) -> list[Invite]:
    """The care team's invites not yet used, revoked or expired, newest first."""
    return list(
        db.session.scalars(
            select(Invite)
            .where(
                Invite.care_team_id.in_(_team_ids(provider)),
                Invite.used_at.is_(None),
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
            )
            .order_by(Invite.created_at.desc(), Invite.code)
        )
    )


def invite_id(code: str) -> str:
    """The invite's handle in URLs (revoke, resend): a digest of its code keyed by the
    app's secret key, so a proxy's or server's log of paths never holds a code that
    still works, and the code cannot be worked back from it."""
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, b"invite:" + code.encode(), hashlib.sha256).hexdigest()[:32]


def team_invite(provider: User, handle: str, *, now) -> Invite:
    """One pending invite of the provider's care team, by its ``id`` (``invite_id``); any other
    handle is 404, as if it did not exist. The team's pending invites are few: they are read
    and matched. The code itself is no handle: a URL that carried it would leave a working code
    in every log of request paths (docs/api.md, Invites)."""
    for invite in pending_invites(provider, now=now):
        if hmac.compare_digest(invite_id(invite.code).encode(), handle.encode()):
            return invite
    raise ApiError(404, "not_found", N_("There is no pending invite with this id."))


def revoke_invite(provider: User, handle: str, *, now) -> None:
    invite = team_invite(provider, handle, now=now)
    invite.revoked_at = now
    db.session.flush()
    audit.record(provider, "delete", "invite", at=now)


def resend_invite(provider: User, handle: str, *, now, valid_for=INVITE_VALIDITY) -> Invite:
    """Emails the invite again, valid for another full period from now."""
    invite = team_invite(provider, handle, now=now)
    if not invite.email:
        raise validation_error(
            {"email": [N_("This invite has no email to send it to. Share its link or code instead.")]}
        )
    invite.expires_at = now + valid_for
    audit.record(provider, "update", "invite", at=now)
    _send(invite, sender=provider, now=now)
    return invite


# One answer for every invite that cannot make an account, a taken email included (see register_patient).
INVITE_UNUSABLE = N_(
    "This invite code cannot be used. If you already have an account, log in instead; "
    "otherwise ask your clinic for a new invite."
)


class InviteSpent(ApiError):
    """The invite was used up without making an account: the caller commits, then answers this."""

    def __init__(self):
        super().__init__(422, fields={"invite_code": [INVITE_UNUSABLE]})


def normalise_invite_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def invite_prefill(invite_code: str, *, now) -> dict:
    """What the join form may fill in for the holder of a pending invite's code: its email (only
    that one can register), and the name the clinic typed unless the invite went by email: a
    mistyped address must not tell a stranger who is a patient here. Any other code: 422, as
    registering with it would answer."""
    code = normalise_invite_code(invite_code)
    invite = db.session.get(Invite, code) if code else None
    if invite is None or not invite.pending(now):
        raise validation_error({"invite_code": [INVITE_UNUSABLE]})
    return {
        "name": None if invite.sends else invite.name,
        "email": invite.email,
        "expires_at": invite.expires_at,
    }


def register(*, invite_code, email, password, name, timezone, now, browser_language=DEFAULT_LANGUAGE) -> User:
    """An account made with an invite: a patient of its care team, or (a staff invite) staff of its teams.
    Its language is the invite's, else the browser's (``browser_language``)."""
    problems = {}
    if passwords.password_problems(password, (email, name)):
        problems["password"] = passwords.password_problems(password, (email, name))
    if not is_valid_timezone(timezone):
        problems["timezone"] = [N_("Give an IANA time zone such as Europe/Berlin.")]
    if not name.strip():
        problems["name"] = [N_("Give your name.")]
    code = normalise_invite_code(invite_code)
    invite = db.session.get(Invite, code) if code else None
    if invite is None or not invite.pending(now):
        problems["invite_code"] = [INVITE_UNUSABLE]
    elif invite.email and normalise_email(email) != invite.email:
        # An invite made for one email registers only that email.
        problems["email"] = [
            N_("This invite is for another email address. Use the one the invite was sent to.")
        ]
    if problems:
        raise validation_error(problems)

    # Claim the invite with a conditional update, so two registrations cannot share it.
    claimed = db.session.execute(
        update(Invite).where(Invite.code == code, Invite.used_at.is_(None)).values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise validation_error({"invite_code": [INVITE_UNUSABLE]})
    password_hash = passwords.hash_password(password)  # before the email check: both answers take as long
    if find_user_by_email(email):
        # Not a 409: that would tell an invite holder which addresses have accounts. The invite
        # is spent instead, so one invite can test one address at most (docs/api.md, "Where the
        # build departs from the first contract").
        raise InviteSpent()
    user = _invited_account(
        invite,
        email=normalise_email(email),
        name=name.strip(),
        password_hash=password_hash,
        timezone=timezone,
        language=invite.language or browser_language,
    )
    db.session.add(user)
    db.session.flush()
    invite.used_by_id = user.id
    audit.record(user, "create", "account", user.id if user.is_patient else None, at=now)
    if user.is_patient:
        signals.patient_registered.send(user.patient, now=now)
    return user


register_patient = register  # its first name, from when invites made patients only


def _invited_account(invite: Invite, **fields) -> User:
    """The account an invite makes: a patient of its care team, or staff of its teams."""
    user = User(role=invite.role, **fields)
    if invite.role == PROVIDER:
        user.is_admin = invite.admin
        user.care_teams = list(_existing_teams(invite.team_ids or []))
    else:
        user.patient = Patient(care_team_id=invite.care_team_id)
    return user


def _existing_teams(team_ids):
    ids = [uuid.UUID(str(team_id)) for team_id in team_ids]
    return db.session.scalars(select(CareTeam).where(CareTeam.id.in_(ids))) if ids else []


def note_login(user: User, *, now) -> None:
    """A login succeeded: administrators see when each staff member last logged in."""
    user.last_login_at = now


def authenticate(email, password) -> User | None:
    """The user whose email and password these are, else None (the same for both failures)."""
    user = find_user_by_email(email) if email else None
    if not passwords.verify_password(user.password_hash if user else None, password or ""):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, now) -> str:
    """A new server-side session; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    _, absolute = SESSION_LIMITS[user.role]
    db.session.add(
        AuthSession(
            token_hash=hash_token(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + absolute,
        )
    )
    db.session.flush()
    return token


def live_session(token: str | None, *, now) -> AuthSession | None:
    """The session a cookie token names, if it is neither revoked, expired nor idle too long."""
    if not token:
        return None
    row = db.session.get(AuthSession, hash_token(token))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    idle, _ = SESSION_LIMITS[row.user.role]
    return None if now - row.last_seen_at > idle else row


def touch_session(row: AuthSession, *, now) -> bool:
    """Moves the idle clock on; True when it changed and so needs committing."""
    if now - row.last_seen_at <= TOUCH_INTERVAL:
        return False
    row.last_seen_at = now
    return True


def end_session(token: str | None, *, now) -> None:
    if token:
        db.session.execute(
            update(AuthSession)
            .where(AuthSession.token_hash == hash_token(token), AuthSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def end_other_sessions(user: User, keep_token: str | None, *, now) -> None:
    """Ends every session of the user but the one in use (after a password change)."""
    query = update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    if keep_token:
        query = query.where(AuthSession.token_hash != hash_token(keep_token))
    db.session.execute(query.values(revoked_at=now))


def change_password(
    user: User, current_password: str, new_password: str, *, now, on_right_password=None
) -> None:
    """Sets a new password after checking the current one (ASVS 6.2.3).

    A wrong current password is 401 ``invalid_credentials``, as at login; a weak
    new one is 422 on ``new_password``. The caller ends the user's other
    sessions, since it knows which one to keep. ``on_right_password`` is called
    once the current password proved right (the caller's guess limit gives the
    guess back then).
    """
    if not passwords.verify_password(user.password_hash, current_password or ""):
        raise ApiError(401, "invalid_credentials", N_("This is not your current password."))
    if on_right_password is not None:
        on_right_password()
    if problems := passwords.password_problems(new_password, (user.email, user.name)):
        raise validation_error({"new_password": problems})
    set_password(user, new_password, now=now)
    audit.record(user, "update", "password", user.id if user.is_patient else None, at=now)


def reset_mfa(user: User, *, actor=None, now) -> None:
    """Removes an account's authenticator (a lost phone) and ends its sessions; where MFA is
    required, the account sets it up again at its next login. ``actor``: who did it (None: the
    command line)."""
    user.mfa_secret, user.mfa_enabled, user.mfa_last_step = None, False, None
    end_other_sessions(user, None, now=now)
    audit.record(actor, "update", "mfa", at=now)
    db.session.flush()


def set_language(user: User, language: str, *, now) -> None:
    """The language a person reads (staff in Account; patients in Settings, too)."""
    user.language = language
    audit.record(user, "update", "account", user.id if user.is_patient else None, at=now)
    db.session.flush()


def set_password(user: User, new_password: str, *, now) -> None:
    """Sets a password, unchecked (an administrator's reset); ends no sessions by itself."""
    problems = passwords.password_problems(new_password, (user.email, user.name))
    if problems:
        raise validation_error({"password": problems})
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now
    db.session.flush()


def update_settings(patient: Patient, changes: dict, *, now) -> Patient:
    if "paused_until" in changes:
        set_pause(patient, changes["paused_until"], now=now)
    if "timezone" in changes:
        if not is_valid_timezone(changes["timezone"]):
            raise validation_error({"timezone": [N_("Give an IANA time zone such as Europe/Berlin.")]})
        patient.user.timezone = changes["timezone"]
    if "language" in changes:
        patient.user.language = changes["language"]
    for name in ("reminder_time", "reminders_enabled", "email_reminders"):
        if name in changes:
            setattr(patient, name, changes[name])
    audit.record(patient.user, "update", "settings", patient.id, at=now)
    db.session.flush()
    signals.settings_changed.send(patient, now=now, changes=frozenset(changes))
    if {"timezone", "paused_until"} & set(changes):  # another today, or days that are no silence
        signals.patient_data_changed.send(patient, now=now)
    return patient


#: How far ahead a patient may pause reminders.
MAX_PAUSE = timedelta(days=60)


def set_pause(patient: Patient, paused_until, *, now) -> None:
    """Pauses reminders up to the day before ``paused_until`` (a local date), or ends the pause (None).

    The pause is kept as a row (``PatientPause``) from today on: the relief
    replay reads every pause, so its days never count as a silence. Ending or
    moving a pause moves its end; a new pause starts today.
    """
    today = local_date_of(now, patient.user.timezone)
    if paused_until is not None and not today < paused_until <= today + MAX_PAUSE:
        raise validation_error(
            {
                "paused_until": [
                    _("Give a date after today and at most %(days)s days ahead.", days=MAX_PAUSE.days)
                ]
            }
        )
    current = db.session.scalar(
        select(PatientPause).where(
            PatientPause.patient_id == patient.id,
            PatientPause.starts_on <= today,
            PatientPause.ends_on > today,
        )
    ) or db.session.get(PatientPause, (patient.id, today))
    if current is not None:
        current.ends_on = paused_until or today
    elif paused_until is not None:
        db.session.add(
            PatientPause(patient_id=patient.id, starts_on=today, ends_on=paused_until, created_at=now)
        )
    patient.paused_until = paused_until


def close_account(user: User, password: str, *, now) -> None:
    """The patient closes their account: every session ends, logins are refused, reminders stop.

    The record stays for the clinic (clinical retention, docs/operations.md,
    "Patients who come and go"); the patient counts as discharged, so no flag
    is raised for them any more. An operator erases it with ``users erase``.
    """
    if not passwords.verify_password(user.password_hash, password or ""):
        raise ApiError(401, "invalid_credentials", N_("This is not your password."))
    patient = user.patient
    user.closed_at = now
    patient.status, patient.status_changed_at, patient.paused_until = DISCHARGED, now, None
    end_other_sessions(user, None, now=now)
    audit.record(user, "update", "account_closed", patient.id, at=now)
    db.session.flush()
    signals.settings_changed.send(patient, now=now, changes=frozenset({"status"}))
    signals.patient_data_changed.send(patient, now=now)


def refuse_closed(user: User) -> None:
    """Refuses a login to an account its patient closed (after a right password only)."""
    if user.closed_at is not None:
        raise ApiError(
            403, "account_closed", N_("This account was closed. Ask your clinic if you need your diary.")
        )


def erase_account(user: User, *, now) -> None:
    """Deletes a closed patient account and, by cascade, every row of its health data.

    The audit trail stays as it is (append-only): its rows keep naming the
    account's id, which no longer resolves; a last row records the erasure.
    """
    if not user.is_patient or user.closed_at is None:
        raise ApiError(409, "not_closed", N_("Only a patient account that was closed can be erased."))
    user_id = user.id
    db.session.expunge(user)
    # The database's ON DELETE CASCADE removes the patient, entries, sessions, flags, messages…
    db.session.execute(delete(User).where(User.id == user_id))
    audit.record(None, "delete", "account", user_id, at=now)
