"""Configuration, read from ``DIARY_*`` environment variables (docs/api.md, "Command line and configuration").

``create_app`` loads :class:`Config` and then applies any mapping passed to it,
so tests override single keys without touching the environment.
"""

import os


def _env(name, default=None):
    return os.environ.get(f"DIARY_{name}", default)


def _env_bool(name, default):
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name, default):
    """A comma- or space-separated list, as a tuple."""
    value = _env(name)
    return tuple(default if value is None else (part for part in value.replace(",", " ").split() if part))


# The push services of the major browsers: Chrome and Android (FCM), Firefox
# (Mozilla autopush), Edge (Windows Push Notification Services), Safari (Apple).
DEFAULT_PUSH_ALLOWED_HOSTS = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.notify.windows.com",
    "web.push.apple.com",
    "*.push.apple.com",
)


def _env_int(name, default):
    value = _env(name)
    return default if value in (None, "") else int(value)


DEFAULT_BASE_URL = "http://127.0.0.1:5000"


class Config:
    """Defaults for every setting. Values are read when the object is built."""

    def __init__(self):
        # None means "SQLite in the instance folder", resolved by create_app.
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
        self.SECRET_KEY = _env("SECRET_KEY")  # None: generated into the instance folder
        self.BASE_URL = _env("BASE_URL", DEFAULT_BASE_URL).rstrip("/")
        self.SMTP_URL = _env("SMTP_URL")  # None: emails go to the log
        self.MAIL_FROM = _env("MAIL_FROM", "Afterglow <no-reply@afterglow.invalid>")
        self.VAPID_SUBJECT = _env("VAPID_SUBJECT", "mailto:admin@afterglow.invalid")
        self.VAPID_PRIVATE_KEY = _env("VAPID_PRIVATE_KEY")  # None: generated into the instance folder
        # Push endpoints must be https; plain http only for a test push service on loopback.
        self.PUSH_ALLOW_INSECURE_ENDPOINTS = _env_bool("PUSH_ALLOW_INSECURE_ENDPOINTS", False)
        # The only hosts the server sends push messages to, at subscribe time and again at send time.
        self.PUSH_ALLOWED_HOSTS = _env_list("PUSH_ALLOWED_HOSTS", DEFAULT_PUSH_ALLOWED_HOSTS)
        self.BACKFILL_DAYS = _env_int("BACKFILL_DAYS", 7)
        # Shown after a check-in, under "If you feel worse": how to reach the clinic, and a crisis line.
        self.CLINIC_CONTACT = _env(
            "CLINIC_CONTACT"
        )  # e.g. "+1 555 0100 (weekdays 8-18)"; None: "your clinic"
        self.CRISIS_LINE = _env(
            "CRISIS_LINE"
        )  # None: "your local emergency number", in the reader's language
        # The same for patients who read Spanish; unset: the settings above.
        self.CLINIC_CONTACT_ES = _env("CLINIC_CONTACT_ES")
        self.CRISIS_LINE_ES = _env("CRISIS_LINE_ES")
        # The PHQ-9's item 9 with the standard GAD-7 (docs/instruments.md); "off" leaves it out.
        self.SAFETY_QUESTION = _env_bool("SAFETY_QUESTION", True)
        self.INVITE_DAYS = _env_int("INVITE_DAYS", 14)  # how long an invite stays valid
        self.EMBEDDED_SCHEDULER = _env_bool("EMBEDDED_SCHEDULER", False)
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URL", "memory://")
        # How many reverse proxies stand in front of the app and set X-Forwarded-For/-Proto.
        # 0: the headers are ignored (anyone could forge them); see docs/operations.md, "Configuration".
        self.TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
        # argon2id, RFC 9106's second recommended option (64 MiB, t=3, p=4).
        self.PASSWORD_HASH_MEMORY_KIB = _env_int("PASSWORD_HASH_MEMORY_KIB", 65536)
        self.PASSWORD_HASH_TIME_COST = _env_int("PASSWORD_HASH_TIME_COST", 3)
        self.PASSWORD_HASH_PARALLELISM = _env_int("PASSWORD_HASH_PARALLELISM", 4)
        # Hashes at once per worker process, and how long a login waits for one before 503.
        self.PASSWORD_HASH_CONCURRENCY = _env_int("PASSWORD_HASH_CONCURRENCY", 1)
        self.PASSWORD_HASH_WAIT_SECONDS = float(_env("PASSWORD_HASH_WAIT_SECONDS", "0.5"))
        # Relief engine overrides, e.g. DIARY_RELIEF_PARAMS="mcid=5,course_gap_days=6".
        self.RELIEF_PARAMS = _env("RELIEF_PARAMS", "")
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO")

        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # PostgreSQL: the longest a statement may run in a web request, and in a scheduler job or a
        # command (seconds). The connect, pool and TCP timeouts are in diary/database.py.
        self.DATABASE_STATEMENT_TIMEOUT = float(_env("DATABASE_STATEMENT_TIMEOUT", "5"))
        self.DATABASE_JOB_STATEMENT_TIMEOUT = float(_env("DATABASE_JOB_STATEMENT_TIMEOUT", "300"))
        self.MAX_CONTENT_LENGTH = 64 * 1024
        self.JSON_SORT_KEYS = False

        https = self.BASE_URL.startswith("https://")
        self.SESSION_COOKIE_NAME = "__Host-diary_session" if https else "diary_session"
        self.SESSION_COOKIE_SECURE = https
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_NAME = "diary_remember"  # unused: sessions are server-side rows

        # Flask-Limiter
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_ENABLED = True

        # flask-smorest / OpenAPI
        self.API_TITLE = "Afterglow diary API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api"
        self.OPENAPI_JSON_PATH = "openapi.json"
