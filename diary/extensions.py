"""Flask extensions, created once here and bound to the app in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, text

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Views commit and then serialise; expiring on commit would reload every row, one query each.
db = SQLAlchemy(
    metadata=MetaData(naming_convention=naming_convention), session_options={"expire_on_commit": False}
)
migrate = Migrate()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# A Redis that stops answering must not hold a request's thread: it is refused at once or within
# these seconds, and the request answers 503 (errors.py).
REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 2}


def init_limiter(app):
    """Binds the limiter with its storage (DIARY_RATELIMIT_STORAGE_URL). Whatever the storage's
    client raises comes as limits' ``StorageError``, which errors.py answers with a 503."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    options = dict(REDIS_TIMEOUTS) if uri.startswith("redis") else {}
    app.config["RATELIMIT_STORAGE_OPTIONS"] = {
        **options,
        **(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}),
        "wrap_exceptions": True,
    }
    limiter.init_app(app)


def analyze():
    """Refreshes the planner's statistics (both databases spell it ANALYZE): after a bulk load,
    so that the first queries over the new rows choose their indexes, and daily (the scheduler's
    ``statistics`` job); commits. SQLite samples, as PostgreSQL does: a bounded look at each index
    (1 ms at 100,000 patients) instead of reading all of it while holding the write lock.

    On PostgreSQL a bare ANALYZE would take every table of the database the role may read, each
    locked until the commit: another schema's too, where it waited on their locks and
    deadlocked against their TRUNCATE. It names this application's tables instead."""
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA analysis_limit=400"))
        db.session.execute(text("ANALYZE"))
    else:
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"ANALYZE {tables}"))
    db.session.commit()
