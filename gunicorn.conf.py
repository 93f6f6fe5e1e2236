"""gunicorn's settings for `make serve` (the production shape): `gunicorn -c gunicorn.conf.py`.

Every request is CPU-bound Python, so one worker process per core serves the
most: more processes only add memory (each holds its own app and pool). Each
has a few threads, so that a login waiting for the password hasher (argon2,
270 ms of CPU, bounded per process and run at a lower priority:
diary/accounts/passwords.py) never holds up the check-ins behind it.
Environment variables override each setting: DIARY_BIND, DIARY_WORKERS,
DIARY_THREADS, DIARY_TIMEOUT.
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
