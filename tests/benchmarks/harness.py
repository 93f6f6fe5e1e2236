"""What every benchmark shares: the real app under gunicorn on a loopback port, an
interleaved timer, a report.

The app is seeded in this process (``make_app``) and served by gunicorn with the
project's gunicorn.conf.py in processes of its own (``serve``), one worker, so
that one keep-alive client measures one request at a time through the
production server. Every HTTP figure is timed interleaved with ``/healthz``
(``Timer.compare``: baseline batch, figure batch, baseline, figure, ...): the
ratio of neighbouring batches survives a busy, drifting machine where a
baseline timed once does not.
"""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from diary import create_app
from diary.extensions import db
from tests.conftest import config_for_tests

ROOT = Path(__file__).resolve().parents[2]
BASELINE_PATH = "/healthz"  # the app's cheapest route: a session-less request and SELECT 1


def make_app(database_url=None, **overrides):
    """An app with a fresh database, for seeding and for the in-process timings."""
    tmp = Path(tempfile.mkdtemp(prefix="diary-bench-"))
    overrides.setdefault("LOG_LEVEL", "WARNING")  # one request log line per timed call would drown the report
    app = create_app(config_for_tests(database_url, tmp, RATELIMIT_ENABLED=False, **overrides))
    with app.app_context():
        db.create_all()
    return app


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app, *, workers=1):
    """gunicorn serving ``app``'s database on a loopback port; yields a keep-alive client."""
    port = _free_port()
    instance = tempfile.mkdtemp(prefix="diary-bench-instance-")
    env = {
        **os.environ,
        "DIARY_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "DIARY_SECRET_KEY": app.config["SECRET_KEY"],
        "DIARY_INSTANCE_PATH": instance,
        "DIARY_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--max-requests",  # no recycling mid-figure
        "0",
    ]
    log = open(Path(instance) / "gunicorn.log", "w")  # noqa: SIM115 (the server's, while it runs)
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {Path(log.name).read_text()[-2000:]}") from None
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start (see {log.name})")
        yield HttpSession(port)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


class HttpSession:
    """One keep-alive connection with a cookie jar of one session and the CSRF header."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = None
        self.csrf = None

    def request(self, method, path, body=None):
        headers = {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=payload, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        parsed = (
            json.loads(data)
            if data and response.getheader("Content-Type", "").startswith("application/json")
            else data
        )
        if isinstance(parsed, dict) and "csrf_token" in parsed:
            self.csrf = parsed["csrf_token"]
        return response.status, parsed

    def login(self, email, password):
        self.request("GET", "/api/v1/auth/session")
        status, _ = self.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
        assert status == 200, status


def time_call(fn, *, repeat=7, number=50):
    """The median seconds per call of ``fn`` over ``repeat`` batches of ``number`` calls
    (for what has no baseline: the pure functions and the scheduler's passes)."""
    fn()  # warm up caches and connections
    batches = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        batches.append((time.perf_counter() - start) / number)
    return statistics.median(batches)


def time_interleaved(fn, baseline, *, repeat=7, number=20):
    """(seconds per call of ``fn``, of ``baseline``, median ratio of neighbouring batches):
    batches of the two alternate, so both see the same moment of the machine."""
    fn()
    baseline()
    figures, bases, ratios = [], [], []
    for _ in range(repeat):
        for target, out in ((baseline, bases), (fn, figures)):
            start = time.perf_counter()
            for _ in range(number):
                target()
            out.append((time.perf_counter() - start) / number)
        ratios.append(figures[-1] / bases[-1])
    return statistics.median(figures), statistics.median(bases), statistics.median(ratios)


class Report:
    def __init__(self):
        self.rows = []

    def add(self, name, seconds, reference=None, goal=None, *, ratio=None):
        if ratio is None and reference:
            ratio = seconds / reference
        self.rows.append((name, seconds, ratio, goal))
        shown = f"{ratio:6.2f}x" if ratio is not None else "       "
        print(f"{name:<58} {seconds * 1000:9.3f} ms  {shown}  {goal or ''}", flush=True)

    def against_healthz(self, name, http, fn, goal=None, *, number=20):
        """``fn`` (a request on ``http``) timed interleaved with GET /healthz on the same connection."""
        seconds, base, ratio = time_interleaved(fn, lambda: http.request("GET", BASELINE_PATH), number=number)
        self.add(name, seconds, goal=f"{goal or ''} (/healthz {base * 1000:.2f} ms)".strip(), ratio=ratio)
        return seconds, ratio
