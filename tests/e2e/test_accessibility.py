"""axe-core on every screen, light and dark; answer targets; text at 200 %.

axe needs its script in the page, which the app's Content Security Policy forbids
(inline script): these contexts, and only these, bypass the policy.
"""

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.support import (
    DAILY_ANSWERS,
    DESKTOP,
    PHONE,
    answer_all,
    assert_no_stray_values,
    axe_check,
    expect,
    log_in,
    relative_luminance,
    screenshot,
    seed_recent_days,
    seed_wearing_off,
)

pytestmark = pytest.mark.e2e
SCHEMES = ["light", "dark"]


def scan(page, name):
    screenshot(page, name)
    assert_no_stray_values(page, name)
    axe_check(page, name)


def check_scheme(page, scheme):
    """The scheme took effect: a dark page background in dark mode, a light one otherwise."""
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    luminance = relative_luminance(background)
    assert (luminance < 0.1) if scheme == "dark" else (luminance > 0.7), (scheme, background)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_patient_screens_pass_axe(app, new_context, make_patient, scheme):
    patient = make_patient(name="Robin Example")
    seed_recent_days(patient)
    invite = patient.provider_client.post("/api/v1/invites", json={}).get_json()
    page = new_context(PHONE, bypass_csp=True, reduced_motion="reduce").new_page()
    page.emulate_media(color_scheme=scheme)

    page.goto("/#/login")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    check_scheme(page, scheme)
    scan(page, f"a11y-{scheme}-patient-1-login")

    page.goto(f"/#/join?code={invite['code']}")
    expect(page.get_by_role("button", name="Create account")).to_be_visible()
    scan(page, f"a11y-{scheme}-patient-2-join")

    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    expect(page.get_by_text("Over the last 24 hours, how much of the time")).to_be_visible()  # the daily form
    scan(page, f"a11y-{scheme}-patient-3-checkin")
    page.get_by_role("button", name="Save check-in").click()  # nothing answered: the form explains
    expect(page.get_by_text("7 questions still need an answer")).to_be_visible()
    scan(page, f"a11y-{scheme}-patient-4-checkin-missing")
    answer_all(page, [0, 1, 2, 3, 0, 1, 2], DAILY_ANSWERS)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("Your score is 9 out of 21")
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    scan(page, f"a11y-{scheme}-patient-5-checkin-saved")

    page.get_by_role("link", name="History", exact=True).click()
    expect(page.locator("figure canvas").first).to_be_visible()
    scan(page, f"a11y-{scheme}-patient-6-history")

    page.get_by_role("link", name="Sessions", exact=True).click()
    expect(page.get_by_role("button", name="Save dose")).to_be_visible()
    expect(page.get_by_text("56 mg").first).to_be_visible()
    scan(page, f"a11y-{scheme}-patient-7-sessions")

    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("button", name="Save settings")).to_be_visible()
    scan(page, f"a11y-{scheme}-patient-8-settings")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_provider_screens_pass_axe(app, new_context, make_provider, make_patient, scheme):
    app.config["BACKFILL_DAYS"] = 30
    provider = make_provider(name="Dr. Ada Hale")
    jamie = make_patient(provider, name="Jamie Rivera")
    seed_wearing_off(app, jamie)
    page = new_context(DESKTOP, bypass_csp=True, reduced_motion="reduce").new_page()
    page.emulate_media(color_scheme=scheme)

    log_in(page, provider["email"], provider["password"])
    expect(page.get_by_role("table", name="Patients")).to_be_visible()
    check_scheme(page, scheme)
    scan(page, f"a11y-{scheme}-provider-1-worklist")
    page.get_by_role("button", name="Invite patient").click()
    expect(page.get_by_role("img", name=re.compile("^QR code for the invite link"))).to_be_visible()
    scan(page, f"a11y-{scheme}-provider-2-invite")

    page.get_by_role("link", name="Jamie Rivera").click()
    expect(page.locator("figure canvas").first).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge")).to_be_visible()
    scan(page, f"a11y-{scheme}-provider-3-timeline")

    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.get_by_role("img", name="QR code to add Afterglow to your authenticator app")).to_be_visible()
    scan(page, f"a11y-{scheme}-provider-4-account")


def enlarge_text(page):
    """Doubles the browser's default font size, as a person would in the browser's settings.

    Unlike setting a font size on <html>, this also moves the rem-based media queries,
    as a real text-size preference does. (A full-page screenshot resets it: use viewport shots.)
    """
    heading = page.get_by_role("heading", level=1)
    before = heading.evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
    page.context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    after = heading.evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
    assert after >= 1.9 * before, f"text does not follow the browser's text size ({before}px -> {after}px)"


def assert_no_sideways_scroll(page, name):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px with text at 200 %"


def test_text_at_200_percent(app, new_context, make_patient):
    """WCAG 1.4.4: with text twice as large nothing scrolls sideways and the main tasks still work."""
    app.config["BACKFILL_DAYS"] = 30
    patient = make_patient(name="Robin Example")
    seed_wearing_off(app, patient)

    phone = new_context(PHONE, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(phone, patient.user["email"], PASSWORD)
    # Today is already logged: the calm "done for today" page, then the same-day edit.
    edit = phone.get_by_role("button", name="Edit today's check-in")
    expect(edit).to_be_visible()
    enlarge_text(phone)
    assert_no_sideways_scroll(phone, "done for today")
    screenshot(phone, "text200-patient-0-done", full_page=False)
    edit.click()
    save = phone.get_by_role("button", name="Save changes")
    expect(save).to_be_visible()
    assert_no_sideways_scroll(phone, "check-in")
    screenshot(phone, "text200-patient-1-checkin", full_page=False)
    axe_check(phone, "text200-patient-1-checkin")
    answer_all(phone, [1, 1, 1, 1, 1, 1, 1], DAILY_ANSWERS)
    expect(save).to_be_in_viewport()  # the save bar stays in reach
    save.click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Your score is 7 out of 21")
    expect(status).to_be_in_viewport()
    screenshot(phone, "text200-patient-2-saved", full_page=False)
    for number, link in enumerate(["History", "Sessions", "Settings"], start=3):
        phone.get_by_role("link", name=link, exact=True).click()
        expect(phone.get_by_role("heading", name=link, level=1)).to_be_visible()
        expect(phone.locator("form, figure canvas").first).to_be_visible()
        assert_no_sideways_scroll(phone, link)
        screenshot(phone, f"text200-patient-{number}-{link.lower()}", full_page=False)

    desk = new_context(DESKTOP, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(desk, patient.provider["email"], PASSWORD)
    expect(desk.get_by_role("table", name="Patients")).to_be_visible()
    enlarge_text(desk)
    assert_no_sideways_scroll(desk, "worklist")
    screenshot(desk, "text200-provider-1-worklist", full_page=False)
    desk.get_by_role("link", name="Robin Example").click()
    expect(desk.locator("figure canvas").first).to_be_visible()
    assert_no_sideways_scroll(desk, "timeline")
    acknowledge = desk.get_by_role("button", name="Acknowledge")
    acknowledge.scroll_into_view_if_needed()
    screenshot(desk, "text200-provider-2-timeline", full_page=False)
    acknowledge.click()
    expect(desk.get_by_role("status")).to_contain_text("acknowledged")
    axe_check(desk, "text200-provider-2-timeline")


def test_the_axe_scan_reports_violations(new_context):
    """The scan itself can fail: an unlabelled image and an empty button are caught."""
    page = new_context(PHONE, bypass_csp=True).new_page()
    page.goto("/#/login")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.evaluate("""() => {
        const img = document.createElement('img');
        img.src = 'icons/icon-192.png';
        const button = document.createElement('button');
        document.querySelector('main').append(img, button);
    }""")
    with pytest.raises(AssertionError) as failure:
        axe_check(page, "axe-self-test")
    assert "image-alt (critical)" in str(failure.value)
    assert "button-name (critical)" in str(failure.value)
