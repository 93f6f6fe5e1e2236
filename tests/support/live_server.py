"""The app served on 127.0.0.1 and a free port by werkzeug, in a thread: for browsers and concurrent clients."""

import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """The app logs every request itself; werkzeug's access log would only repeat it."""

    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def wait_until_serving(url, process, log_path, timeout=60):
    """Polls ``url`` until it answers 200 (a server started in another process, gunicorn); fails
    with the end of its log if the process exits first, or after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        assert process.poll() is None, Path(log_path).read_text()[-3000:]
        assert time.monotonic() < deadline, f"no server at {url} after {timeout} s"
        time.sleep(0.2)
