"""Request-body rules of CONTRACT.md section 1: JSON only (415) and at most 64 KiB (413)."""
from flask import current_app, request

from .errors import ApiError, validation_error

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def check_body():
    if request.method not in BODY_METHODS or not request.path.startswith("/api/"):
        return
    length = request.content_length
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not length and not chunked:
        return
    if length and length > current_app.config["MAX_CONTENT_LENGTH"]:
        raise ApiError(413)
    if request.mimetype != "application/json":
        raise ApiError(415)


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False


def check_no_nul():
    """Refuses NUL characters in the query and the JSON body with a 422.

    PostgreSQL text cannot hold them (a 500 from deep inside a query, found by
    fuzzing); refusing them here keeps both databases alike.
    """
    if not request.path.startswith("/api/"):
        return
    bad = {name for name, value in request.args.items(multi=True) if _has_nul(name) or _has_nul(value)}
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        bad |= {name if not _has_nul(name) else "_body" for name, value in body.items() if _has_nul(name) or _has_nul(value)}
    elif _has_nul(body):
        bad.add("_body")
    if bad:
        raise validation_error({name: ["Text cannot contain NUL characters."] for name in sorted(bad)})


def init_app(app):
    app.before_request(check_body)
    app.before_request(check_no_nul)
