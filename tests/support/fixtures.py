"""Pytest fixtures for the real peers: an SMTP server and a Web Push service,
both on 127.0.0.1. Register them for the whole suite with, in conftest.py,
``pytest_plugins = ["tests.support.fixtures"]`` (or import the functions).

``smtp_server``: a started :class:`~tests.support.mailbox.Mailbox`; ``.url``
for DIARY_SMTP_URL, ``.messages`` (parsed emails), ``.wait_for(n)``,
``.stop()`` / ``.start()`` to simulate "SMTP down, then up" on the same URL,
``.refuse(address, "550 ...")``.

``push_receiver``: a started :class:`~tests.support.push_receiver.PushReceiver`;
``.new_subscription(application_server_key=...)`` gives the JSON a browser
would POST, ``.payloads(sub)`` the decrypted payloads, ``.respond(sub, 410)``
makes it answer as told.

``live_server``: the ``app`` fixture served on 127.0.0.1 and a free port
(``.url``); BASE_URL is set to that origin.
"""

import pytest

from diary.extensions import db
from tests.support.live_server import LiveServer
from tests.support.mailbox import Mailbox
from tests.support.push_receiver import PushReceiver


@pytest.fixture
def smtp_server():
    box = Mailbox()
    box.start()
    try:
        yield box
    finally:
        box.close()


@pytest.fixture
def push_receiver():
    receiver = PushReceiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture
def live_server(app):
    """The app on 127.0.0.1 and a free port; BASE_URL is that origin (invite links use it)."""
    server = LiveServer(app)
    app.config["BASE_URL"] = server.url
    server.start()
    try:
        yield server
    finally:
        server.stop()
        with app.app_context():
            db.session.remove()
