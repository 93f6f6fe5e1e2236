"""`make serve` (gunicorn.conf.py) and the limiter's storage (issue 21, item 2).

With the default `memory://` storage each worker process counts on its own, so
several workers allowed 5 x workers password guesses per email. gunicorn is
started for real here: with more than one worker and `memory://` it refuses to
start and says why; with one worker, or with a storage the workers share, it serves.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support.mailbox import free_port
from tests.support.redis_server import REDIS_URL, require_redis

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[1]
REFUSAL = "DIARY_RATELIMIT_STORAGE_URL is memory://"


def gunicorn(app, *arguments, **settings):
    """gunicorn -c gunicorn.conf.py on a free port, on the app fixture's database, with DIARY_* ``settings``."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DIARY_RATELIMIT_STORAGE_URL"}
    env.update(
        {
            "DIARY_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "DIARY_INSTANCE_PATH": app.instance_path,
            "DIARY_SECRET_KEY": app.config["SECRET_KEY"],
            "DIARY_BIND": f"127.0.0.1:{port}",
            **{f"DIARY_{name}": str(value) for name, value in settings.items()},
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


def refused(process):
    """Its exit status and output: it must stop by itself, soon."""
    try:
        output, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"gunicorn kept running:\n{output[-3000:]}")
    return process.returncode, output


def serves(process, url):
    """True once /healthz answers 200; then gunicorn is stopped."""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[0][-3000:]
            try:
                if requests.get(f"{url}/healthz", timeout=10).status_code == 200:
                    return True
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        return False
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()


def test_two_workers_on_memory_storage_refuse_to_start(app):
    status, output = refused(gunicorn(app, WORKERS=2)[0])
    assert status != 0
    assert REFUSAL in output and "2 workers" in output and "redis://" in output, output[-3000:]
    assert "Booting worker" not in output


def test_the_refusal_sees_workers_given_on_the_command_line_and_memory_named_outright(app):
    status, output = refused(gunicorn(app, "--workers", "3", WORKERS=1, RATELIMIT_STORAGE_URL="memory://")[0])
    assert status != 0 and REFUSAL in output and "3 workers" in output, output[-3000:]


def test_one_worker_on_memory_storage_serves(app):
    assert serves(*gunicorn(app, WORKERS=1))


def test_two_workers_sharing_redis_serve(app):
    require_redis()
    assert serves(*gunicorn(app, WORKERS=2, RATELIMIT_STORAGE_URL=REDIS_URL))
