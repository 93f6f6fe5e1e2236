"""The provider at a desk: worklist, timeline, flags, inviting a patient, recording a session."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import PASSWORD, login
from tests.e2e.support import DESKTOP, PHONE, expect, log_in, screenshot, seed_wearing_off

pytestmark = pytest.mark.e2e
BERLIN = "Europe/Berlin"


def test_worklist_timeline_and_acknowledging_a_flag(app, new_context, make_provider, make_patient):
    app.config["BACKFILL_DAYS"] = 30
    provider = make_provider(name="Dr. Ada Hale")
    make_patient(provider, name="Alex Quiet")
    jamie = make_patient(provider, name="Jamie Rivera")
    seed_wearing_off(app, jamie)
    [flag] = jamie.provider_client.get(f"/api/v1/patients/{jamie.user['id']}/flags?status=open").get_json()[
        "items"
    ]
    assert flag["kind"] == "wearing_off"

    page = new_context(DESKTOP, timezone_id=BERLIN).new_page()
    log_in(page, provider["email"], provider["password"])
    table = page.get_by_role("table", name="Patients")
    expect(table).to_be_visible()
    rows = table.get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two patients, the flagged one first
    expect(rows.nth(1)).to_contain_text("Jamie Rivera")
    expect(rows.nth(1)).to_contain_text("Wearing off")
    expect(rows.nth(2)).to_contain_text("Alex Quiet")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    screenshot(page, "provider-01-worklist")

    table.get_by_role("link", name="Jamie Rivera").click()
    expect(page.get_by_role("heading", name="Jamie Rivera", level=1)).to_be_visible()
    figure = page.get_by_role("figure", name=re.compile("Daily GAD-7 scores of Jamie Rivera"))
    expect(figure).to_be_visible()
    expect(figure.locator("canvas").first).to_be_visible()
    expect(figure.get_by_role("img")).to_have_accessible_name(re.compile(r"\d"))  # the text summary
    acknowledge = page.get_by_role("button", name="Acknowledge")
    expect(acknowledge).to_have_count(1)
    expect(acknowledge).to_have_accessible_description("Wearing off")
    screenshot(page, "provider-02-timeline")

    acknowledge.click()
    expect(page.get_by_role("status")).to_have_text('Flag "Wearing off" acknowledged.')
    expect(acknowledge).to_have_count(0)
    expect(page.get_by_text("No open flags.")).to_be_visible()
    screenshot(page, "provider-03-flag-acknowledged")

    flags = jamie.provider_client.get(f"/api/v1/patients/{jamie.user['id']}/flags").get_json()["items"]
    [stored] = [f for f in flags if f["id"] == flag["id"]]
    assert stored["status"] == "acknowledged"
    assert stored["acknowledged_by"] == provider["id"]


def test_the_timeline_draws_the_forecast_and_says_why(app, new_context, make_provider, make_patient):
    app.config["BACKFILL_DAYS"] = 30
    provider = make_provider(name="Dr. Ada Hale")
    sam = make_patient(provider, name="Sam Calm")
    seed_wearing_off(app, sam, days=10)  # day 10: relief, a forecast from the prior and the scores

    page = new_context(DESKTOP, timezone_id=BERLIN).new_page()
    log_in(page, provider["email"], provider["password"])
    page.get_by_role("table", name="Patients").get_by_role("link", name="Sam Calm").click()
    figure = page.get_by_role("figure", name=re.compile("Daily GAD-7 scores of Sam Calm"))
    expect(figure).to_be_visible()
    expect(figure).to_contain_text("Likely wear-off range (model's 10th–90th percentile)")
    expect(figure).to_contain_text("Suggested session by")
    expect(figure.get_by_role("img")).to_have_accessible_name(re.compile("Likely wear-off range"))
    expect(page.get_by_text("Why", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("typical duration stands in"))).to_be_visible()
    screenshot(page, "provider-04-forecast")


def test_invite_patient_then_record_a_session(app, new_context, make_provider):
    provider = make_provider(name="Dr. Ada Hale")
    desk = new_context(DESKTOP, timezone_id=BERLIN).new_page()
    log_in(desk, provider["email"], provider["password"])
    expect(desk.get_by_role("table", name="Patients")).to_be_visible()

    desk.get_by_role("button", name="Invite patient").click()
    code = desk.locator(".invite-code")
    expect(code).to_have_text(re.compile(r"^\S{8,}$"))
    invite_url = desk.locator("a.invite-url").get_attribute("href")
    assert invite_url.endswith(f"/#/join?code={code.inner_text()}")
    expect(desk.get_by_role("img", name=f"QR code for the invite link {invite_url}")).to_be_visible()
    expect(desk.get_by_role("status")).to_contain_text(code.inner_text())
    screenshot(desk, "provider-04-invite")

    phone = new_context(PHONE, timezone_id=BERLIN).new_page()
    phone.goto(invite_url)
    expect(phone.get_by_role("textbox", name="Invite code")).to_have_value(code.inner_text())
    phone.get_by_role("textbox", name="Name").fill("Sam Newcomer")
    phone.get_by_role("textbox", name="Email").fill(f"sam-{uuid.uuid4().hex[:6]}@mail.test")
    phone.get_by_role("textbox", name="Password").fill(PASSWORD)
    phone.get_by_role("button", name="Create account").click()
    expect(phone.get_by_role("heading", name="Welcome, Sam Newcomer")).to_be_visible()

    desk.reload()
    desk.get_by_role("table", name="Patients").get_by_role("link", name="Sam Newcomer").click()
    expect(desk.get_by_role("heading", name="Sam Newcomer", level=1)).to_be_visible()
    expect(desk.get_by_text("No sessions recorded yet.")).to_be_visible()
    started = (datetime.now(ZoneInfo(BERLIN)) - timedelta(hours=2)).replace(second=0, microsecond=0)
    desk.get_by_role("radio", name="Completed", exact=True).check()
    desk.get_by_label("Date and time").fill(started.strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_label("How it was given").select_option("iv")
    desk.get_by_label("Dose in mg (optional)").fill("40")
    desk.get_by_role("button", name="Record session").click()
    expect(desk.get_by_role("status")).to_contain_text("recorded")
    sessions = desk.get_by_role("table", name="Sessions")
    expect(sessions.get_by_role("row")).to_have_count(2)
    expect(sessions).to_contain_text("40 mg")
    screenshot(desk, "provider-05-session-recorded")

    provider_api = login(app, provider["email"])
    [patient] = provider_api.get("/api/v1/patients").get_json()["items"]
    [treatment] = provider_api.get(f"/api/v1/patients/{patient['id']}/treatments").get_json()["items"]
    assert treatment["status"] == "completed"
    assert treatment["route"] == "iv" and treatment["dose_mg"] == 40
    assert treatment["recorded_by"]["role"] == "provider"
    assert datetime.fromisoformat(treatment["starts_at"].replace("Z", "+00:00")) == started


def test_a_long_worklist_loads_its_later_pages_on_request(app, new_context):
    from diary.db_types import utcnow
    from diary.monitoring.evaluation import summarise_missing
    from tests.benchmarks.seed import seed_patients

    with app.app_context():
        seed_patients(101, days=1, team_name="Big clinic")
        summarise_missing(now=utcnow())  # a bulk load is summarised by the next relief pass
        provider_email = _bench_provider_email()
    page = new_context(DESKTOP).new_page()
    log_in(page, provider_email, PASSWORD)
    rows = page.get_by_role("table", name="Patients").get_by_role("row")
    expect(rows).to_have_count(101)  # the header and the first page of 100
    page.get_by_role("button", name="Show more patients").click()
    expect(rows).to_have_count(102)
    expect(page.get_by_role("button", name="Show more patients")).to_have_count(0)


def _bench_provider_email():
    from diary.accounts.models import User
    from diary.extensions import db

    return db.session.query(User.email).filter(User.role == "provider").one()[0]


def test_failing_email_reminders_are_said_in_words_to_the_care_team_and_the_patient(
    app, new_context, make_provider, make_patient
):
    from diary.accounts.models import Patient
    from diary.extensions import db

    provider = make_provider(name="Dr. Ada Hale")
    pat = make_patient(provider, name="Robin Unreachable")
    with app.app_context():  # as the delivery job records a reminder refused for good (5xx)
        db.session.get(Patient, uuid.UUID(pat.user["id"])).email_reminders_failed_at = datetime.now(
            ZoneInfo("UTC")
        )
        db.session.commit()

    desk = new_context(DESKTOP, timezone_id=BERLIN).new_page()
    log_in(desk, provider["email"], provider["password"])
    desk.get_by_role("link", name="Robin Unreachable").click()
    expect(desk.get_by_role("heading", name="Robin Unreachable", level=1)).to_be_visible()
    expect(desk.get_by_text("Email reminders are failing")).to_be_visible()
    screenshot(desk, "provider-05-email-reminders-failing")

    phone = new_context(PHONE, timezone_id=BERLIN).new_page()
    log_in(phone, pat.user["email"], PASSWORD)
    phone.get_by_role("link", name="Settings").click()
    expect(phone.get_by_text("Email reminders are not reaching you")).to_be_visible()
    screenshot(phone, "patient-email-reminders-failing")
