"""The first visit stays small: everything a phone downloads for / with an empty cache."""

import json
import re

import pytest

from tests.e2e.support import ARTIFACTS, PHONE, expect, wait_for_service_worker

pytestmark = pytest.mark.e2e
BUDGET_BYTES = (
    150_000  # 150 KB on the wire: compressed bodies and headers, the service worker's fetches included
)
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
)


# A Spanish phone also downloads the PWA's Spanish texts (api/v1/i18n/es) before the first screen.
@pytest.mark.parametrize(("locale", "log_in"), [("en-US", "Log in"), ("es-MX", "Iniciar sesión")])
def test_first_load_stays_within_budget(new_context, locale, log_in):
    # A new context: an empty HTTP cache, no service worker yet.
    context = new_context(PHONE, locale=locale)
    finished = []
    context.on(
        "requestfinished", lambda request: finished.append(request)
    )  # the page's requests and the service worker's
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("button", name=log_in)).to_be_visible()
    wait_for_service_worker(page)  # the shell is precached: its fetches are part of a first visit
    page.wait_for_load_state("networkidle")

    rows = []
    for request in finished:
        response = request.response()
        sizes = request.sizes()
        rows.append(
            {
                "url": request.url.split("/", 3)[-1] or "/",
                "status": response.status,
                "content_type": response.headers.get("content-type", ""),
                "content_encoding": response.headers.get("content-encoding"),
                "body": sizes["responseBodySize"],
                "headers": sizes["responseHeadersSize"],
            }
        )
    total = sum(row["body"] + row["headers"] for row in rows)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"first-load-{locale}.json").write_text(
        json.dumps({"total_bytes": total, "budget_bytes": BUDGET_BYTES, "requests": rows}, indent=1)
    )

    # Assets come by their versioned URLs.
    urls = {re.sub(r"^v/[0-9a-f]{12}/", "", row["url"]) for row in rows}
    assert {"/", "css/app.css", "js/app.js", "sw.js"} <= urls, urls  # the measurement saw the whole load
    assert ("api/v1/i18n/es" in urls) == (locale == "es-MX"), urls
    uncompressed = [
        row["url"]
        for row in rows
        if row["status"] == 200
        and row["content_type"].startswith(COMPRESSIBLE)
        and row["body"] > 256
        and not row["url"].startswith("api/")
        and row["content_encoding"] != "gzip"
    ]
    assert not uncompressed, f"sent without gzip: {uncompressed}"
    assert total <= BUDGET_BYTES, (
        f"first load is {total} bytes, over the budget of {BUDGET_BYTES} (see first-load-{locale}.json)"
    )
    print(f"first load: {total} bytes in {len(rows)} responses")
