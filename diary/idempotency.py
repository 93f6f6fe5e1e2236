"""Idempotent inserts: create-once for client-supplied ids (docs/api.md, "Check-ins"
and "Treatment sessions"), and bulk inserts that skip rows already there.

The same id with the same content answers the stored record; with other
content, 409. The primary key settles races: of two concurrent inserts one
wins (ON CONFLICT DO NOTHING), and the loser reads the winner's row.
"""

import uuid

from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from .errors import ApiError
from .extensions import db
from .i18n import N_


def create_once(model, record, same_content):
    """Adds ``record`` unless a row with its id exists; returns ``(row, created)``.

    ``same_content(existing)`` tells whether a replay matches what is stored.
    A new id costs one INSERT … ON CONFLICT DO NOTHING RETURNING, no look-up
    first and no savepoint; an id already stored (a replay, or the loser of a
    race) returns no row, and the stored row is read and compared.
    """
    if record.id is None:
        record.id = uuid.uuid4()
    table = model.__table__
    given = vars(record)  # what the caller set, as the ORM would send it; the columns' defaults fill the rest
    values = {
        column.name: given[prop.key]
        for prop in inspect(model).column_attrs
        for column in prop.columns
        if column.table is table and prop.key in given
    }
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT here.
    inserted = db.session.execute(
        _insert(table).values(values).on_conflict_do_nothing().returning(table.c.id)
    ).first()
    if inserted is None:
        existing = db.session.get(model, record.id)
        # Only a conflict on another unique key, which these models do not have.
        if existing is None:
            raise ApiError(409)
        return _replayed(existing, same_content)
    # The row is there: the object becomes its persistent twin, with no second INSERT.
    make_transient_to_detached(record)
    db.session.add(record)
    return record, True


def _replayed(existing, same_content):
    if not same_content(existing):
        raise ApiError(409, message=N_("A record with this id exists with other content."))
    return existing, False


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_ignoring_duplicates(model, rows: list[dict]) -> None:
    """INSERT … ON CONFLICT DO NOTHING (both databases spell it the same way)."""
    if not rows:
        return
    # On the table, not the entity: one executemany, where the ORM would run a statement per row.
    db.session.execute(_insert(model.__table__).on_conflict_do_nothing(), rows)


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    if dialect not in _INSERTS:  # pragma: no cover - the project supports these two
        raise RuntimeError(f"unsupported database: {dialect}")
    return _INSERTS[dialect](table)
