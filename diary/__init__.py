"""Afterglow: a between-treatment GAD-7 diary for ketamine clinics."""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config

from . import (
    baseurl,
    cli,
    compression,
    database,
    errors,
    guards,
    headers,
    i18n,
    observability,
    scheduler,
    web,
)
from .accounts import models as _accounts_models  # noqa: F401 (every model module, so the metadata and Alembic see every table)
from .accounts import security
from .accounts.api import blp as accounts_api
from .admin.api import blp as admin_api
from .audit import models as _audit_models  # noqa: F401
from .audit.api import blp as audit_api
from .checkins import models as _checkins_models  # noqa: F401
from .checkins.api import blp as checkins_api
from .exports.api import blp as exports_api
from .extensions import db, init_limiter, migrate
from .monitoring import listeners as monitoring_listeners
from .monitoring import models as _monitoring_models  # noqa: F401
from .monitoring.api import blp as monitoring_api
from .notifications import listeners as notifications_listeners
from .notifications import models as _notifications_models  # noqa: F401
from .notifications.api import blp as push_api
from .treatments import models as _treatments_models  # noqa: F401
from .treatments.api import blp as treatments_api

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class DiaryApi(Api):
    """flask-smorest, answering errors in our envelope and documenting it."""

    ERROR_SCHEMA = errors.ErrorSchema

    def handle_http_exception(self, error):
        return errors.handle_http_exception(error)


def create_app(config=None):
    instance_path = os.environ.get("DIARY_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path and os.path.abspath(instance_path), static_folder=None)
    app.config.from_object(Config())
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _instance_defaults(app)
    _trust_proxies(app)

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"],
        {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "statement_timeout_s": app.config["DATABASE_STATEMENT_TIMEOUT"],
        },
    )
    db.init_app(app)
    with app.app_context():
        database.tune_sqlite(db.engine)
        database.tune_postgresql(db.engine, app.config["DATABASE_JOB_STATEMENT_TIMEOUT"])
    # SQLite's DDL is transactional too now (diary.database): a failed migration leaves nothing half done.
    migrate.init_app(
        app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True, transactional_ddl=True
    )
    init_limiter(app)
    observability.init_app(app)
    baseurl.init_app(app)
    headers.init_app(app)
    compression.init_app(app)
    security.init_app(app)  # login, then CSRF, before the body checks
    guards.init_app(app)
    i18n.init_app(app)

    api = DiaryApi(
        app, spec_kwargs={"info": {"description": "The Afterglow diary's HTTP API (docs/api.md)."}}
    )
    security.document(api)
    _register_blueprints(app, api)
    errors.init_app(app)
    cli.init_app(app)
    scheduler.init_app(app)  # the dev server's embedded scheduler, when asked for
    _connect_signals()
    return app


def _connect_signals():
    """The features that listen to lower ones (diary/signals.py) connect their handlers."""
    monitoring_listeners.connect()
    notifications_listeners.connect()


def _register_blueprints(app, api):
    for blueprint in (
        accounts_api,
        admin_api,
        checkins_api,
        treatments_api,
        monitoring_api,
        push_api,
        exports_api,
        audit_api,
        i18n.blp,
    ):
        api.register_blueprint(blueprint)
    web.init_app(app)


def _instance_defaults(app):
    """Fills in what lives in the instance folder: the SQLite database and the secret key."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "diary.sqlite3")
    if not app.config.get("SECRET_KEY"):
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            _create_key_file(key_file)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def _create_key_file(key_file: Path) -> None:
    """Writes a new key whole, then links it into place: gunicorn workers starting at once on a
    new instance folder all end up reading the one key that won, never a half-written one."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=key_file.parent, prefix=".secret_key-")
    try:
        with os.fdopen(fd, "w") as out:  # mkstemp makes it 0600
            out.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):  # another process got there first: keep its key
            os.link(temporary, key_file)
    finally:
        os.unlink(temporary)


def _trust_proxies(app):
    """Behind N proxies, the client's address and scheme come from their X-Forwarded-* headers.

    Only the last N hops are believed, so a client cannot forge its address.
    X-Forwarded-Host is not used: links are built from BASE_URL, never from the Host.
    """
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)
