"""Clinic administration in the PWA: an administrator invites a nurse by email, the nurse joins
and works the team's worklist, and turning the nurse off ends their open session at once."""

import re

import pytest

from diary.accounts.models import ClinicSettings
from diary.db_types import utcnow
from diary.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.support import PHONE, axe_check, expect, log_in, screenshot

pytestmark = pytest.mark.e2e
DESK = {"viewport": {"width": 1366, "height": 900}}


def optional_mfa(app):
    with app.app_context():
        db.session.get(ClinicSettings, 1).mfa_required = False
        db.session.commit()
        db.session.remove()


def deliver_email(app):
    result = app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", utcnow().isoformat()])
    assert result.exit_code == 0, result.output


def open_administration(page):
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()


def test_an_administrator_invites_a_nurse_and_turns_them_off(
    app, live_server, new_context, make_provider, make_patient, smtp_server
):
    app.config["SMTP_URL"] = smtp_server.url
    admin = make_provider(name="Ada Admin", admin=True)
    optional_mfa(app)
    make_patient(admin, name="Pat Team")

    desk = new_context(DESK, bypass_csp=True).new_page()  # bypass_csp: axe is carried in
    log_in(desk, admin["email"], PASSWORD)
    open_administration(desk)
    staff = desk.get_by_role("region", name="Staff")
    staff.get_by_role("textbox", name="Name").fill("Nia Nurse")
    staff.get_by_role("textbox", name="Email").fill("nia@clinic.test")
    staff.get_by_role("group", name="Their care teams").get_by_role(
        "checkbox", name="Ada Admin's care team"
    ).check()
    staff.get_by_role("button", name="Send invitation").click()
    expect(desk.get_by_role("status")).to_have_text("An invitation is on its way to nia@clinic.test.")

    deliver_email(app)
    smtp_server.wait_for(1)
    [mail] = smtp_server.to("nia@clinic.test")
    url = re.search(r"http\S+/#/join\?\S+", mail.get_body(("plain",)).get_content()).group(0)

    nurse = new_context(PHONE).new_page()
    nurse.goto(url)
    expect(nurse.get_by_role("textbox", name="Email")).to_have_value("nia@clinic.test")
    nurse.get_by_role("textbox", name="Name").fill("Nia Nurse")
    nurse.get_by_role("textbox", name="Password").fill(PASSWORD)
    nurse.get_by_role("button", name="Create account").click()
    worklist = nurse.get_by_role("table", name="Patients")
    expect(worklist).to_contain_text("Pat Team")
    expect(nurse.get_by_role("link", name="Administration")).to_have_count(0)  # not an administrator

    desk.reload()
    expect(desk.get_by_role("heading", name="Nia Nurse")).to_be_visible()
    screenshot(desk, "admin-01-desk")
    axe_check(desk, "admin-desk")
    desk.get_by_role("button", name="Turn off Nia Nurse").click()
    desk.get_by_role("dialog").get_by_role("button", name="Turn off").click()
    expect(desk.get_by_role("status")).to_have_text("Nia Nurse is turned off and logged out.")
    expect(desk.get_by_role("button", name="Turn on Nia Nurse")).to_be_visible()

    # The nurse's open session is refused at its next request.
    worklist.get_by_role("link", name="Pat Team").click()
    expect(nurse.get_by_role("heading", name="Log in")).to_be_visible()
    expect(nurse.get_by_text("Your session has ended.")).to_be_visible()
    nurse.get_by_role("textbox", name="Email").fill("nia@clinic.test")
    nurse.get_by_role("textbox", name="Password").fill(PASSWORD)
    nurse.get_by_role("button", name="Log in").click()
    expect(nurse.get_by_text("This account is turned off.")).to_be_visible()

    phone = new_context(PHONE, bypass_csp=True).new_page()
    log_in(phone, admin["email"], PASSWORD)
    phone.get_by_role("link", name="Administration").click()
    expect(phone.get_by_role("heading", name="Nia Nurse")).to_be_visible()
    teams = phone.get_by_role("region", name="Care teams")
    teams.get_by_role("textbox", name="Name of the new team").fill("Night team")
    teams.get_by_role("button", name="Make team").click()
    expect(phone.get_by_role("status")).to_have_text("The team Night team is made.")
    move = phone.get_by_role("region", name="Move a patient to another team")
    move.get_by_role("searchbox", name="Find a patient by name or email").fill("pat")
    move.get_by_role("button", name="Find").click()
    move.get_by_role("combobox", name="Care team of Pat Team").select_option(label="Night team")
    move.get_by_role("button", name="Move Pat Team").click()
    expect(phone.get_by_role("status")).to_have_text("Pat Team is now on Night team.")
    expect(phone.get_by_role("region", name="Care teams")).to_contain_text(
        "1 patient, 0 active staff members"
    )
    screenshot(phone, "admin-02-phone")
    axe_check(phone, "admin-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the administration screen is {width} px wide on a 390 px phone"
