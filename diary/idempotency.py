"""Create-once semantics for client-supplied ids (CONTRACT.md sections 4 and 5).

The same id with the same content answers the stored record; with other
content, 409. The primary key settles races: of two concurrent inserts one
wins, and the loser reads the winner's row.
"""
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
