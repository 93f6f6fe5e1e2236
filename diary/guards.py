"""Request-body rules of CONTRACT.md section 1: JSON only (415) and at most 64 KiB (413)."""
from flask import current_app, request

from .errors import ApiError

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


def init_app(app):
    app.before_request(check_body)
