"""Column types shared by every feature's models."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator, Uuid

from .extensions import db


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on both databases.

    SQLite has no time zone type and hands back naive values; this type refuses
    naive input and returns every value as aware UTC, so the rest of the code
    never meets a naive datetime.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def uuid_pk():
    """A UUID primary key column, generated in Python so it is known before flush."""
    return db.Column(Uuid, primary_key=True, default=uuid.uuid4)


class Timestamps:
    """``created_at`` / ``updated_at`` in UTC."""

    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
