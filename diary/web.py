"""Serves the PWA in frontend/: the shell, the manifest, the service worker and assets.

Files are read once and kept with a gzip copy, so the first load is small and
cheap. Assets requested with a version (``?v=``) are cached for a year; the
shell, manifest and service worker are revalidated on every load.
"""
import gzip
import hashlib
import mimetypes
import posixpath
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

from .extensions import db

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
ALWAYS_REVALIDATE = {"index.html", "sw.js", "manifest.webmanifest"}
# Only the app itself is served, not the tooling that lives beside it in frontend/.
PUBLIC_FILES = ALWAYS_REVALIDATE
PUBLIC_FOLDERS = ("css/", "js/", "vendor/", "icons/")
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg+xml")

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")

bp = Blueprint("web", __name__)
_cache: dict[str, tuple[bytes, bytes | None, str, str]] = {}


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
    body = Path(path).read_bytes()
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    compressed = gzip.compress(body, 9, mtime=0) if mimetype.startswith(COMPRESSIBLE) else None
    etag = hashlib.sha256(body).hexdigest()[:32]
    _cache[relative] = entry = (body, compressed, mimetype, etag)
    return entry


def _serve(relative):
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
    if relative in ALWAYS_REVALIDATE or "v" not in request.args:
        response.headers["Cache-Control"] = "no-cache"
    else:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
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


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(db.text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}


def init_app(app):
    app.url_map.converters["asset"] = AssetPath
    app.register_blueprint(bp)
