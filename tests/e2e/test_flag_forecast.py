"""A plan_maintenance flag that follows the forecast, on the timeline's flag card (issue 24):
the card says today's dates, the assessment's, and lists what the flag said when."""

import re
from datetime import date

import pytest

from tests.e2e.support import PHONE, axe_check, expect, log_in, screenshot

pytestmark = pytest.mark.e2e
WIDE_DESK = {"viewport": {"width": 1366, "height": 900}}


def db_commit():
    from diary.extensions import db

    db.session.commit()


def short(iso):
    """How the PWA writes a date on the card: "Wed, Dec 9"."""
    d = date.fromisoformat(iso)
    return f"{d:%a}, {d:%b} {d.day}"


@pytest.mark.parametrize("device", [PHONE, WIDE_DESK], ids=["390", "1366"])
def test_the_flag_card_shows_todays_forecast_and_what_it_said(app, new_context, device):
    from diary.db_types import utcnow
    from diary.demo import service as demo

    with app.app_context():
        demo.seed(patients=12, days=180, now=utcnow())
        db_commit()
    page = new_context(device, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, demo.PROVIDER_EMAIL, demo.PASSWORD)
    page.get_by_role("link", name="Priya Farouk").first.click()
    expect(page.get_by_role("heading", name="Priya Farouk", level=1)).to_be_visible()

    flag = page.locator("article.flag-plan_maintenance")
    details = page.evaluate(
        """async () => {
            const pid = location.hash.split('/').find((part) => /^[0-9a-f-]{36}$/.test(part));
            const r = await fetch(`/api/v1/patients/${pid}/timeline`);
            return (await r.json()).assessment;
        }"""
    )
    suggested = short(details["suggested_session_by"])
    expect(flag).to_contain_text(f"Suggested session by {suggested}")
    said = flag.get_by_text(re.compile(r"What this flag said \(\d+ forecasts\)"))
    said.click()
    expect(flag.locator(".flag-history li").last).to_contain_text(f"session by {suggested}")
    flag.scroll_into_view_if_needed()
    size = device["viewport"]["width"]
    screenshot(page, f"desk-flag-forecast-{size}", full_page=False)
    axe_check(page, f"desk-flag-forecast-{size}")
