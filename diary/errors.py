"""One error envelope for every failure (docs/api.md, "Errors").

``{"error": {"code", "message", "fields"?}}`` for HTTP errors raised anywhere:
our own :class:`ApiError`, werkzeug's exceptions, webargs' validation errors
and anything unexpected (a 500 that never shows a traceback).
"""

import contextlib
import logging

from flask import current_app, g, jsonify
from flask_babel import gettext
from limits.errors import StorageError
from marshmallow import Schema, fields
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from . import database
from .extensions import db
from .i18n import N_
from .validation_texts import translate

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}

MESSAGES = {
    400: N_("The request could not be read."),
    401: N_("Please log in."),
    403: N_("You are not allowed to do this."),
    404: N_("Not found."),
    405: N_("This method is not allowed here."),
    409: N_("This conflicts with what is already stored."),
    413: N_("The request body is too large."),
    415: N_("Send the body as application/json."),
    422: N_("Some fields are not valid."),
    429: N_("Too many attempts. Please wait and try again."),
    500: N_("Something went wrong on our side."),
    503: N_("The service is unavailable."),
}


class ApiError(Exception):
    """An error the API answers on purpose, with its status and code."""

    def __init__(self, status, code=None, message=None, fields=None, headers=None):
        super().__init__(message or MESSAGES.get(status, ""))
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message or MESSAGES.get(status, "Error.")
        self.fields = fields
        self.headers = headers or {}


def not_found():
    return ApiError(404)


def validation_error(fields, message=None):
    return ApiError(422, fields=fields, message=message)


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorSchema(Schema):
    """The envelope, as documented in OpenAPI."""

    error = fields.Nested(ErrorBodySchema, required=True)


def envelope(status, code, message, fields=None, headers=None):
    """The error body; its texts in the reader's language (diary/i18n.py), its code never. A text
    marked at its raise site (``N_``), or one of marshmallow's, is translated here; a text with
    values was translated where it was made, and passes unchanged."""
    body = {"code": code, "message": translate(message)}
    if fields:
        body["fields"] = {name: [translate(text) for text in texts] for name, texts in fields.items()}
    response = jsonify(error=body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _messages(value, path=""):
    """Every message under ``value``, in the reader's language, prefixed with where it was for
    nested lists and objects (translated before the prefix hides it from its msgid)."""
    if isinstance(value, str):
        return [f"{path}: {translate(value)}" if path else translate(value)]
    if isinstance(value, list):
        return [message for item in value for message in _messages(item, path)]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found.extend(_messages(item, _where(path, key)))
        return found
    return [str(value)]


def _where(path, key):
    """Where a nested message was: ``side_effect_severity.nausea``, ``item 2`` of a list."""
    if key == "_schema":
        return path
    if path:
        return f"{path}.{key}"
    if str(key).isdigit():
        # TRANSLATORS: where in a list an error is, before the error: "item 2: Not a valid integer."
        return gettext("item %(number)s", number=int(key) + 1)
    return str(key)


def webargs_fields(data):
    """The field messages of a webargs 422, without the location level."""
    messages = (data or {}).get("messages") or {}
    flat = {}
    for location_messages in messages.values():
        if not isinstance(location_messages, dict):
            location_messages = {"_body": location_messages}
        for name, value in location_messages.items():
            flat.setdefault("_body" if name == "_schema" else str(name), []).extend(_messages(value))
    return flat


def handle_api_error(error: ApiError):
    return envelope(error.status, error.code, error.message, error.fields, error.headers)


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if status == 422 and getattr(error, "data", None):
        return envelope(422, "validation_error", MESSAGES[422], webargs_fields(error.data))
    headers = {}
    if status == 429:
        # Flask-Limiter puts Retry-After on its own response; keep it.
        original = error.get_response()
        headers["Retry-After"] = original.headers.get("Retry-After", "900")
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return envelope(
        status, CODES.get(status, "error"), MESSAGES.get(status, error.description or ""), headers=headers
    )


def handle_unexpected(error: Exception):
    # The traceback goes to the log only; it never reaches the client.
    log.exception("unhandled error: %s", type(error).__name__)
    return envelope(500, "internal_error", MESSAGES[500])


def handle_database_error(error: Exception):
    """The database cannot serve now (unreachable, restarted, locked): 503, the client retries."""
    retry_after = database.unavailable(error)
    if retry_after is None:
        return handle_unexpected(error)
    with contextlib.suppress(Exception):  # the connection is gone; the pool drops it
        db.session.rollback()
    database.outage(current_app).failed(error)
    g.database_unavailable = True
    message = (
        N_("The diary is busy. Please try again in a moment.")
        if retry_after == database.LOCKED_RETRY_AFTER
        else MESSAGES[503]
    )
    return envelope(503, "service_unavailable", message, headers={"Retry-After": str(retry_after)})


LIMITER_RETRY_AFTER = 5  # seconds: the rate limiter's storage (Redis) cannot be reached


def limiter_outage(app) -> database.Outage:
    """The app's tracker of rate limiter storage outages, logged on ``diary.limits``."""
    return app.extensions.setdefault(
        "diary_limiter_outage", database.Outage(logging.getLogger("diary.limits"), "rate limiter storage")
    )


def handle_limiter_storage_error(error: StorageError):
    """The limiter's storage is away: what it guards (a password guess, an email) is refused
    uncounted with a 503, never a 500 and never let through unlimited."""
    limiter_outage(current_app).failed(error.storage_error)
    return envelope(
        503, "service_unavailable", MESSAGES[503], headers={"Retry-After": str(LIMITER_RETRY_AFTER)}
    )


def _database_recovered(response):
    """A request that used the database and did not fail on it ends an outage."""
    if (
        database.outage(current_app).is_on()
        and not g.get("database_unavailable")
        and response.status_code < 500
        and db.session.registry.has()
    ):
        database.outage(current_app).succeeded()
    return response


def init_app(app):
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(PoolTimeout, handle_database_error)
    app.register_error_handler(StorageError, handle_limiter_storage_error)
    app.after_request(_database_recovered)
    app.register_error_handler(Exception, handle_unexpected)
