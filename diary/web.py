"""Serves the PWA in frontend/: the shell, the manifest, the service worker and assets.

Files are read once and kept with a gzip copy, so the first load is small and
cheap. Every asset has a versioned URL, ``/v/<version>/js/app.js``, where the
version is the content hash of every served file (the one
frontend/tools/shell_check.py writes into sw.js as CACHE_VERSION); those are
cached for a year, ``immutable``. The shell links its assets by that URL, and
the modules' relative imports inherit it; the service worker gets the same
version, so it precaches by the same names. The shell, manifest and service
worker, and any asset asked for without the current version, are revalidated
on every load.
"""

import gzip
import hashlib
import mimetypes
import posixpath
import re
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

from . import database
from .extensions import db

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
ALWAYS_REVALIDATE = {"index.html", "sw.js", "manifest.webmanifest"}
# Only the app itself is served, not the tooling that lives beside it in frontend/.
PUBLIC_FILES = ALWAYS_REVALIDATE
PUBLIC_FOLDERS = ("css/", "js/", "vendor/", "icons/")
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
)
IMMUTABLE = "public, max-age=31536000, immutable"
# What the shell links by its versioned URL: src="js/app.js" -> src="v/<version>/js/app.js".
SHELL_ASSET = re.compile(r'(\s(?:href|src)=")((?:css|js|vendor|icons)/)')
SW_VERSION = re.compile(r"const CACHE_VERSION = '[^']*';")

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")

bp = Blueprint("web", __name__)
_cache: dict[str, tuple[bytes, bytes | None, str, str]] = {}
_version: list[str] = []


def served_files():
    """Every file the app serves, sw.js aside (the files frontend/tools/shell_check.py hashes)."""
    for name in sorted(PUBLIC_FILES - {"sw.js"}):
        yield FRONTEND / name
    for folder in PUBLIC_FOLDERS:
        yield from (
            path
            for path in (FRONTEND / folder).rglob("*")
            if path.is_file() and path.name not in ("LICENSE", "VERSION")
        )


def version() -> str:
    """The content hash of every served file: the version in asset URLs and the service worker's cache."""
    if _version and not current_app.debug:
        return _version[0]
    digest = hashlib.sha256()
    for path in sorted(served_files()):
        digest.update(str(path.relative_to(FRONTEND)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    _version[:] = [digest.hexdigest()[:12]]
    return _version[0]


def _versioned(relative, body):
    """The shell with its assets' versioned URLs; the service worker with the version."""
    if relative == "index.html":
        return SHELL_ASSET.sub(lambda m: f"{m.group(1)}v/{version()}/{m.group(2)}", body.decode()).encode()
    if relative == "sw.js":
        return SW_VERSION.sub(f"const CACHE_VERSION = '{version()}';", body.decode()).encode()
    return body


def _is_public(relative):
    """Whether ``relative`` names a file of the app itself, checked on the normalised path.

    Only canonical paths count: ``js/../tools/x.py`` (sent raw or percent-encoded)
    starts with an allowed folder but leaves it, and a browser never sends one.
    """
    if posixpath.normpath(relative) != relative or relative.startswith("/") or "\\" in relative:
        return False
    return relative in PUBLIC_FILES or relative.startswith(PUBLIC_FOLDERS)


def _load(relative):
    if not _is_public(relative):
        return None
    cached = _cache.get(relative) if not current_app.debug else None
    if cached:
        return cached
    path = safe_join(str(FRONTEND), relative)
    if path is None or not Path(path).is_file():
        return None
    body = _versioned(relative, Path(path).read_bytes())
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    compressed = gzip.compress(body, 9, mtime=0) if mimetype.startswith(COMPRESSIBLE) else None
    etag = hashlib.sha256(body).hexdigest()[:32]
    _cache[relative] = entry = (body, compressed, mimetype, etag)
    return entry


def _serve(relative, *, immutable=False):
    entry = _load(relative)
    if entry is None:
        abort(404)
    body, compressed, mimetype, etag = entry
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    elif compressed and "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(compressed, mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(body, mimetype=mimetype)
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(etag)
    response.headers["Cache-Control"] = (
        IMMUTABLE if immutable and relative not in ALWAYS_REVALIDATE else "no-cache"
    )
    if relative == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/")
def shell():
    return _serve("index.html")


class AssetPath(PathConverter):
    """Any path outside /api/, so API routes keep their own 404 and 405 answers."""

    regex = r"(?!api/)[^/].*?"


@bp.get("/<asset:relative>")
def asset(relative):
    return _serve(relative)


@bp.get("/v/<asset_version>/<asset:relative>")
def versioned_asset(asset_version, relative):
    """An asset by its versioned URL: immutable for a year when the version is current
    (an old page's request for an old version gets today's file, revalidated)."""
    return _serve(relative, immutable=asset_version == version())


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(db.text("SELECT 1"))
    except Exception as exc:  # any database failure means "not healthy"
        db.session.rollback()
        retry_after = database.unavailable(exc) or database.OUTAGE_RETRY_AFTER
        return {"status": "unavailable"}, 503, {"Retry-After": str(retry_after)}
    return {"status": "ok"}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's, except that the PWA's files never vary by cookie: they are the same for
    everyone. Flask-Login looks into the session after every request, and Flask then adds
    ``Vary: Cookie``; on a phone's first visit the page loads its modules before it has a
    session cookie and the service worker precaches them after, so every module was asked
    for again (31 revalidations, about 30 KB of headers, on the first load)."""

    def save_session(self, app, session, response):
        if request.blueprint == bp.name and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app):
    app.url_map.converters["asset"] = AssetPath
    app.session_interface = SessionInterface()
    app.register_blueprint(bp)
