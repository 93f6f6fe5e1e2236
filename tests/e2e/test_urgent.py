"""How `urgent` reads on the provider's screens (issue 25): by what fired it, "not a risk
assessment" wherever it is shown, and the baseline saying where it comes from."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.support import ARTIFACTS, PHONE, axe_check, expect, log_in, screenshot

pytestmark = pytest.mark.e2e
BERLIN = "Europe/Berlin"
WIDE = {"viewport": {"width": 1366, "height": 900}}


def seed(patient, scores, session_offset=None):
    """Daily check-ins at ``{offset: total}`` days before today (0 is today), through the API,
    and the care team's session ``session_offset`` days ago."""
    zone = ZoneInfo(patient.user["timezone"])
    now = datetime.now(UTC) - timedelta(minutes=1)
    today = now.astimezone(zone).date()
    for offset, total in sorted(scores.items(), reverse=True):
        day = today - timedelta(days=offset)
        at = now if offset == 0 else datetime.combine(day, time(12), zone)
        answers = [total // 7 + (1 if i < total % 7 else 0) for i in range(7)]
        body = {"recorded_at": at.isoformat(), "answers": answers, "instrument": "daily"}
        response = patient.post("/api/v1/patients/me/entries", json=body)
        assert response.status_code == 201, response.get_json()
    if session_offset is not None:
        starts = datetime.combine(today - timedelta(days=session_offset), time(9), zone)
        response = patient.provider_client.post(
            f"/api/v1/patients/{patient.user['id']}/treatments",
            json={"status": "completed", "starts_at": starts.isoformat(), "route": "iv"},
        )
        assert response.status_code == 201, response.get_json()


def test_urgent_says_what_fired_it_and_that_it_is_no_risk_assessment(
    app, new_context, make_provider, make_patient
):
    app.config["BACKFILL_DAYS"] = 30
    provider = make_provider(name="Dr. Ada Hale")
    casey = make_patient(provider, name="Casey Mild")
    # baseline 5 (daily run-in), relief at 3, now 9 three days running: worse than before, not severe
    seed(casey, {**{20 + i: 5 for i in range(7)}, **{i: 3 for i in range(3, 19)}, 2: 9, 1: 9, 0: 9}, 19)
    robin = make_patient(provider, name="Robin Waiting")
    seed(robin, {2: 16, 1: 12, 0: 17})  # waitlisted, 2 of 3 days severe
    kinds = {
        f["kind"]
        for f in casey.provider_client.get(
            f"/api/v1/patients/{casey.user['id']}/flags?status=open"
        ).get_json()["items"]
    }
    assert "urgent" in kinds

    for device, width in ((PHONE, 390), (WIDE, 1366)):
        page = new_context(device, timezone_id=BERLIN, bypass_csp=True).new_page()
        log_in(page, provider["email"], provider["password"])
        expect(page.get_by_role("link", name="Robin Waiting")).to_be_visible()
        expect(page.get_by_text("Urgent (not a risk assessment)").first).to_be_visible()
        expect(page.get_by_text(re.compile("Urgent is not a risk assessment"))).to_be_visible()
        screenshot(page, f"urgent-01-worklist-{width}")
        page.screenshot(path=str(ARTIFACTS / f"urgent-01-worklist-top-{width}.png"))
        axe_check(page, f"urgent-01-worklist-{width}")

        page.get_by_role("link", name="Casey Mild").click()
        card = page.locator("article.flag-urgent")
        expect(card.get_by_role("heading", name="Urgent (not a risk assessment)")).to_be_visible()
        expect(card).to_contain_text("Worse than before treatment")
        expect(card).to_contain_text("This alone need not be severe")
        expect(card).to_contain_text("from the daily check-ins before treatment")
        expect(card).not_to_contain_text("severe:")
        expect(card).not_to_contain_text("very high")
        expect(card).not_to_contain_text("reliably")
        expect(page.get_by_text("5 (from the daily check-ins before treatment)", exact=True)).to_be_visible()
        screenshot(page, f"urgent-02-timeline-worse-{width}")
        card.screenshot(path=str(ARTIFACTS / f"urgent-02-card-worse-{width}.png"))
        axe_check(page, f"urgent-02-timeline-worse-{width}")

        page.go_back()
        page.get_by_role("link", name="Robin Waiting").click()
        card = page.locator("article.flag-urgent")
        expect(card).to_contain_text("Scores are severe: before the first session")
        expect(card).to_contain_text("Not a risk assessment, nor a safety screen")
        screenshot(page, f"urgent-03-timeline-waiting-{width}")
        card.screenshot(path=str(ARTIFACTS / f"urgent-03-card-waiting-{width}.png"))
        page.context.close()
