"""`flask --app diary ...` command groups (docs/api.md, "Command line and configuration").

Each feature keeps its own in its cli.py; this module only registers them.
"""

from . import backup, roles
from .accounts.cli import users
from .audit.cli import audit
from .demo.cli import demo
from .monitoring.cli import monitoring
from .scheduler.cli import scheduler

COMMANDS = (users, audit, monitoring, scheduler, demo, backup.backup_command, backup.restore_command)


def init_app(app):
    for command in COMMANDS:
        app.cli.add_command(command)
    backup.guard_downgrade(app)  # Flask-Migrate's `db downgrade` asks before dropping every table
    app.cli.commands["db"].add_command(roles.grant_command)  # `db grant ROLE`: the app's role on PostgreSQL
