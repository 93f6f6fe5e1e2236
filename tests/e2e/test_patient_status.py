"""Patients who come and go, in Chromium: the patient pauses reminders and closes the account,
the care team discharges and readmits (docs/api.md, "Patients who come and go").

Screenshots at 390 px (a phone) and 1366 px (a laptop); axe on each new screen.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import PASSWORD
from tests.e2e.support import PHONE, axe_check, expect, log_in, screenshot

pytestmark = pytest.mark.e2e

LAPTOP = {"viewport": {"width": 1366, "height": 900}}
DEVICES = {"390": PHONE, "1366": LAPTOP}
BERLIN = "Europe/Berlin"


def berlin_day(offset):
    return (datetime.now(ZoneInfo(BERLIN)).date() + timedelta(days=offset)).isoformat()


@pytest.mark.parametrize("width", DEVICES)
def test_the_patient_pauses_reminders_and_closes_the_account(app, new_context, make_patient, width):
    patient = make_patient(name="Robin Example", timezone_name=BERLIN)
    page = new_context(DEVICES[width], timezone_id=BERLIN, bypass_csp=True).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    page.get_by_role("link", name="Settings", exact=True).click()

    page.get_by_label("Pause reminders until").fill(berlin_day(7))
    page.get_by_role("button", name="Pause reminders").click()
    expect(page.get_by_role("status")).to_contain_text("Reminders are paused until")
    resume = page.get_by_role("button", name="Resume now")
    expect(resume).to_be_visible()
    settings = patient.get("/api/v1/me/settings").get_json()
    assert settings["paused_until"] == berlin_day(7)
    screenshot(page, f"status-patient-paused-{width}")
    axe_check(page, f"status-patient-paused-{width}")

    resume.click()
    expect(page.get_by_role("status")).to_have_text("Reminders are back on.")
    expect(resume).to_be_hidden()
    assert patient.get("/api/v1/me/settings").get_json()["paused_until"] is None

    close = page.get_by_role("region", name="Close my account")
    close.get_by_label("Password", exact=True).fill("not my password at all")
    close.get_by_role("button", name="Close my account").click()
    expect(close.get_by_text("This is not your password.")).to_be_visible()
    screenshot(page, f"status-patient-close-{width}")
    axe_check(page, f"status-patient-close-{width}")

    close.get_by_label("Password", exact=True).fill(PASSWORD)
    close.get_by_role("button", name="Close my account").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert patient.get("/api/v1/me/settings").status_code == 401  # that session ended too

    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_text("This account was closed.")).to_be_visible()
    screenshot(page, f"status-patient-closed-login-{width}")


@pytest.mark.parametrize("width", DEVICES)
def test_the_care_team_discharges_and_readmits(app, new_context, make_provider, make_patient, width):
    provider = make_provider(name="Dr. Ada Hale")
    jamie = make_patient(provider, name="Jamie Rivera", timezone_name=BERLIN)
    paused = make_patient(provider, name="Alex Away", timezone_name=BERLIN)
    assert paused.patch("/api/v1/me/settings", json={"paused_until": berlin_day(10)}).status_code == 200

    page = new_context(DEVICES[width], timezone_id=BERLIN, bypass_csp=True).new_page()
    log_in(page, provider["email"], provider["password"])
    table = page.get_by_role("table", name="Patients")
    expect(table.get_by_role("row", name="Alex Away")).to_contain_text("Reminders paused until")
    screenshot(page, f"status-provider-worklist-paused-{width}")

    table.get_by_role("link", name="Jamie Rivera").click()
    expect(page.get_by_role("heading", name="Jamie Rivera", level=1)).to_be_visible()
    care = page.get_by_role("region", name="Care status")
    expect(care).to_contain_text("Active.")
    care.get_by_role("button", name="Discharge").click()
    dialog = page.get_by_role("dialog", name="Discharge Jamie Rivera?")
    axe_check(page, f"status-provider-discharge-dialog-{width}")
    dialog.get_by_role("button", name="Discharge").click()
    expect(page.get_by_role("status")).to_have_text("Jamie Rivera is discharged.")
    expect(care).to_contain_text("Discharged")
    expect(care.get_by_role("button", name="Readmit")).to_be_visible()
    screenshot(page, f"status-provider-discharged-{width}")
    axe_check(page, f"status-provider-discharged-{width}")
    refused = jamie.post("/api/v1/patients/me/entries", json={"answers": [1, 1, 1, 1, 1, 1, 1]})
    assert refused.status_code == 409

    page.get_by_role("link", name="Back to worklist").click()
    expect(table.get_by_role("link", name="Alex Away")).to_be_visible()
    expect(table.get_by_role("link", name="Jamie Rivera")).to_have_count(0)
    page.get_by_role("button", name="Discharged").click()
    expect(table.get_by_role("link", name="Jamie Rivera")).to_be_visible()
    expect(table.get_by_role("link", name="Alex Away")).to_have_count(0)
    screenshot(page, f"status-provider-worklist-discharged-{width}")
    axe_check(page, f"status-provider-worklist-discharged-{width}")

    table.get_by_role("link", name="Jamie Rivera").click()
    page.get_by_role("region", name="Care status").get_by_role("button", name="Readmit").click()
    expect(page.get_by_role("status")).to_have_text("Jamie Rivera is active again.")
    assert (
        jamie.post("/api/v1/patients/me/entries", json={"answers": [1, 1, 1, 1, 1, 1, 1]}).status_code == 201
    )
