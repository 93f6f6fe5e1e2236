"""Structured logs: one JSON line per request, and security events (ASVS 16.2, 16.3).

Request lines carry the route template (``/api/v1/patients/<pid>/entries``),
never the raw path, query string, body, email or token: the logs must hold
no health data and nothing that would let a reader act as a user.
"""

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request
from flask.logging import default_handler as flask_default_handler

from .localtime import utc_text

request_log = logging.getLogger("diary.request")
security_log = logging.getLogger("diary.security")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's request id is kept only when it cannot smuggle anything into a log line.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Keys of ``extra={...}`` worth writing; anything else (a stray email, a body) is dropped.
EXTRA_FIELDS = ("method", "route", "status", "duration_ms", "actor", "role", "reason", "code")
# Statuses that are security events on their own, when no specific event was logged.
SECURITY_STATUSES = {401: "authentication_failed", 403: "authorisation_failed", 429: "rate_limited"}


def _current_user_id():
    # Only a user Flask-Login already loaded: logging must not cost a query.
    user = g.get("_login_user")
    return str(user.id) if user is not None and getattr(user, "is_authenticated", False) else None


def _route():
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "at": utc_text(datetime.fromtimestamp(record.created, UTC)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if has_request_context():
            line.setdefault("method", request.method)
            line.setdefault("route", _route())
            line["request_id"] = g.get("request_id")
            line["user_id"] = _current_user_id()
            if record.name == security_log.name:
                line["ip"] = request.remote_addr
        if record.exc_info:
            line["exception"] = record.exc_info[0].__name__  # the type only: tracebacks may quote data
        return json.dumps(line, default=str)


class _NoteSecurityEvents(logging.Filter):
    """Marks the request as having logged a security event, so it is not logged twice."""

    def filter(self, record):
        if has_request_context():
            g.security_event_logged = True
        return True


def _start():
    g.request_started = time.perf_counter()
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex


def _finish(response):
    duration_ms = round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1)
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    if (
        request.path.startswith("/api/")
        and response.status_code in SECURITY_STATUSES
        and not g.get("security_event_logged")
    ):
        body = response.get_json(silent=True) if response.is_json else None
        code = (body or {}).get("error", {}).get("code") if isinstance(body, dict) else None
        security_log.warning(SECURITY_STATUSES[response.status_code], extra={"code": code})
    request_log.info("request", extra={"status": response.status_code, "duration_ms": duration_ms})
    return response


class _NoAccessLog(logging.Filter):
    """Drops werkzeug's access lines: they print the raw path (a feed token, a query string).

    Our own request line (above) says the same with the route template.
    """

    def filter(self, record):
        return not WERKZEUG_ACCESS_LINE.match(str(record.msg))


# werkzeug.serving.WSGIRequestHandler's lines: 127.0.0.1 - - [30/Nov/2026 20:23:14] "GET /path HTTP/1.1" 200 -
WERKZEUG_ACCESS_LINE = re.compile(r"^\S+ - - \[[^\]]*\] ")


def _configure(app):
    # "diary" is the package's logger and the app's own (Flask names it after the app): every
    # line under it, an unhandled exception included, is one JSON object with the type only.
    package_log = logging.getLogger("diary")
    if not any(getattr(existing, "_diary_json", False) for existing in package_log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        handler._diary_json = True
        package_log.addHandler(handler)
    package_log.removeHandler(flask_default_handler)  # plain text with the traceback
    package_log.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Tests read these records through pytest's root handler; a server writes them once, as JSON.
    package_log.propagate = bool(app.testing)
    for logger in (request_log, security_log):
        for stale in [existing for existing in logger.handlers if getattr(existing, "_diary_json", False)]:
            logger.removeHandler(stale)  # one handler, on "diary", or lines would repeat
        logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
        logger.propagate = True
    if not any(isinstance(existing, _NoteSecurityEvents) for existing in security_log.filters):
        security_log.addFilter(_NoteSecurityEvents())
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(existing, _NoAccessLog) for existing in werkzeug_log.filters):
        werkzeug_log.addFilter(_NoAccessLog())


def init_app(app):
    _configure(app)
    # First of all hooks, so a request refused by the rate limiter or CSRF check still has an id.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
