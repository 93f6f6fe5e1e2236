"""diary/extensions.py: the planner statistics refresh touches this application's tables only."""

import pytest
from sqlalchemy import create_engine, text

from diary.extensions import analyze, db
from tests.conftest import create_pg_schema


@pytest.mark.postgresql
def test_analyze_reads_only_this_applications_tables(app):
    """A bare ANALYZE in a transaction locks every table of the database until it commits:
    another application's (or another test worker's) tables too, where a TRUNCATE of theirs
    then deadlocked against it. With another schema's table locked, analyze() still finishes."""
    other_url, drop = create_pg_schema("other")
    other = create_engine(other_url)
    try:
        with other.begin() as connection:
            connection.execute(text("CREATE TABLE elsewhere (id integer)"))
        with other.connect() as holder:
            holder.execute(text("BEGIN"))
            holder.execute(text("LOCK TABLE elsewhere IN ACCESS EXCLUSIVE MODE"))
            with app.app_context():
                db.session.execute(text("SET lock_timeout = '2s'"))
                analyze()  # the old bare ANALYZE waited here for the lock, then failed
            holder.execute(text("ROLLBACK"))
    finally:
        other.dispose()
        drop()
