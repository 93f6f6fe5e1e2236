"""`flask db upgrade` builds, from nothing, exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from diary import create_app
from diary.extensions import db
from tests.conftest import PG_URL, config_for_tests, create_pg_schema


def _empty_database(tmp_path):
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", lambda: None
    return create_pg_schema("mig")


def test_upgrade_from_nothing_matches_the_models(tmp_path, monkeypatch):
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    url, drop = _empty_database(tmp_path)
    try:
        app = create_app(config_for_tests(None, tmp_path, SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            db.engine.dispose()
        assert differences == [], "models and migrations disagree; add a migration"
    finally:
        drop()
