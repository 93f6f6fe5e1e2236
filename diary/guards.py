"""Request-body rules of docs/api.md, "Conventions": JSON only (415) and at most 64 KiB (413).

And text every database can store: no NUL, no lone surrogate (422), JSON at most 32 levels deep (400).
"""

import re

from flask import current_app, request
from flask_babel import gettext as _

from .errors import ApiError, validation_error
from .i18n import N_

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


# Our bodies nest three levels at most; far deeper JSON is an attack on the parser or on us.
MAX_JSON_DEPTH = 32
NUL_MESSAGE = N_("Text cannot contain NUL characters.")
SURROGATE_MESSAGE = N_("Text must be valid Unicode: a lone surrogate such as \\ud800 cannot be stored.")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _too_deep():
    return ApiError(
        400, message=_("The JSON body is nested more than %(depth)s levels deep.", depth=MAX_JSON_DEPTH)
    )


def _text_problem(text):
    if "\x00" in text:
        return NUL_MESSAGE
    if _LONE_SURROGATE.search(text):
        return SURROGATE_MESSAGE
    return None


def _body_problems(body):
    """``{top-level field: [message]}`` for text no database can hold; 400 when nested too deep.

    Walked without recursion, so depth is checked before it could hurt.
    """
    problems = {}
    stack = [(body, 1, "_body")]
    while stack:
        value, depth, field = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                problems.setdefault(field, problem)
        elif isinstance(value, list):
            stack.extend((item, depth + 1, field) for item in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                item_field = field if depth > 1 else key
                if _text_problem(key):
                    problems.setdefault(field if depth > 1 else "_body", _text_problem(key))
                    item_field = field if depth > 1 else "_body"
                stack.append((item, depth + 1, item_field))
    return problems


def _json_body():
    """The parsed body, or a 400 for one that cannot be read (bad JSON, nested beyond the parser)."""
    if not request.is_json or not request.get_data(cache=True).strip():
        return None
    try:
        return (
            request.get_json()
        )  # a ValueError (bad JSON, an integer of more than 4300 digits) is a 400 here
    except RecursionError:
        raise _too_deep() from None


def check_text():
    """Refuses what no database stores, NUL characters and lone surrogates, with a 422.

    PostgreSQL text cannot hold NUL, and neither database can encode a lone
    surrogate to UTF-8: both were a 500 from deep inside a query, found by
    fuzzing; refusing them here keeps both databases alike. Unreadable or
    absurdly nested JSON is refused with a 400 before any view parses it.
    """
    if not request.path.startswith("/api/"):
        return
    problems = {}
    for name, value in request.args.items(multi=True):
        problem = _text_problem(name) or _text_problem(value)
        if problem:
            problems.setdefault(name if not _text_problem(name) else "_query", problem)
    problems.update(_body_problems(_json_body()))
    if problems:
        raise validation_error({name: [message] for name, message in sorted(problems.items())})


def init_app(app):
    app.before_request(check_body)
    app.before_request(check_text)
