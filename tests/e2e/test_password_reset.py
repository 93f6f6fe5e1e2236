"""Passwords in the PWA: a forgotten one reset from the email that reached aiosmtpd, a change in
Settings, and the new screens at 390 and 1366 px, axe-checked in light and dark."""

import re

import pytest

from diary.db_types import utcnow
from tests.conftest import PASSWORD, login
from tests.e2e.support import DESKTOP, PHONE, axe_check, expect, log_in, on_check_in, screenshot
from tests.support.api_client import ApiClient

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "a calm walk by the lake"
WIDE = {**DESKTOP, "viewport": {"width": 1366, "height": 900}}
LINK = re.compile(r"(https?://\S+/#/reset\?token=[A-Za-z0-9_-]+)")


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "SMTP_URL": smtp_server.url, "MAIL_FROM": "Afterglow <no-reply@clinic.test>"}


def tick(app):
    """What the running scheduler does within 15 seconds: issue the token, then send the email."""
    result = app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", utcnow().isoformat()])
    assert result.exit_code == 0, result.output


def ask_for_link(page, email):
    page.goto("/#/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()


def emailed_link(app, smtp_server, email):
    tick(app)
    smtp_server.wait_for(1)
    [mail] = smtp_server.to(email)
    return LINK.search(mail.get_body(("plain",)).get_content()).group(1)


def test_a_patient_resets_a_forgotten_password_from_the_email(app, new_context, make_patient, smtp_server):
    patient = make_patient(name="Robin Example")
    email = patient.user["email"]
    page = new_context(PHONE).new_page()
    ask_for_link(page, email)
    screenshot(page, "password-1-link-sent-390")

    link = emailed_link(app, smtp_server, email)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    # Read once, then gone from the address bar and from this history entry.
    assert "token" not in page.url and page.url.endswith("#/reset")
    assert "token" not in page.evaluate("location.href + JSON.stringify(history.state)")
    screenshot(page, "password-2-reset-390")

    page.get_by_role("textbox", name="New password").fill("short")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_text("Please use at least 12 characters.")).to_be_visible()
    page.get_by_role("textbox", name="New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_text("Your new password is saved.")).to_be_visible()
    assert not patient.get("/api/v1/auth/session").get_json()["user"]  # its other session ended
    screenshot(page, "password-3-saved-390")

    page.get_by_role("button", name="Log in").click()
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()

    # The same link again: used, so the page says so and offers a new one.
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_role("textbox", name="New password").fill("yet another long passphrase")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_text("This link cannot be used any more")).to_be_visible()
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()


def test_a_patient_changes_the_password_in_settings(app, new_context, make_patient):
    patient = make_patient(name="Robin Example")
    other_phone = login(app, patient.user["email"])
    _, page = on_check_in(new_context, patient)
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("button", name="Change password")).to_be_visible()

    page.get_by_role("textbox", name="Current password").fill("not my password at all")
    page.get_by_role("textbox", name="New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("That is not your current password.")).to_be_visible()

    page.get_by_role("textbox", name="Current password").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").filter(has_text="Your password is changed")).to_be_visible()
    assert not other_phone.get("/api/v1/auth/session").get_json()["user"]
    # Still logged in here, with the session's new CSRF token: saving settings works.
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    fresh = ApiClient(app.test_client()).post(
        "/api/v1/auth/login", json={"email": patient.user["email"], "password": NEW_PASSWORD}
    )
    assert fresh.status_code == 200


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_password_screens_pass_axe_at_both_widths(
    app, new_context, make_provider, make_patient, smtp_server, scheme
):
    provider = make_provider(name="Dr. Ada Hale")
    patient = make_patient(provider, name="Robin Example")
    for device, width in ((PHONE, 390), (WIDE, 1366)):
        page = new_context(device, bypass_csp=True, reduced_motion="reduce").new_page()
        page.emulate_media(color_scheme=scheme)
        name = f"password-{scheme}-{width}"

        page.goto("/#/login")
        page.get_by_role("link", name="Forgot your password?").click()
        expect(page.get_by_role("button", name="Send reset link")).to_be_visible()
        screenshot(page, f"{name}-1-forgot")
        axe_check(page, f"{name}-1-forgot")
        page.goto("/#/reset?token=made-up-for-the-layout")
        expect(page.get_by_role("button", name="Save new password")).to_be_visible()
        screenshot(page, f"{name}-2-reset")
        axe_check(page, f"{name}-2-reset")

        log_in(page, patient.user["email"], PASSWORD)
        page.get_by_role("link", name="Settings", exact=True).click()
        expect(page.get_by_role("button", name="Change password")).to_be_visible()
        page.get_by_role("heading", name="Password", exact=True).scroll_into_view_if_needed()
        screenshot(page, f"{name}-3-settings", full_page=False)
        axe_check(page, f"{name}-3-settings")
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_text("You have logged out.")).to_be_visible()

        log_in(page, provider["email"], provider["password"])
        expect(page.get_by_role("table", name="Patients")).to_be_visible()
        page.get_by_role("link", name="Account", exact=True).click()
        expect(page.get_by_role("button", name="Change password")).to_be_visible()
        screenshot(page, f"{name}-4-account")
        axe_check(page, f"{name}-4-account")
