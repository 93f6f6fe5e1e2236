"""``flask --app diary users ...``: provider accounts and emergencies.

docs/api.md, "Command line and configuration"; docs/operations.md, "Command line".
"""

import click
from flask.cli import AppGroup
from sqlalchemy import update

from ..audit import service as audit
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db
from . import mfa, service
from .models import AuthSession

users = AppGroup("users", help="Manage user accounts.")


@users.command("create-provider")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--team", "team_name", default=None, help="Join this care team (created when missing).")
@click.option("--require-mfa", is_flag=True, help="The provider must enrol in MFA at first login.")
@click.option(
    "--admin", is_flag=True, help="A clinic administrator (the first one also makes the clinic's settings)."
)
def create_provider(email, name, password, team_name, require_mfa, admin):
    """Creates a provider and prints their id."""
    try:
        user = service.create_provider(
            email, name, password, team_name=team_name, require_mfa=require_mfa, admin=admin
        )
    except ApiError as error:
        details = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in (error.fields or {}).items()
        )
        raise click.ClickException(details or error.message) from None
    db.session.commit()
    click.echo(str(user.id))


def _account(email):
    user = service.find_user_by_email(email)
    if user is None:
        raise click.ClickException("No account has that email.")
    return user


@users.command("reset-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def reset_password(email, password):
    """Sets a new password and ends every session of the account."""
    user, now = _account(email), utcnow()
    try:
        service.set_password(user, password, now=now)
    except ApiError as error:
        raise click.ClickException(" ".join((error.fields or {}).get("password", [error.message]))) from None
    service.end_other_sessions(user, None, now=now)
    audit.record(None, "update", "password", user.id if user.is_patient else None, at=now)
    db.session.commit()
    click.echo("Password set; every session of the account has ended.")


@users.command("reset-mfa")
@click.option("--email", required=True)
def reset_mfa(email):
    """Removes a provider's authenticator (a lost phone) and ends their sessions."""
    user = _account(email)
    service.reset_mfa(user, now=utcnow())
    db.session.commit()
    click.echo(
        "MFA removed; the provider sets it up again at the next login."
        if mfa.required_of(user)
        else "MFA removed."
    )


@users.command("end-sessions")
@click.option("--email", default=None, help="The account whose sessions end.")
@click.option("--all", "everyone", is_flag=True, help="End every session of every account.")
def end_sessions(email, everyone):
    """Logs an account, or everyone, out everywhere (a lost phone, a breach)."""
    if bool(email) == everyone:
        raise click.UsageError("Give either --email or --all.")
    now = utcnow()
    if everyone:
        db.session.execute(update(AuthSession).where(AuthSession.revoked_at.is_(None)).values(revoked_at=now))
    else:
        service.end_other_sessions(_account(email), None, now=now)
    db.session.commit()
    click.echo("Sessions ended.")


@users.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Erase without asking (the account must be closed).")
def erase(email, yes):
    """Deletes a closed patient account and its health data; the audit trail keeps naming its id."""
    user = _account(email)
    if not yes:
        click.confirm(f"Erase {user.email} and every check-in, session and flag of it?", abort=True)
    try:
        service.erase_account(user, now=utcnow())
    except ApiError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo("Account erased; its audit rows remain.")
