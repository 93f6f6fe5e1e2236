"""The session record on the care team's timeline, and a patient's own dose with its home
routes and rated side effects, at 390 and 1366 px (issue 25 points 7-9, issue 24 point 8)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import PASSWORD
from tests.e2e.support import ARTIFACTS, PHONE, axe_check, expect, log_in, screenshot

pytestmark = pytest.mark.e2e
BERLIN = "Europe/Berlin"
DESK = {"viewport": {"width": 1366, "height": 900}}


def element_shot(locator, name):
    """The part of the page a reader should look at, beside the full-page screenshot."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


DEVICES = pytest.mark.parametrize("device", [PHONE, DESK], ids=["390", "1366"])


@DEVICES
def test_the_care_team_records_vitals_and_ratings_on_the_timeline(
    new_context, make_provider, make_patient, device
):
    provider = make_provider(name="Dr. Ada Hale")
    patient = make_patient(provider, name="Jamie Rivera")
    size = device["viewport"]["width"]
    page = new_context(device, timezone_id=BERLIN, bypass_csp=True).new_page()
    log_in(page, provider["email"], provider["password"])
    page.get_by_role("link", name="Jamie Rivera").first.click()
    expect(page.get_by_role("heading", name="Jamie Rivera", level=1)).to_be_visible()

    started = (datetime.now(ZoneInfo(BERLIN)) - timedelta(hours=2)).replace(second=0, microsecond=0)
    page.get_by_role("radio", name="Completed", exact=True).check()
    page.get_by_label("Date and time").fill(started.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("How it was given").select_option("iv")
    page.get_by_label("Dose in mg (optional)").fill("35")
    page.get_by_text("Session record: vitals, sedation, dissociation, discharge (optional)").click()
    page.get_by_label("Product").select_option("racemic_ketamine")
    page.get_by_label("Weight in kg").fill("70")
    expect(page.get_by_text("Dose per kg: 0.50 mg/kg (computed)")).to_be_visible()
    for moment, (systolic, diastolic, rate) in {
        "Before the dose": ("128", "82", "72"),
        "After the dose": ("142", "90", "80"),
    }.items():
        group = page.get_by_role("group", name=moment)
        group.get_by_label("Systolic, mmHg").fill(systolic)
        group.get_by_label("Diastolic, mmHg").fill(diastolic)
        group.get_by_label("Heart rate, per minute").fill(rate)
    page.get_by_label("Sedation (MOAA/S)").select_option("4")
    page.get_by_label("Dissociation, CADSS-6 total (0 to 24)").fill("7")
    page.get_by_label("Minutes observed after the dose").fill("60")
    page.get_by_label("Ready to go home?").select_option("yes")
    page.get_by_role("checkbox", name="Nausea").check()
    page.get_by_label("How bad: Nausea").select_option("moderate")
    screenshot(page, f"session-record-01-form-{size}")
    element_shot(page.locator("section[aria-labelledby=record-title]"), f"session-record-01-form-part-{size}")
    axe_check(page, f"session-record-form-{size}")
    page.get_by_role("button", name="Record session").click()
    expect(page.get_by_role("status")).to_contain_text("recorded")

    sessions = page.get_by_role("region", name="Sessions", exact=True)
    expect(sessions).to_contain_text("35 mg · 0.5 mg/kg · Racemic ketamine")
    expect(sessions).to_contain_text(
        "BP 128/82 → 142/90 · HR 72 → 80 · MOAA/S 4 · CADSS-6 7 · observed 60 min"
    )
    expect(sessions).to_contain_text("Side effects: Nausea (moderate)")
    sessions.scroll_into_view_if_needed()
    screenshot(page, f"session-record-02-timeline-{size}")
    element_shot(sessions, f"session-record-02-timeline-part-{size}")
    axe_check(page, f"session-record-timeline-{size}")
    [stored] = patient.get("/api/v1/patients/me/treatments").get_json()["items"]
    assert stored["mg_per_kg"] == 0.5 and stored["sedation_moaas"] == 4 and stored["systolic_after"] == 142
    assert stored["side_effect_severity"] == {"nausea": "moderate"}


@DEVICES
def test_a_patient_records_a_home_dose_by_a_home_route(new_context, make_patient, device):
    patient = make_patient(name="Dana Home")
    size = device["viewport"]["width"]
    page = new_context(device, bypass_csp=True).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    page.get_by_role("link", name="Sessions").click()
    routes = page.get_by_label("How it was given")
    expect(routes.locator("option")).to_have_count(4)
    options = routes.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert options == ["intranasal", "oral", "sublingual", "other"]
    routes.select_option("sublingual")
    page.get_by_role("spinbutton", name="Dose in mg (optional)").fill("50")
    page.get_by_role("checkbox", name="Numbness or tingling").check()
    page.get_by_label("How bad: Numbness or tingling").select_option("mild")
    screenshot(page, f"session-record-03-home-dose-{size}")
    element_shot(
        page.locator("section[aria-labelledby=dose-title]"), f"session-record-03-home-dose-part-{size}"
    )
    axe_check(page, f"session-record-home-dose-{size}")
    page.get_by_role("button", name="Save dose").click()
    expect(page.get_by_role("status")).to_contain_text("is saved")
    expect(page.get_by_text("Side effects: Numbness or tingling (mild)")).to_be_visible()
    [stored] = patient.get("/api/v1/patients/me/treatments").get_json()["items"]
    assert stored["route"] == "sublingual" and stored["side_effect_severity"] == {"numbness": "mild"}


@DEVICES
def test_more_home_doses_than_the_schedule_show_on_the_worklist(
    new_context, make_provider, make_patient, device
):
    provider = make_provider(name="Dr. Ada Hale")
    patient = make_patient(provider, name="Robin Extra")
    size = device["viewport"]["width"]
    page = new_context(device, timezone_id=BERLIN, bypass_csp=True).new_page()
    log_in(page, provider["email"], provider["password"])
    page.get_by_role("link", name="Robin Extra").first.click()
    schedule = page.get_by_role("region", name="Home doses")
    schedule.get_by_label("At most this many home doses").fill("1")
    schedule.get_by_label("In any this many days").fill("7")
    schedule.get_by_role("button", name="Save home-dose schedule").click()
    expect(page.get_by_role("status")).to_contain_text("at most 1 in any 7 days")
    for hours, route in ((50, "oral"), (3, "intranasal")):
        started = datetime.now(ZoneInfo(BERLIN)) - timedelta(hours=hours)
        response = patient.post(
            "/api/v1/patients/me/treatments",
            json={"status": "completed", "starts_at": started.isoformat(), "route": route, "dose_mg": 50},
        )
        assert response.status_code == 201, response.get_json()

    page.get_by_role("link", name="Back to worklist").click()
    expect(page.get_by_text("Side effect or extra dose").first).to_be_visible()
    screenshot(page, f"session-record-04-worklist-{size}", full_page=False)
    axe_check(page, f"session-record-worklist-{size}")
    page.get_by_role("link", name="Robin Extra").first.click()
    card = page.locator("article.flag-side_effect")
    expect(card).to_contain_text("2 home doses recorded within 7 days; the schedule allows 1.")
    element_shot(card, f"session-record-05-flag-{size}")
    axe_check(page, f"session-record-flag-{size}")
