"""gunicorn's settings for `make serve` (the production shape): `gunicorn -c gunicorn.conf.py`.

Every request is CPU-bound Python, so one worker process per core serves the
most: more processes only add memory (each holds its own app and pool). Each
has a few threads, so that a login waiting for the password hasher (argon2,
270 ms of CPU, bounded per process and run at a lower priority:
diary/accounts/passwords.py) never holds up the check-ins behind it.
Environment variables override each setting: DIARY_BIND, DIARY_WORKERS,
DIARY_THREADS, DIARY_TIMEOUT. More than one worker needs a rate limiter storage
they share (DIARY_RATELIMIT_STORAGE_URL=redis://...): with the default
memory:// gunicorn refuses to start (on_starting, below).
A reverse proxy in front keeps client connections alive, speaks HTTP/2 and
buffers slow clients, so the sync workers never wait on a slow network (docs/operations.md,
"Deployment").
"""

import multiprocessing
import os

wsgi_app = "diary:create_app()"
bind = os.environ.get("DIARY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DIARY_WORKERS") or multiprocessing.cpu_count())
worker_class = "gthread"
threads = int(os.environ.get("DIARY_THREADS", "4"))
timeout = int(os.environ.get("DIARY_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5  # behind a proxy that reuses its upstream connections
max_requests = 10000  # recycle workers now and then (guards against slow leaks)
max_requests_jitter = 1000
# The app is built in each worker, after the fork: no database connection or
# lock is shared between workers.
preload_app = False
accesslog = None  # the app logs each request as a JSON line (diary/observability.py)
errorlog = "-"


def on_starting(server):
    """Refuses several workers on the limiter's default memory:// storage: each worker would
    count password guesses on its own, letting 5 x workers through per email (docs/operations.md, Deployment)."""
    storage = os.environ.get("DIARY_RATELIMIT_STORAGE_URL") or "memory://"
    workers = server.cfg.workers
    if workers > 1 and storage.strip().lower().startswith("memory:"):
        # gunicorn prints a RuntimeError from a hook as "Error: ..." and exits with status 1.
        raise RuntimeError(
            f"DIARY_RATELIMIT_STORAGE_URL is memory:// and gunicorn would start {workers} workers: "
            f"each would count login failures on its own, letting {5 * workers} guesses per email "
            "through instead of 5. Set DIARY_RATELIMIT_STORAGE_URL=redis://host:6379 (a storage every "
            "worker shares; docs/operations.md, Deployment), or DIARY_WORKERS=1."
        )
