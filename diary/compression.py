"""Compressed API JSON (Flask-Compress), never for a response that carries a secret.

BREACH: a compressed body that holds a secret (the CSRF token) beside text an
attacker can influence leaks the secret, a byte at a time, through its length.
Any code that puts such a secret in a body calls :func:`never_compress` (the
CSRF token's one home, ``accounts.security.csrf_token``, does), and that
response goes out as it is. Static files are compressed once, ahead of time,
by ``web.py``; streamed exports are left alone.
"""

from flask import g
from flask_compress import Compress

compress = Compress()

SETTINGS = {
    "COMPRESS_REGISTER": False,  # our own hook below decides, response by response
    "COMPRESS_MIMETYPES": ["application/json"],
    "COMPRESS_ALGORITHM": ["zstd", "br", "gzip"],
    "COMPRESS_LEVEL": 6,
    "COMPRESS_BR_LEVEL": 4,
    "COMPRESS_ZSTD_LEVEL": 3,
    "COMPRESS_MIN_SIZE": 1024,  # below a packet's worth, compressing costs more than it saves
    "COMPRESS_STREAMS": False,
}


def never_compress():
    """This request's response carries a secret: send it uncompressed (BREACH)."""
    g.diary_never_compress = True


def _compress(response):
    if g.get("diary_never_compress"):
        return response
    return compress.after_request(response)


def init_app(app):
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    compress.init_app(app)
    app.after_request(_compress)
