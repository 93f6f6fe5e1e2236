"""The care team's desk (issue 14): the whole story on the patient page, one rule for time, any screen size."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.support import PHONE, axe_check, expect, log_in, screenshot, seed_wearing_off

pytestmark = pytest.mark.e2e
DENVER = "America/Denver"
BERLIN = "Europe/Berlin"
WIDE_DESK = {"viewport": {"width": 1366, "height": 900}}


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def assert_fits(page, device, name):
    width = device["viewport"]["width"]
    assert page_width(page) <= width, (
        f"{name}: the page is {page_width(page)} px wide in a {width} px viewport"
    )


@pytest.mark.parametrize("device", [PHONE, WIDE_DESK], ids=["390", "1366"])
def test_a_check_in_note_and_side_effects_on_the_timeline(
    app, new_context, make_provider, make_patient, device
):
    app.config["BACKFILL_DAYS"] = 30
    provider = make_provider(name="Dr. Ada Hale")
    jamie = make_patient(provider, name="Jamie Rivera")
    seed_wearing_off(app, jamie)
    recorded = datetime.now(UTC) - timedelta(minutes=2)
    response = jamie.post(
        "/api/v1/patients/me/entries",
        json={
            "recorded_at": recorded.isoformat(),
            "answers": [3, 2, 2, 1, 1, 0, 2],
            "difficulty": 2,
            "note": "Could not sleep; the what-ifs are back.",
            "side_effects": ["headache", "nausea"],
        },
    )
    assert response.status_code == 201, response.get_json()
    size = device["viewport"]["width"]

    page = new_context(device, timezone_id=BERLIN, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, provider["email"], provider["password"])
    expect(page.get_by_role("table", name="Patients")).to_be_visible()
    assert_fits(page, device, "worklist")
    page.get_by_role("link", name="Jamie Rivera").click()
    expect(page.get_by_role("heading", name="Jamie Rivera", level=1)).to_be_visible()

    notes = page.get_by_role("region", name="Notes and side effects")
    expect(notes.get_by_text("Could not sleep; the what-ifs are back.")).to_be_visible()
    expect(notes).to_contain_text("Side effects: Headache, Nausea")

    # The flag in plain words; its raw figures one click away.
    flag = page.locator("article.flag-wearing_off")
    expect(flag).to_contain_text(
        re.compile(
            r"Relief is wearing off: \d+ recent scores of \d+ or more \(where relief counts as fading\), 18 days after the last session"
        )
    )
    figures = flag.get_by_text("Figures", exact=True)
    detected = flag.get_by_text("Days from the session to the day the wear-off was detected")
    expect(detected).to_be_hidden()
    figures.click()
    expect(detected).to_be_visible()
    expect(flag).not_to_contain_text("nadir_date")

    days = page.get_by_role("region", name="Check-ins by day")
    # A click on the chart opens that day below it.
    over = page.locator("figure .u-over")
    box = over.bounding_box()
    over.click(position={"x": box["width"] * 0.97, "y": box["height"] * 0.5})  # a recent day, with a check-in
    expect(days.locator("details.day[open]")).to_have_count(1)
    days.locator("details.day[open]").evaluate("d => { d.open = false; }")
    today = days.locator("details.day").first
    today.locator("summary").click()
    expect(today).to_contain_text("Feeling nervous, anxious, or on edge")
    expect(today).to_contain_text("Nearly every day (3)")
    expect(today).to_contain_text("How difficult have these problems made it")
    expect(today).to_contain_text("Very difficult (2)")
    expect(today.get_by_text("Could not sleep; the what-ifs are back.")).to_be_visible()
    expect(today).to_contain_text("Side effects: Headache, Nausea")
    assert_fits(page, device, "timeline")
    today.scroll_into_view_if_needed()
    screenshot(page, f"desk-timeline-day-{size}", full_page=False)
    axe_check(page, f"desk-timeline-{size}")


def test_times_agree_for_a_patient_in_another_zone(app, new_context, make_provider, make_patient):
    """A patient in Denver, a provider's browser in Berlin: 10:00 is 10:00 MST everywhere, with 18:00 beside it."""
    provider = make_provider(name="Dr. Ada Hale")
    make_patient(provider, name="Casey Mountain", timezone_name=DENVER)
    day = (datetime.now(ZoneInfo(DENVER)) + timedelta(days=3)).date()
    starts = datetime(day.year, day.month, day.day, 10, 0, tzinfo=ZoneInfo(DENVER))

    desk = new_context(WIDE_DESK, timezone_id=BERLIN, locale="en-GB").new_page()
    log_in(desk, provider["email"], provider["password"])
    desk.get_by_role("link", name="Casey Mountain").click()
    expect(desk.get_by_role("heading", name="Casey Mountain", level=1)).to_be_visible()
    expect(desk.get_by_text("America/Denver (MST)").first).to_be_visible()
    desk.get_by_role("radio", name="Planned", exact=True).check()
    when = desk.get_by_label("Date and time")
    expect(when).to_have_accessible_description(
        re.compile(r"In the patient's time zone: America/Denver \(MST\)")
    )
    when.fill(f"{day.isoformat()}T10:00")
    desk.get_by_role("button", name="Record session").click()
    expect(desk.get_by_role("status")).to_contain_text("recorded")

    [treatment] = provider_treatments(app, provider)
    assert datetime.fromisoformat(treatment["starts_at"].replace("Z", "+00:00")) == starts

    sessions = desk.get_by_role("table", name="Sessions")
    expect(sessions).to_contain_text(re.compile(r"10:00 MST \(18:00 GMT\+1 your time\)"))
    desk.get_by_role("link", name="Back to worklist").click()
    row = desk.get_by_role("table", name="Patients").get_by_role("row").nth(1)
    expect(row).to_contain_text(re.compile(r"10:00 MST\s*18:00 GMT\+1 your time"))
    screenshot(desk, "desk-times-worklist", full_page=False)


def provider_treatments(app, provider):
    from tests.conftest import login

    client = login(app, provider["email"], provider["password"])
    [patient] = client.get("/api/v1/patients").get_json()["items"]
    assert patient["timezone"] == DENVER
    return client.get(f"/api/v1/patients/{patient['id']}/treatments").get_json()["items"]


def test_an_emailed_invite_opens_the_join_form_filled_in_and_can_be_revoked(
    app, new_context, make_provider, smtp_server
):
    app.config["SMTP_URL"] = smtp_server.url
    provider = make_provider(name="Dr. Ada Hale")
    desk = new_context(PHONE, timezone_id=BERLIN, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(desk, provider["email"], provider["password"])
    expect(desk.get_by_role("table", name="Patients")).to_be_visible()
    desk.get_by_text("Add a name or email to the invite (optional)").click()
    desk.get_by_label("Patient's name (optional)").fill("Sam Newcomer")
    desk.get_by_label("Patient's email (optional)").fill("sam@mail.test")
    desk.get_by_role("button", name="Invite patient").click()
    expect(desk.get_by_role("status")).to_contain_text("email queued for sam@mail.test")
    pending = desk.get_by_role("region", name="Pending invites")
    expect(pending).to_contain_text("Sam Newcomer · sam@mail.test")
    expect(pending).to_contain_text("email queued once")
    url = desk.locator("a.invite-url").get_attribute("href")
    assert_fits(desk, PHONE, "worklist with invites")
    axe_check(desk, "desk-invites-390")
    screenshot(desk, "desk-invites-390")

    phone = new_context(PHONE, timezone_id=BERLIN).new_page()
    phone.goto(url)
    # The link holds the code only; the server fills in the email, and not the name of an emailed invite.
    expect(phone.get_by_role("textbox", name="Email")).to_have_value("sam@mail.test")
    expect(phone.get_by_role("textbox", name="Name")).to_have_value("")

    code = url.split("code=")[1].split("&")[0]
    asked = []  # what a proxy's access log would keep: no request names the invite by its code
    desk.on("request", lambda request: asked.append(request.url))
    pending.get_by_role("button", name="Resend the invite for Sam Newcomer").click()
    expect(desk.get_by_role("status")).to_contain_text("queued to be emailed again")
    expect(pending).to_contain_text("email queued 2 times")
    pending.get_by_role("button", name="Revoke the invite for Sam Newcomer").click()
    pending.get_by_role("button", name="Confirm revoke: the invite for Sam Newcomer").click()
    expect(desk.get_by_role("status")).to_contain_text("was revoked")
    expect(pending).to_be_hidden()
    assert any("/api/v1/invites/" in seen for seen in asked)
    assert not [seen for seen in asked if code in seen]


def test_worklist_filters_search_and_overdue_mark(app, new_context, make_provider, make_patient):
    import uuid as uuid_module

    from sqlalchemy import update

    from diary.extensions import db
    from diary.monitoring.models import PatientSummary

    provider = make_provider(name="Dr. Ada Hale")
    late = make_patient(provider, name="Lee Late", timezone_name=DENVER)
    make_patient(provider, name="Cal Calm")
    from tests.conftest import login

    login(app, provider["email"], provider["password"]).get("/api/v1/patients")  # summaries exist
    past = (datetime.now(ZoneInfo(DENVER)) - timedelta(days=3)).date()
    with app.app_context():
        summary = db.session.get(PatientSummary, uuid_module.UUID(late.user["id"]))
        # The worklist shows the server's session_due (evaluation.session_due), as a refresh would set it.
        db.session.execute(
            update(PatientSummary)
            .where(PatientSummary.patient_id == summary.patient_id)
            .values(
                suggested_session_by=past,
                urgency_date=past,
                assessment={**(summary.assessment or {}), "session_due": "overdue"},
            )
        )
        db.session.commit()

    desk = new_context(WIDE_DESK, timezone_id=BERLIN, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(desk, provider["email"], provider["password"])
    table = desk.get_by_role("table", name="Patients")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("row").nth(1)).to_contain_text("overdue")
    desk.get_by_role("group", name="Show").get_by_role("button", name="Suggested date passed").click()
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Lee Late")
    desk.get_by_role("button", name="All patients").click()
    expect(table.get_by_role("row")).to_have_count(3)
    desk.get_by_role("searchbox", name="Search by name").fill("cal")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Cal Calm")
    assert_fits(desk, WIDE_DESK, "worklist")
    axe_check(desk, "desk-worklist-1366")
    screenshot(desk, "desk-worklist-1366")


@pytest.mark.parametrize("device", [PHONE, WIDE_DESK], ids=["390", "1366"])
def test_the_outcomes_page_draws_its_curves_for_the_demo_clinic(app, new_context, device):
    from diary.db_types import utcnow
    from diary.demo import service as demo

    with app.app_context():
        demo.seed(patients=12, days=180, now=utcnow())
        db_commit()
    page = new_context(device, timezone_id=BERLIN, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, demo.PROVIDER_EMAIL, demo.PASSWORD)
    expect(page.get_by_role("table", name="Patients")).to_be_visible()
    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Response after induction")).to_be_visible()
    expect(page.locator(".big-figure")).to_have_text([re.compile(r"^\d+ %$"), re.compile(r"^\d+ %$")])
    for title in ("How long relief lasts, by course type", "How long relief lasts, by route"):
        figure = page.get_by_role("figure", name=re.compile(title))
        expect(figure.get_by_role("img")).to_have_accessible_name(re.compile(r"median"))
        assert figure.locator("path.km-line").count() >= 2
    expect(
        page.get_by_role("table", name=re.compile("Maintenance sessions before and after the wear-off"))
    ).to_be_visible()
    csv_link = page.get_by_role("link", name="Download the figures (CSV)")
    assert "/api/v1/outcomes.csv?from=" in csv_link.get_attribute("href")
    assert_fits(page, device, "outcomes")
    size = device["viewport"]["width"]
    screenshot(page, f"desk-outcomes-{size}")
    axe_check(page, f"desk-outcomes-{size}")


def db_commit():
    from diary.extensions import db

    db.session.commit()
