"""Honest invites and a readable access log in the PWA (issue 24, points 4 and 5)."""

import re
import uuid

import pytest

from tests.conftest import PASSWORD, login
from tests.e2e.support import PHONE, axe_check, expect, log_in, screenshot

pytestmark = pytest.mark.e2e

WIDE = {"viewport": {"width": 1366, "height": 900}}
SIZES = ((PHONE, "390"), (WIDE, "1366"))


@pytest.mark.parametrize(("device", "width"), SIZES)
def test_without_a_mail_server_the_invite_screen_says_so_and_offers_link_and_code(
    app, new_context, make_provider, device, width
):
    app.config["SMTP_URL"] = None
    provider = make_provider(name="Dr Vale")
    desk = new_context(device, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(desk, provider["email"], provider["password"])
    expect(desk.get_by_role("table", name="Patients")).to_be_visible()
    desk.get_by_text("Add a name or email to the invite (optional)").click()
    desk.get_by_label("Patient's name (optional)").fill("Sam Newcomer")
    desk.get_by_label("Patient's email (optional)").fill("sam@mail.test")
    desk.get_by_role("button", name="Invite patient").click()
    result = desk.locator(".invite-result")
    expect(result).to_contain_text("The email was not sent")
    expect(desk.get_by_role("status")).to_contain_text("the email was not sent")
    expect(result.get_by_role("button", name="Copy link")).to_be_visible()
    expect(result.get_by_role("button", name="Copy code")).to_be_visible()
    expect(result.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    url = result.locator("a.invite-url").get_attribute("href")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/#/join\?code=[A-Z0-9]+", url), url
    expect(desk.get_by_role("region", name="Pending invites")).to_contain_text("not emailed")
    result.scroll_into_view_if_needed()
    axe_check(desk, f"invite-not-sent-{width}")
    screenshot(desk, f"invite-not-sent-{width}")


@pytest.mark.parametrize(("device", "width"), SIZES)
def test_the_join_form_asks_the_server_for_the_invites_name_and_email(
    app, live_server, new_context, make_provider, device, width
):
    app.config["SMTP_URL"] = None
    provider = make_provider()
    invite = login(app, provider["email"]).post(
        "/api/v1/invites", json={"name": "Sam Newcomer", "email": f"sam-{width}@mail.test"}
    )
    invite = invite.get_json()
    page = new_context(device, bypass_csp=True).new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    # A link of the old shape: the form opens, and the address bar keeps the code only.
    page.goto(f"{live_server.url}/#/join?name=Sam%20Newcomer&email=sam%40mail.test&code={invite['code']}")
    expect(page.get_by_role("textbox", name="Invite code")).to_have_value(invite["code"])
    expect(page.get_by_role("textbox", name="Name")).to_have_value("Sam Newcomer")
    expect(page.get_by_role("textbox", name="Email")).to_have_value(f"sam-{width}@mail.test")
    assert page.url.endswith(f"#/join?code={invite['code']}"), page.url
    assert not [seen for seen in asked if invite["code"] in seen or "Sam" in seen]
    axe_check(page, f"join-prefilled-{width}")
    screenshot(page, f"join-prefilled-{width}")
    page.get_by_role("textbox", name="Name").fill("Sam N.")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Welcome, Sam N.")).to_be_visible()


def test_a_code_typed_by_hand_fills_the_form_and_a_wrong_one_says_so(app, new_context, make_provider):
    provider = make_provider()
    invite = login(app, provider["email"]).post("/api/v1/invites", json={"name": "Robin"}).get_json()
    page = new_context(PHONE).new_page()
    page.goto("/#/join")
    code = page.get_by_role("textbox", name="Invite code")
    code.fill("WRONGCODE1")
    code.press("Tab")
    expect(page.get_by_text("This invite code cannot be used")).to_be_visible()
    code.fill(invite["code"].lower())
    code.press("Tab")
    expect(page.get_by_role("textbox", name="Name")).to_have_value("Robin")
    expect(page.get_by_text("This invite code cannot be used")).to_be_hidden()


@pytest.mark.parametrize(("device", "width"), SIZES)
def test_the_access_log_reads_one_line_per_person_kind_and_day(
    app, new_context, make_provider, make_patient, device, width
):
    hale = make_provider(name="Dr. Ada Hale", team_name=f"Team {uuid.uuid4().hex[:6]}")
    team = hale["email"]
    patient = make_patient(provider=hale, name="Pat Doe")
    pid = patient.user["id"]
    with app.app_context():
        from diary.accounts.models import User
        from diary.extensions import db

        team_name = db.session.scalar(db.select(User).where(User.email == team)).care_teams[0].name
    vale = make_provider(name="Dr Vale", team_name=team_name)
    vale_client, hale_client = login(app, vale["email"]), patient.provider_client
    for _ in range(3):
        for path in ("timeline", "entries", "flags"):
            assert vale_client.get(f"/api/v1/patients/{pid}/{path}").status_code == 200
    assert hale_client.get(f"/api/v1/patients/{pid}/export.csv?kind=entries").status_code == 200
    assert hale_client.get(f"/api/v1/patients/{pid}/fhir").status_code == 200
    assert hale_client.get(f"/api/v1/patients/{pid}/sessions.ics").status_code == 200

    page = new_context(device, bypass_csp=True).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Show the access log").click()
    log = page.locator("ul.log")
    expect(log).to_contain_text(re.compile(r"Dr Vale \(care team\) looked at your diary, 3 times on \w+ \d+"))
    expect(log).to_contain_text("Dr. Ada Hale (care team) exported your check-ins as CSV on")
    expect(log).to_contain_text("exported your check-ins and sessions as a FHIR bundle")
    expect(log).to_contain_text("exported your planned sessions as a calendar")
    expect(log).to_contain_text("You created your account")
    assert log.locator("li").count() <= 8
    assert "flag" not in log.inner_text().lower()
    log.scroll_into_view_if_needed()
    axe_check(page, f"access-log-{width}")
    screenshot(page, f"access-log-{width}")
