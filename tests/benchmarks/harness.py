"""What every benchmark shares: a real app on a loopback HTTP server, a timer, a report."""

import http.client
import json
import statistics
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from diary import create_app
from diary.extensions import db
from tests.conftest import config_for_tests

BARE_PATH = "/bench/bare"


def make_app(database_url=None, **overrides):
    """An app with a fresh database and the bare reference route."""
    tmp = Path(tempfile.mkdtemp(prefix="diary-bench-"))
    overrides.setdefault("LOG_LEVEL", "WARNING")  # one request log line per timed call would drown the report
    app = create_app(config_for_tests(database_url, tmp, RATELIMIT_ENABLED=False, **overrides))

    @app.get(BARE_PATH)
    def bare():
        return {"ok": True}

    with app.app_context():
        db.create_all()
    return app


class KeepAliveHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_request(self, *args, **kwargs):
        pass


@contextmanager
def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=KeepAliveHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HttpSession(server.server_port)
    finally:
        server.shutdown()


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
    """The median seconds per call of ``fn`` over ``repeat`` batches of ``number`` calls."""
    fn()  # warm up caches and connections
    batches = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        batches.append((time.perf_counter() - start) / number)
    return statistics.median(batches)


class Report:
    def __init__(self):
        self.rows = []

    def add(self, name, seconds, reference=None, goal=None):
        ratio = seconds / reference if reference else None
        self.rows.append((name, seconds, ratio, goal))
        shown = f"{ratio:6.2f}x" if ratio is not None else "       "
        print(f"{name:<58} {seconds * 1000:9.3f} ms  {shown}  {goal or ''}", flush=True)
