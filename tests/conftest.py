"""Fixtures after flaskr: ``app`` (a clean database per test), ``client``, ``runner``,
and helpers that create and log in patients and providers.

SQLite by default; PostgreSQL when DIARY_TEST_DATABASE_URL is set. On PostgreSQL
the run (each pytest-xdist worker of it) gets a schema of its own, emptied after each
test and dropped at the end, so nothing is left in the shared database.

Under pytest-xdist (`make test` runs two workers with ``--dist loadgroup``) the tests
marked e2e, process or serial share one xdist group: they run one after another on one
worker, never beside each other.
"""

import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, make_url, text

from diary import create_app
from diary.extensions import db
from tests.support.api_client import ApiClient

PG_URL = os.environ.get("DIARY_TEST_DATABASE_URL")
pytest_plugins = ["tests.support.shifted_clock", "tests.support.fixtures", "tests.support.process_guard"]
PASSWORD = "correct horse battery"
# "gw0", "gw1", ... under pytest-xdist; "main" without it.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
#: Tests with these markers run in one xdist group (Chromium, gunicorn and schedulers, and the
#: timing-sensitive ones that race threads against short waits).
SERIAL_MARKERS = ("e2e", "process", "serial")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups into the node ids
def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` are about what SQLite has no counterpart of (roles and grants,
    a server-side statement timeout): they belong to the PostgreSQL run (CI runs the suite on
    both) and are deselected, not skipped, from the SQLite one.

    Tests marked e2e, process or serial go in one xdist group (``--dist loadgroup``)."""
    if not PG_URL:
        elsewhere = [item for item in items if item.get_closest_marker("postgresql")]
        if elsewhere:
            config.hook.pytest_deselected(items=elsewhere)
            items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
    for item in items:
        if any(item.get_closest_marker(name) for name in SERIAL_MARKERS):
            item.add_marker(pytest.mark.xdist_group("serial"))


# Hypothesis: "ci" (the default, what `make test` and CI run) keeps Hypothesis' own 100 examples
# a test; "fast" (`make test-fast` sets HYPOTHESIS_PROFILE=fast) draws a fifth of them.
settings.register_profile("ci", max_examples=100)
settings.register_profile("fast", max_examples=20)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def examples(count):
    """``max_examples`` for a test that asks for ``count`` in the "ci" profile, scaled like the
    profile's default in the others (a fifth in "fast", at least 10)."""
    return max(10, count * settings.default.max_examples // 100)


def _pg_schema_url(base_url, schema):
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}"


def create_pg_schema(prefix="test"):
    """A new schema in the PostgreSQL test database; returns (url using it, drop function)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return _pg_schema_url(PG_URL, schema), drop


@pytest.fixture(scope="session")
def database_url():
    """A database for this test run (this xdist worker): a PostgreSQL schema of its own, or None
    for SQLite files."""
    if not PG_URL:
        yield None  # each test gets its own SQLite file
        return
    url, drop = create_pg_schema(f"test_{WORKER}")
    try:
        yield url
    finally:
        drop()


def config_for_tests(database_url, tmp_path, **overrides):
    url = database_url or f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_MEMORY_KIB": 1024,
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_PARALLELISM": 1,
        "RATELIMIT_STORAGE_URI": "memory://",
        "BASE_URL": "http://127.0.0.1:5000",
        "EMBEDDED_SCHEDULER": False,
        **overrides,
    }


@pytest.fixture
def app_config(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    return config_for_tests(database_url, tmp_path)


@pytest.fixture(scope="session")
def sqlite_template(database_url, tmp_path_factory):
    """SQLite: a database file built by ``create_all`` once (per xdist worker), which ``app``
    copies for each test instead of creating the tables again; None on PostgreSQL, where the
    worker's schema is created once and emptied after each test. Like ``create_all`` (and unlike
    ``flask db upgrade``, see tests/test_migrations.py) it has no audit triggers."""
    if database_url:
        return None
    directory = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIARY_INSTANCE_PATH", str(directory / "instance"))
        app = create_app(config_for_tests(None, directory))
        with app.app_context():
            db.create_all()
            db.engine.dispose()
    path = directory / "diary.sqlite3"
    # Closed cleanly, the database is whole in its one file: no -wal left to copy with it.
    assert not Path(f"{path}-wal").exists()
    return path


def _copy_of(template, url):
    """Puts a copy of the template where ``url`` (a SQLite file that does not exist yet) points,
    created readable by its owner only, as the app would create it; False when it does not apply."""
    if template is None or not url.startswith("sqlite:///"):
        return False
    path = Path(make_url(url).database)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as target,
        open(template, "rb") as source,
    ):
        shutil.copyfileobj(source, target)
    return True


@pytest.fixture
def app(app_config, sqlite_template):
    copied = _copy_of(sqlite_template, app_config["SQLALCHEMY_DATABASE_URI"])
    app = create_app(app_config)
    if not copied:
        with app.app_context():
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {names} CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def api(app):
    """An anonymous API client that sends the CSRF header like the PWA does."""
    return ApiClient(app.test_client())


@pytest.fixture
def make_provider(app):
    from diary.accounts import service

    def make(email=None, name="Dr. Ada Hale", password=PASSWORD, team_name=None, admin=False):
        with app.app_context():
            user = service.create_provider(
                email or f"prov-{uuid.uuid4().hex[:8]}@clinic.test",
                name,
                password,
                team_name=team_name,
                admin=admin,
            )
            db.session.commit()
            return {"id": str(user.id), "email": user.email, "password": password, "name": name}

    return make


def now_utc():
    return datetime.now(UTC)


@pytest.fixture
def make_patient(app, make_provider):
    """Registers a patient through the API (via an invite of ``provider``); returns a logged-in client."""

    def make(provider=None, name="Pat Doe", timezone_name="Europe/Berlin", email=None, language=None):
        provider = provider or make_provider()
        provider_client = login(app, provider["email"], provider["password"])
        invite = provider_client.post(
            "/api/v1/invites", json={"language": language} if language else {}
        ).get_json()
        patient_client = ApiClient(app.test_client())
        response = patient_client.post(
            "/api/v1/auth/register",
            json={
                "invite_code": invite["code"],
                "email": email or f"pat-{uuid.uuid4().hex[:8]}@mail.test",
                "password": PASSWORD,
                "name": name,
                "timezone": timezone_name,
            },
        )
        assert response.status_code == 201, response.get_json()
        patient_client.user = response.get_json()["user"]
        patient_client.provider = provider
        patient_client.provider_client = provider_client
        return patient_client

    return make


def login(app, email, password=PASSWORD):
    client = ApiClient(app.test_client())
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    client.user = response.get_json()["user"]
    return client


@pytest.fixture
def provider(make_provider):
    return make_provider()


@pytest.fixture
def provider_client(app, provider):
    return login(app, provider["email"], provider["password"])


@pytest.fixture
def patient(make_patient, provider):
    """A logged-in patient client on ``provider``'s care team."""
    return make_patient(provider)
