"""Languages: which one each person reads, and the message catalogues (docs/i18n.md).

Texts are written in English where they are used and marked for translation: ``_()``
(``flask_babel.gettext``, ``%(name)s`` placeholders) on the server, ``t()`` and ``tn()``
(frontend/js/i18n.js, ``{name}`` placeholders) in the PWA. ``make i18n`` extracts them into
``diary/translations/{messages,pwa}.pot`` and merges those into each language's ``.po`` file.
The ``.po`` files are the only copy of a translation: this module reads them at startup (no
compiled ``.mo`` to keep in step) and hands the PWA its part as JSON.

Who reads which language: a request's logged-in user's ``language``, else the browser's
``Accept-Language``, else English. Emails and pushes sent outside a request use the
recipient's language (``for_user``).

The GAD-7 and the safety question are not here: their wordings are validated texts with a
source, kept with the instrument in ``diary/gad7_texts.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
from contextlib import contextmanager
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, Response, abort, request
from flask_babel import Babel, Domain, force_locale, get_locale
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

#: The languages a person can choose (docs/api.md's ``"language"``), English first: the source.
LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
#: The pseudo-locale of the layout tests: every PWA text accented, bracketed and 30 % longer.
#: Served to the PWA only; nobody can choose it (docs/i18n.md, "Checks").
PSEUDO = "qps"

TRANSLATIONS = Path(__file__).with_name("translations")
#: The server's texts (errors, emails, pushes) and the PWA's, kept apart so a phone loads only its own.
SERVER_DOMAIN, PWA_DOMAIN = "messages", "pwa"


def N_(text: str) -> str:
    """Marks a text for extraction where it is defined (a constant); it is translated where it
    is shown, by ``_(text)`` or, for an error's message, by the error envelope."""
    return text


def negotiate(accept_language: str | None) -> str:
    """The best of LANGUAGES for an Accept-Language header, else English."""
    accepted = parse_accept_header(accept_language or "", LanguageAccept)
    return accepted.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def request_language() -> str:
    """The language of the current request: its user's, else the browser's, else English."""
    try:
        header = request.headers.get("Accept-Language")
    except RuntimeError:  # no request: a job outside for_user()
        return DEFAULT_LANGUAGE
    try:
        user_language = getattr(current_user, "language", None)
    except Exception:  # noqa: BLE001 - the user cannot be loaded (the database is away): the browser's
        user_language = None
    return user_language if user_language in LANGUAGES else negotiate(header)


@contextmanager
def for_user(user):
    """Texts made inside this block (emails, pushes) are in the user's language."""
    with for_language(language_of(user)):
        yield


@contextmanager
def for_language(code: str | None):
    """Texts made inside this block are in ``code``'s language (English for None or an unknown
    code): for a reader who has no account yet, such as an invite's."""
    with force_locale(code if code in LANGUAGES else DEFAULT_LANGUAGE):
        yield


def language_of(user) -> str:
    language = getattr(user, "language", None)
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalogue(language: str, domain: str) -> Catalog | None:
    """A language's catalogue as read from its .po file (None for English, the source)."""
    path = TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po"
    if language == DEFAULT_LANGUAGE or not path.exists():
        return None
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=domain)


@cache
def translations(language: str, domain: str = SERVER_DOMAIN) -> NullTranslations:
    cat = catalogue(language, domain)
    if cat is None:
        return NullTranslations()
    buf = BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    buf.seek(0)
    return Translations(fp=buf, domain=domain)


class CatalogueDomain(Domain):
    """Flask-Babel's domain, reading our .po files instead of compiled .mo files."""

    def get_translations(self):
        locale = get_locale()
        return translations(locale.language if locale else DEFAULT_LANGUAGE, SERVER_DOMAIN)


def pwa_messages(language: str) -> dict:
    """The PWA's catalogue for a language: ``{msgid: text}``, or ``{msgid: [forms]}`` for
    plurals keyed by the singular; only translated, non-fuzzy entries (the PWA falls back to
    the English source for the rest)."""
    if language == PSEUDO:
        return _pseudo_messages()
    cat = catalogue(language, PWA_DOMAIN)
    out: dict = {}
    for message in cat or ():
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            forms = list(message.string)
            if all(forms):
                out[message.id[0]] = forms
        elif message.string:
            out[message.id] = message.string
    return out


@cache
def _pseudo_messages() -> dict:
    template = TRANSLATIONS / f"{PWA_DOMAIN}.pot"
    with template.open("rb") as f:
        cat = read_po(f)
    out: dict = {}
    for message in cat:
        if not message.id:
            continue
        if message.pluralizable:
            out[message.id[0]] = [pseudo(message.id[0]), pseudo(message.id[1])]
        else:
            out[message.id] = pseudo(message.id)
    return out


_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_PLACEHOLDER = re.compile(r"(\{\w+\}|%\(\w+\)[sd])")


def pseudo(text: str) -> str:
    """``"Save {n}"`` -> ``"⟦Šàṽé {n}·······⟧"``: accented letters (placeholders kept), padded
    to about 130 % of the length, in brackets that show where a text was cut or left out."""
    parts = _PLACEHOLDER.split(text)
    body = "".join(part if _PLACEHOLDER.fullmatch(part) else part.translate(_ACCENTS) for part in parts)
    padding = "·" * max(1, round(len(text) * 0.3))
    return f"⟦{body}{padding}⟧"


# The PWA's catalogues --------------------------------------------------------------------------

blp = Blueprint("i18n", __name__, url_prefix="/api/v1", description="The PWA's message catalogues")


class PwaCatalogueSchema(Schema):
    language = fields.String(required=True, metadata={"example": "es"})
    version = fields.String(
        required=True, metadata={"description": "Changes with the catalogue: a PWA keeps its copy until then"}
    )
    messages = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={
            "description": "English source text -> translation; a plural is keyed by its English "
            "singular and gives the language's forms in gettext order"
        },
    )


@blp.get("/i18n/<language>")
@blp.response(200, PwaCatalogueSchema)
@blp.alt_response(304, description="The copy the PWA has (If-None-Match: its version) is current")
def pwa_catalogue(language):
    """The PWA's texts in a language (public: no health data); English is the source and has none"""
    if language not in LANGUAGES and language != PSEUDO:
        abort(404)
    body = _pwa_body(language)
    etag = {"ETag": f'"{body["version"]}"'}
    if request.if_none_match.contains(body["version"]):
        return Response(status=304, headers=etag)  # a phone's every start: no need to send 25 KB again
    return body, 200, etag


@cache
def _pwa_body(language: str) -> dict:
    messages = pwa_messages(language)
    version = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()[:16]
    return {"language": language, "version": version, "messages": messages}


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=request_language, default_locale=DEFAULT_LANGUAGE)
    app.extensions["babel"].instance.domain_instance = CatalogueDomain(domain=SERVER_DOMAIN)
