"""Keeps the fast tier honest: a test that starts another process must be marked ``process``
(or ``e2e``: the browser is a process), or `make test-fast` would not be what it says.

A Python audit hook (PEP 578) sees every process the test's code starts (subprocess, os.system,
os.fork, os.posix_spawn) and refuses it while an unmarked test runs. Threads stay allowed: a
served app or an SMTP server in a thread is fine.
"""

import sys

import pytest

EVENTS = {"subprocess.Popen", "os.system", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec"}
ALLOWED_MARKERS = ("process", "e2e")

_unmarked_test = None


def _refuse_processes(event, args):
    if _unmarked_test is not None and event in EVENTS:
        raise RuntimeError(
            f"{_unmarked_test} started another process ({event}): mark it @pytest.mark.process "
            "(or module-level pytestmark = pytest.mark.process), so the fast tier stays fast"
        )


sys.addaudithook(_refuse_processes)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _unmarked_test
    marked = any(item.get_closest_marker(name) for name in ALLOWED_MARKERS)
    _unmarked_test = None if marked else item.nodeid
    try:
        return (yield)
    finally:
        _unmarked_test = None
