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
"""

import pytest

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
