"""`flask --app diary ...` command groups (CONTRACT.md section 10).

Each feature keeps its own in its cli.py; this module only registers them.
"""
from .accounts.cli import users
from .audit.cli import audit
from .demo.cli import demo
from .monitoring.cli import monitoring
from .scheduler import cli as scheduler

COMMANDS = (users, audit, monitoring, scheduler, demo)


def init_app(app):
    for command in COMMANDS:
        app.cli.add_command(command)
