"""The patient's day (issue 13): first-run setup, a draft that survives a reload, the calm
"done for today" page and editing today's check-in, deleting from History, and a session
that ended while the app was open, with the check-in kept and sent after the next login."""

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete

from tests.conftest import PASSWORD, login
from tests.e2e.support import (
    DAILY_ANSWERS,
    DESKTOP,
    ITEMS,
    PHONE,
    answer_all,
    axe_check,
    expect,
    log_in,
    screenshot,
    seed_wearing_off,
    stored_entries,
)

pytestmark = pytest.mark.e2e


def took_the_standard_gad7(patient, days_ago=3):
    """A standard GAD-7 a few days back, so that today's check-in is the daily one."""
    at = datetime.now(UTC) - timedelta(days=days_ago)
    response = patient.post(
        "/api/v1/patients/me/entries", json={"recorded_at": at.isoformat(), "answers": [2] * 7}
    )
    assert response.status_code == 201 and response.get_json()["instrument"] == "gad7"


def test_first_run_sets_the_patient_up(app, live_server, new_context, make_provider):
    provider = make_provider()
    invite = login(app, provider["email"]).post("/api/v1/invites", json={}).get_json()
    email = f"sam-{uuid.uuid4().hex[:6]}@mail.test"
    page = new_context(PHONE, bypass_csp=True, timezone_id="Europe/Lisbon").new_page()
    page.goto(invite["url"])
    page.get_by_role("textbox", name="Name").fill("Sam First")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Welcome, Sam First")).to_be_visible()
    time = page.get_by_label("Reminder time")
    expect(time).to_have_value("20:00")  # the default, shown
    zone = page.get_by_role("combobox", name="Time zone")
    expect(zone).to_have_value("Europe/Lisbon")
    expect(page.get_by_text("Local time there now")).to_be_visible()
    expect(page.get_by_text("never anything about your health")).to_be_visible()  # why notifications
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_visible()
    screenshot(page, "day-01-first-run")
    axe_check(page, "day-first-run")

    time.fill("08:30")
    zone.fill("Nowhere/Atlantis")
    page.get_by_role("button", name="Save and go to my first check-in").click()
    expect(page.get_by_text("Please choose a time zone from the list")).to_be_visible()
    zone.fill("America/Chicago")
    page.get_by_role("button", name="Save and go to my first check-in").click()

    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    expect(
        page.get_by_text("Over the last 2 weeks, how often")
    ).to_be_visible()  # the first check-in is the standard GAD-7
    user = login(app, email)
    settings = user.get("/api/v1/me/settings").get_json()
    assert (
        settings
        | {
            "timezone": "America/Chicago",
            "reminder_time": "08:30",
            "reminders_enabled": True,
            "email_reminders": True,
        }
        == settings
    )


def test_a_draft_survives_a_reload_and_leaving_the_screen(app, new_context, make_patient):
    patient = make_patient()
    took_the_standard_gad7(patient)
    page = new_context(PHONE).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_text("Over the last 24 hours, how much of the time")).to_be_visible()
    expect(page.get_by_text("0 of 7 answered")).to_be_visible()

    first = page.get_by_role("radiogroup", name=ITEMS[0], exact=True)
    first.get_by_role("radio", name="Some of the time", exact=True).click()
    # Answering moves on to the next question.
    expect(
        page.get_by_role("radiogroup", name=ITEMS[1], exact=True).get_by_role("radio").first
    ).to_be_focused()
    page.get_by_role("radiogroup", name=ITEMS[1], exact=True).get_by_role(
        "radio", name="Nearly all the time", exact=True
    ).check()
    note = page.get_by_role("textbox", name="Note (optional)")
    note.fill("Slept badly")
    expect(page.get_by_text("1989 characters left")).to_be_visible()
    expect(page.get_by_text("2 of 7 answered")).to_be_visible()
    page.wait_for_timeout(600)  # the draft is written a moment after the last change

    page.reload()
    expect(page.get_by_text("Your unfinished check-in is here as you left it")).to_be_visible()
    expect(
        page.get_by_role("radiogroup", name=ITEMS[0], exact=True).get_by_role(
            "radio", name="Some of the time", exact=True
        )
    ).to_be_checked()
    expect(note).to_have_value("Slept badly")

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    page.go_back()
    expect(
        page.get_by_role("radiogroup", name=ITEMS[1], exact=True).get_by_role(
            "radio", name="Nearly all the time", exact=True
        )
    ).to_be_checked()

    # Save stays within reach while the questions scroll.
    expect(page.get_by_role("button", name="Save check-in")).to_be_in_viewport()
    answer_all(page, [1, 3, 0, 0, 1, 0, 0], DAILY_ANSWERS)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("Your score is 5 out of 21")
    page.reload()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()  # no draft, no blank form


def test_done_for_today_and_editing_todays_check_in(app, new_context, make_patient):
    patient = make_patient()
    took_the_standard_gad7(patient)
    page = new_context(PHONE, bypass_csp=True).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    answer_all(page, [1, 1, 1, 1, 1, 1, 1], DAILY_ANSWERS)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Your score is 7 out of 21, in the range of mild anxiety"
    )
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    expect(page.get_by_role("heading", name="If you feel worse")).to_be_visible()
    expect(page.get_by_text("your local emergency number")).to_be_visible()
    expect(page.get_by_text("not a diagnosis")).to_be_visible()
    recent = page.get_by_role("region", name="Your last days")
    expect(recent).to_contain_text("Today")
    expect(recent).to_contain_text("(two-week check)")
    expect(page.get_by_role("button", name="Save check-in")).to_have_count(0)
    screenshot(page, "day-02-done-for-today")
    axe_check(page, "day-done")

    page.get_by_role("button", name="Edit today's check-in").click()
    group = page.get_by_role("radiogroup", name=ITEMS[6], exact=True)
    expect(group.get_by_role("radio", name="Some of the time", exact=True)).to_be_checked()
    group.get_by_role("radio", name="Nearly all the time", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Your score is 9 out of 21")
    entries = stored_entries(app, patient.user["email"])
    assert len(entries) == 2 and entries[-1][1] == [1, 1, 1, 1, 1, 1, 3]


def test_deleting_a_check_in_from_history(app, new_context, make_patient):
    patient = make_patient()
    took_the_standard_gad7(patient, days_ago=2)
    at = datetime.now(UTC) - timedelta(days=1)
    assert (
        patient.post(
            "/api/v1/patients/me/entries", json={"recorded_at": at.isoformat(), "answers": [0] * 7}
        ).status_code
        == 201
    )
    page = new_context(DESKTOP, bypass_csp=True).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    page.get_by_role("link", name="History").click()
    cards = page.locator("article.entry")
    expect(cards).to_have_count(2)
    expect(page.get_by_role("heading", name=re.compile(r"\(two-week check\)$"))).to_be_visible()
    expect(page.get_by_role("button", name="Change this check-in")).to_have_count(
        2
    )  # both within the backfill window
    screenshot(page, "day-03-history")
    axe_check(page, "day-history")

    cards.first.get_by_role("button", name="Delete this check-in").click()
    dialog = page.get_by_role("dialog", name="Delete this check-in?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Keep it").click()
    expect(cards).to_have_count(2)
    cards.first.get_by_role("button", name="Delete this check-in").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status")).to_contain_text("is deleted")
    expect(cards).to_have_count(1)
    assert [answers for _, answers in stored_entries(app, patient.user["email"])] == [[2] * 7]

    # The time range: 90 days are asked for and shown pressed, and kept for the next visit.
    ranges = page.get_by_role("group", name="Time range")
    with page.expect_request(re.compile(r"/entries\?from=[\d-]+&to=[\d-]+$")) as asked:
        ranges.get_by_role("button", name="90 days").click()
    query = dict(part.split("=") for part in asked.value.url.split("?")[1].split("&"))
    assert (date.fromisoformat(query["to"]) - date.fromisoformat(query["from"])).days == 89
    expect(ranges.get_by_role("button", name="90 days")).to_have_attribute("aria-pressed", "true")
    expect(ranges.get_by_role("button", name="30 days")).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(
        page.get_by_role("group", name="Time range").get_by_role("button", name="90 days")
    ).to_have_attribute("aria-pressed", "true")


def test_an_expired_session_keeps_the_check_in_and_sends_it_after_login(app, new_context, make_patient):
    from diary.accounts.models import AuthSession
    from diary.extensions import db

    patient = make_patient()
    took_the_standard_gad7(patient)
    email = patient.user["email"]
    page = new_context(PHONE).new_page()
    log_in(page, email, PASSWORD)
    answer_all(page, [2, 2, 2, 0, 0, 0, 1], DAILY_ANSWERS)

    with app.app_context():  # the session ends on the server while the app stays open
        db.session.execute(delete(AuthSession))
        db.session.commit()
        db.session.remove()
    page.get_by_role("button", name="Save check-in").click()

    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    expect(page.get_by_text("Your session has ended")).to_be_visible()
    expect(page.locator("#notice")).to_contain_text("your check-in is kept on this device")
    screenshot(page, "day-04-session-ended", full_page=False)
    assert len(stored_entries(app, email)) == 1  # only the standard GAD-7 from before

    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#notice")).to_contain_text("has now been sent")
    entries = stored_entries(app, email)
    assert len(entries) == 2 and entries[-1][1] == [2, 2, 2, 0, 0, 0, 1]


def test_the_timeline_shows_the_standard_gad7_as_its_own_series(app, new_context, make_patient):
    from tests.e2e.support import seed_wearing_off

    app.config["BACKFILL_DAYS"] = 30
    patient = make_patient(name="Robin Series")
    session_day = seed_wearing_off(app, patient)
    now = datetime.now(UTC)
    for days_back in (28, 13):  # 8 days before the session (day -20), and 7 days into the cycle
        at = now - timedelta(days=days_back)
        body = {"recorded_at": at.isoformat(), "answers": [3, 3, 2, 2, 2, 2, 2], "instrument": "gad7"}
        assert patient.post("/api/v1/patients/me/entries", json=body).status_code == 201
    timeline = patient.provider_client.get(f"/api/v1/patients/{patient.user['id']}/timeline").get_json()
    assert [day["score"] for day in timeline["standard"]] == [16, 16]
    assert session_day.isoformat() not in {day["date"] for day in timeline["standard"]}

    desk = new_context(DESKTOP, bypass_csp=True).new_page()
    log_in(desk, patient.provider["email"], PASSWORD)
    desk.get_by_role("table", name="Patients").get_by_role("link", name="Robin Series").click()
    expect(desk.locator("figure canvas").first).to_be_visible()
    expect(desk.get_by_text("an adaptation, not validated").first).to_be_visible()
    expect(desk.locator(".chart-key").get_by_text("Standard GAD-7 (two weeks, validated)")).to_be_visible()
    desk.get_by_text("Show the scores as a list").click()
    expect(desk.get_by_role("cell", name="16 (standard GAD-7)")).to_have_count(2)
    screenshot(desk, "day-05-timeline-standard-series")
    axe_check(desk, "day-timeline")


def test_the_access_log_names_what_was_seen_in_plain_words_and_no_flag(app, new_context, make_patient):
    """Flags are the care team's tool: the patient reads that the team reviewed their diary."""
    app.config["BACKFILL_DAYS"] = 30
    patient = make_patient()
    seed_wearing_off(app, patient)
    team, pid = patient.provider_client, patient.user["id"]
    assert team.get(f"/api/v1/patients/{pid}/timeline").status_code == 200
    [flag] = team.get(f"/api/v1/patients/{pid}/flags?status=open").get_json()["items"]
    assert team.post(f"/api/v1/flags/{flag['id']}/acknowledge", json={}).status_code == 200

    page = new_context(PHONE).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Show the access log").click()
    log = page.locator("ul.log")
    expect(log).to_contain_text("(care team) looked at your diary")
    expect(log).to_contain_text("(care team) noted a review of your diary")
    expect(log).to_contain_text("You added")
    assert "flag" not in log.inner_text().lower()
    screenshot(page, "day-06-access-log")


def test_a_screen_left_open_over_midnight_offers_the_new_days_check_in(new_context, make_patient):
    """The check-in was done at 23:57; at midnight the screen is drawn again for the new day,
    instead of saying "Done for today" about the day before."""
    from zoneinfo import ZoneInfo

    patient = make_patient()
    took_the_standard_gad7(patient)
    zone = ZoneInfo(patient.user["timezone"])
    yesterday = datetime.now(zone).date() - timedelta(days=1)
    late = datetime.combine(yesterday, datetime.min.time(), zone) + timedelta(hours=23, minutes=57)
    page = new_context(PHONE).new_page()
    page.clock.install(time=late)
    log_in(page, patient.user["email"], PASSWORD)
    answer_all(page, [1, 1, 1, 1, 1, 1, 1], DAILY_ANSWERS)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()

    page.clock.run_for(5 * 60 * 1000)  # 00:02: the minute's check has drawn the new day
    expect(page.get_by_role("heading", name="Done for today")).to_have_count(0)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
