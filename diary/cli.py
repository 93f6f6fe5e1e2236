"""`flask --app diary ...` command groups (CONTRACT.md section 10)."""
import click
from flask.cli import AppGroup

from .extensions import db

users = AppGroup("users", help="Manage user accounts.")


@users.command("create-provider")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--team", "team_name", default=None, help="Join this care team (created when missing).")
@click.option("--require-mfa", is_flag=True, help="The provider must enrol in MFA at first login.")
def create_provider(email, name, password, team_name, require_mfa):
    """Creates a provider and prints their id."""
    from .accounts import service
    from .errors import ApiError

    try:
        user = service.create_provider(email, name, password, team_name=team_name, require_mfa=require_mfa)
    except ApiError as error:
        details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in (error.fields or {}).items())
        raise click.ClickException(details or error.message) from None
    db.session.commit()
    click.echo(str(user.id))


def init_app(app):
    app.cli.add_command(users)
