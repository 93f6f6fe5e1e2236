"""``flask --app diary demo``: a demo clinic to try the app with (docs/operations.md, "Demo clinic")."""

import click
from flask.cli import with_appcontext

from ..db_types import utcnow
from ..extensions import analyze, db
from . import histories, service


@click.command("demo")
@click.option(
    "--patients",
    "count",
    type=click.IntRange(1, 100_000),
    default=12,
    show_default=True,
    help="How many demo patients (the first 12 are one of each kind; more cycle through them again).",
)
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=180,
    show_default=True,
    help=f"How far back the longest histories reach, in days (at least {histories.MIN_DAYS}: "
    "fewer are raised to that, with a note).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="The same seed gives the same histories."
)
@click.option(
    "--reset",
    is_flag=True,
    help="Delete the demo clinic's patients and all their data, then seed them again.",
)
@click.option(
    "--if-empty", is_flag=True, help="Seed only when the database has no users at all (for `make run`)."
)
@with_appcontext
def demo(count, days, seed, reset, if_empty):
    """Seeds a demo clinic: a provider and patients with realistic GAD-7 histories.

    Scores are dated relative to today. Running it again adds nothing; --reset
    starts over. It writes no audit rows: seeding is not anyone's action.
    """
    if reset and if_empty:
        raise click.UsageError("--reset and --if-empty do not go together.")
    if if_empty and not service.database_is_empty():
        provider = service.find_provider()
        if provider is None:
            click.echo("The database already has accounts; no demo clinic seeded.")
        else:
            _show(service.clinic(provider, created=False))
        return

    now = utcnow()
    existing = service.find_provider()
    if existing is not None and not reset:
        _show(service.clinic(existing, created=False))
        return
    if days < histories.MIN_DAYS:
        click.echo(
            f"Note: the demo's histories need {histories.MIN_DAYS} days to tell their stories "
            f"(a baseline, a course, relief and its wearing off); seeding {histories.MIN_DAYS} days."
        )
        days = histories.MIN_DAYS
    with click.progressbar(length=count, label=f"Seeding {count} demo patients ({days} days)") as bar:
        result = service.seed(patients=count, days=days, seed=seed, reset=reset, now=now, progress=bar.update)
    db.session.commit()
    analyze()  # a bulk load: fresh statistics before the first worklist
    _show(result)
    if count >= len(histories.ARCHETYPES):
        click.echo("\nThe first patients, one of each kind:")
        for number, archetype in enumerate(histories.ARCHETYPES, start=1):
            click.echo(f"  {service.patient_email(number):34} {archetype.summary}")


def _show(clinic):
    if clinic.created:
        click.echo(f"Demo clinic ready: {clinic.patients} patients.")
    else:
        click.echo(
            f"The demo clinic is already there ({clinic.patients} patients); nothing added. "
            "Use --reset to start over."
        )
    click.echo(f"  Provider: {service.PROVIDER_EMAIL}  password: {service.PASSWORD}")
    if clinic.featured is not None:
        archetype = clinic.featured_archetype
        click.echo(
            f"  Patient:  {clinic.featured.email}  password: {service.PASSWORD}"
            f"  ({clinic.featured.name}: {archetype.summary if archetype else 'demo patient'})"
        )
    click.echo("  Every demo patient (demo.patient01@afterglow.test and on) has the same password.")
    if not clinic.created and clinic.password_changed:
        click.echo(
            "  The demo provider's password has been changed since; "
            f"`flask --app diary users reset-password --email {service.PROVIDER_EMAIL}` sets a new one."
        )
