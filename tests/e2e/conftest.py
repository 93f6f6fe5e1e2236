"""End-to-end fixtures: the real app on a loopback port, driven by Debian's Chromium.

Without /usr/bin/chromium or the ``playwright`` package every test here is skipped,
with the reason; with ``DIARY_REQUIRE_BROWSER=1`` (as ``.ci/run`` sets) they fail
instead, so CI cannot pass without having run them.

``live_server`` serves the ``app`` fixture of tests/conftest.py, so these tests run
on the suite's database (SQLite, or PostgreSQL in CI's second pass) and share its
cleanup. Screenshots and axe reports go to test-artifacts/e2e/.
"""

import importlib.util
import os
import re
from pathlib import Path

import pytest

from tests.e2e.support import PHONE

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent
# Chromium reports a blocked script or style as a console error naming the policy.
CSP_REPORT = re.compile(r"Content Security Policy", re.I)


def _browser_problem():
    """Why the browser tests cannot run here, or None."""
    problems = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        problems.append("the playwright package is not installed (pip install -e '.[dev]')")
    return "; ".join(problems) or None


BROWSER_PROBLEM = _browser_problem()
REQUIRE_BROWSER = os.environ.get("DIARY_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config, items):
    if not BROWSER_PROBLEM or REQUIRE_BROWSER:
        return  # with DIARY_REQUIRE_BROWSER=1 the browser fixture fails each test instead
    reason = f"end-to-end tests need a browser: {BROWSER_PROBLEM}"
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=reason))


# ---- the browser ---------------------------------------------------------------


# Package scope: Chromium and Playwright's event loop are gone before the rest of the suite runs.
@pytest.fixture(scope="package")
def browser():
    if BROWSER_PROBLEM:  # only reached with DIARY_REQUIRE_BROWSER=1
        pytest.fail(f"DIARY_REQUIRE_BROWSER=1, but: {BROWSER_PROBLEM}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# ---- the server ------------------------------------------------------------------


# LiveServer and the live_server fixture live in tests/support (other suites serve the app too).


# ---- pages -------------------------------------------------------------------------


class Problems:
    """Uncaught page errors and CSP violations seen by a test's pages: both fail the test."""

    def __init__(self):
        self.page_errors = []
        self.csp = []

    def watch(self, page):
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda msg: (
                self.csp.append(msg.text) if msg.type == "error" and CSP_REPORT.search(msg.text) else None
            ),
        )


@pytest.fixture
def new_context(browser, live_server):
    """Makes browser contexts on the live server: ``new_context(PHONE, color_scheme="dark")``.

    Every page opened in them is watched: an uncaught script error or a Content
    Security Policy violation fails the test (contexts with ``bypass_csp`` excepted).
    """
    contexts = []
    problems = Problems()

    def make(device=PHONE, **options):
        context = browser.new_context(base_url=live_server.url, **{**device, **options})
        context.set_default_timeout(10_000)
        if not options.get("bypass_csp"):
            context.on("page", problems.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not problems.page_errors, "uncaught errors in the page:\n" + "\n".join(problems.page_errors)
    assert not problems.csp, "Content Security Policy violations:\n" + "\n".join(problems.csp)
