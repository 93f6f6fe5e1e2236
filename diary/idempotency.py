"""Idempotent inserts: create-once for client-supplied ids (CONTRACT.md sections 4
and 5), and bulk inserts that skip rows already there.

The same id with the same content answers the stored record; with other
content, 409. The primary key settles races: of two concurrent inserts one
wins, and the loser reads the winner's row.
"""
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from .errors import ApiError
from .extensions import db


def create_once(model, record, same_content):
    """Adds ``record`` unless a row with its id exists; returns ``(row, created)``.

    ``same_content(existing)`` tells whether a replay matches what is stored.
    """
    if record.id is not None:
        existing = db.session.get(model, record.id)
        if existing is not None:
            return _replayed(existing, same_content)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        existing = db.session.get(model, record.id)
        if existing is None:
            raise
        return _replayed(existing, same_content)
    return record, True


def _replayed(existing, same_content):
    if not same_content(existing):
        raise ApiError(409, message="A record with this id exists with other content.")
    return existing, False


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_ignoring_duplicates(model, rows: list[dict]) -> None:
    """INSERT … ON CONFLICT DO NOTHING (both databases spell it the same way)."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect not in _INSERTS:  # pragma: no cover - the project supports these two
        raise RuntimeError(f"unsupported database: {dialect}")
    # On the table, not the entity: one executemany, where the ORM would run a statement per row.
    db.session.execute(_INSERTS[dialect](model.__table__).on_conflict_do_nothing(), rows)
