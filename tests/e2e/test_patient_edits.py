"""The patient's edits (issue 24): only inside the backfill window, older check-ins read-only
with one line saying to ask the care team; an edit or a deletion made offline waits in the
outbox and reaches the server exactly once; the patient's menu on one line at 360 px; "Your
last days" from the day the patient joined; no old "Saved" above an edit."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import PASSWORD
from tests.e2e.support import (
    DAILY_ANSWERS,
    DESKTOP,
    ITEMS,
    OUTBOX_COUNT,
    PATIENT_NAV,
    PHONE,
    answer_all,
    axe_check,
    expect,
    log_in,
    screenshot,
    stored_entries,
    wait_for_service_worker,
)

pytestmark = pytest.mark.e2e

ENTRY = "**/api/v1/entries/*"


def check_in(patient, days_ago, answers, instrument="daily"):
    at = datetime.now(UTC) - timedelta(days=days_ago, minutes=5)
    response = patient.post(
        "/api/v1/patients/me/entries",
        json={"recorded_at": at.isoformat(), "answers": answers, "instrument": instrument},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def age(app, entry_id, days):
    """Moves a check-in ``days`` further into the past, as if that much time had gone by."""
    from diary.checkins.models import Entry
    from diary.extensions import db

    with app.app_context():
        entry = db.session.get(Entry, uuid.UUID(entry_id))
        recorded = entry.recorded_at - timedelta(days=days)
        db.session.execute(
            update(Entry)
            .where(Entry.id == entry.id)
            .values(recorded_at=recorded, local_date=entry.local_date - timedelta(days=days))
        )
        db.session.commit()
        db.session.remove()


def joined_days_ago(app, email, days):
    from diary.accounts.models import User
    from diary.extensions import db

    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.email == email.lower())
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )
        db.session.commit()
        db.session.remove()


def audit_rows(app, entry_id, action):
    from diary.audit.models import AuditEvent
    from diary.extensions import db

    with app.app_context():
        try:
            return db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.resource == f"entry:{entry_id}", AuditEvent.action == action)
            )
        finally:
            db.session.remove()


def on_history(new_context, patient, device=PHONE):
    context = new_context(device, bypass_csp=True)
    page = context.new_page()
    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_role("heading", name="Today's check-in")).to_be_visible()
    wait_for_service_worker(page)
    page.get_by_role("link", name="History").click()
    expect(page.locator("article.entry").first).to_be_visible()
    return context, page


def test_older_check_ins_are_read_only_with_a_line_saying_whom_to_ask(app, new_context, make_patient):
    patient = make_patient()
    joined_days_ago(app, patient.user["email"], 30)
    for back in (1, 3, 5):
        check_in(patient, back, [1] * 7)
    for back, extra in ((5, 4), (6, 9), (4, 20)):
        age(app, check_in(patient, back, [2] * 7), extra)
    for width, device in (("390", PHONE), ("1366", {"viewport": {"width": 1366, "height": 900}})):
        context, page = on_history(new_context, patient, device)
        cards = page.locator("article.entry")
        expect(cards).to_have_count(6)
        expect(page.get_by_role("button", name="Change this check-in")).to_have_count(3)
        expect(page.get_by_role("button", name="Delete this check-in")).to_have_count(3)
        for old in range(3, 6):
            expect(cards.nth(old).get_by_role("button")).to_have_count(0)
        note = page.locator(".window-note")
        expect(note).to_have_count(1)
        expect(note).to_contain_text("If one needs to change, please ask your care team.")
        expect(page.get_by_text("Loading the chart")).to_have_count(0)
        screenshot(page, f"edits-01-history-read-only-{width}")
        axe_check(page, f"edits-history-{width}")
        context.close()


def test_an_edit_made_offline_is_queued_and_reaches_the_server_once(app, new_context, make_patient):
    patient = make_patient()
    email = patient.user["email"]
    entry_id = check_in(patient, 1, [1] * 7)
    context, page = on_history(new_context, patient)

    context.set_offline(True)
    card = page.locator("article.entry").first
    card.get_by_role("button", name="Change this check-in").click()
    answer_all(page, [3, 3, 1, 1, 1, 1, 1], DAILY_ANSWERS)
    page.get_by_role("button", name="Save changes").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("saved on this device and will be sent when you are online")
    expect(card).to_contain_text("Score 11 out of 21")
    expect(card).to_contain_text("Your change is saved on this device")
    # A second change of the same check-in, still offline, merges into the first.
    card.get_by_role("button", name="Change this check-in").click()
    expect(status).to_have_text("")  # the last "saved" is not left above the edit
    group = page.get_by_role("radiogroup", name=ITEMS[6], exact=True)
    group.get_by_role("radio", name=DAILY_ANSWERS[3], exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(card).to_contain_text("Score 13 out of 21")
    waiting = page.get_by_role("region", name="Waiting to be sent")
    expect(waiting).to_contain_text("A change to your check-in from")
    screenshot(page, "edits-02-offline-edit-waiting-390", full_page=False)
    assert page.evaluate(OUTBOX_COUNT) == 1
    assert stored_entries(app, email) == [(entry_id, [1] * 7)]

    # Back online: the first attempt reaches the server but its answer is lost; the retry
    # (same key) must not apply it a second time.
    attempts = []

    def reach_server_then_drop(route):
        if route.request.method != "PATCH":
            return route.fallback()
        attempts.append(route.request.headers.get("idempotency-key"))
        if len(attempts) == 1:
            route.fetch()
            return route.abort()
        return route.fallback()

    context.route(ENTRY, reach_server_then_drop)
    context.set_offline(False)
    for _ in range(100):
        if attempts:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)  # the failed flush has finished
    assert stored_entries(app, email) == [(entry_id, [3, 3, 1, 1, 1, 1, 3])]
    expect(waiting).to_be_visible()  # no answer came back: it still waits
    waiting.get_by_role("button", name="Send now").click()
    expect(page.locator("#notice")).to_contain_text("A change saved offline has now been sent")
    expect(waiting).to_be_hidden()
    assert len(attempts) == 2 and attempts[0] == attempts[1] and attempts[0]
    assert stored_entries(app, email) == [(entry_id, [3, 3, 1, 1, 1, 1, 3])]
    assert audit_rows(app, entry_id, "update") == 1
    assert page.evaluate(OUTBOX_COUNT) == 0
    page.reload()
    expect(page.locator("article.entry").first).to_contain_text("Score 13 out of 21")
    assert audit_rows(app, entry_id, "update") == 1


def test_a_deletion_made_offline_is_sent_when_online(app, new_context, make_patient):
    patient = make_patient()
    email = patient.user["email"]
    keep = check_in(patient, 2, [0] * 7)
    gone = check_in(patient, 1, [1] * 7)
    context, page = on_history(new_context, patient)
    context.set_offline(True)
    card = page.locator("article.entry").first
    card.get_by_role("button", name="Delete this check-in").click()
    page.get_by_role("dialog", name="Delete this check-in?").get_by_role("button", name="Delete").click()
    expect(card).to_contain_text("it will be deleted when you are back online")
    expect(card.get_by_role("button")).to_have_count(0)
    assert [i for i, _ in stored_entries(app, email)] == [keep, gone]
    context.set_offline(False)
    expect(page.locator("#notice")).to_contain_text("A change saved offline has now been sent")
    expect(page.locator("article.entry")).to_have_count(1)
    assert [i for i, _ in stored_entries(app, email)] == [keep]
    assert audit_rows(app, gone, "delete") == 1


def test_a_queued_edit_the_server_refuses_is_shown_not_lost(app, new_context, make_patient):
    patient = make_patient()
    email = patient.user["email"]
    entry_id = check_in(patient, 1, [1] * 7)
    context, page = on_history(new_context, patient)
    context.set_offline(True)
    page.get_by_role("button", name="Change this check-in").click()
    answer_all(page, [0] * 7, DAILY_ANSWERS)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("region", name="Waiting to be sent")).to_be_visible()
    age(app, entry_id, 10)  # the phone stayed offline for long: the check-in left the window
    context.set_offline(False)
    notice = page.locator("#notice")
    expect(notice).to_contain_text("could not be made")
    refused = page.get_by_role("region", name="Could not be sent")
    expect(refused).to_contain_text("ask your care team")
    # History shows what the server holds: the old answers, read-only now, nothing waiting.
    expect(page.get_by_role("button", name="Change this check-in")).to_have_count(0)
    expect(page.locator("article.entry").first).to_contain_text("Score 7 out of 21")
    expect(page.get_by_text("Your change is saved on this device")).to_have_count(0)
    expect(page.get_by_text("Loading the chart")).to_have_count(0)
    screenshot(page, "edits-03-refused-edit-390", full_page=False)
    axe_check(page, "edits-refused")
    assert stored_entries(app, email) == [(entry_id, [1] * 7)]
    page.reload()
    expect(refused).to_be_visible()  # kept until the patient has read it
    refused.get_by_role("button", name="Dismiss").click()
    expect(refused).to_be_hidden()
    assert page.evaluate(OUTBOX_COUNT) == 0


def test_the_patient_menu_fits_one_line_at_360_px(new_context, make_patient):
    patient = make_patient()
    for width in (360, 390):
        context = new_context({**PHONE, "viewport": {"width": width, "height": 780}}, bypass_csp=True)
        page = context.new_page()
        log_in(page, patient.user["email"], PASSWORD)
        expect(page.get_by_role("heading", name="Today's check-in")).to_be_visible()
        nav = page.get_by_role("navigation", name="Main")
        boxes = [nav.get_by_role("link", name=name).bounding_box() for name in PATIENT_NAV]
        assert len({round(box["y"]) for box in boxes}) == 1, boxes
        assert all(box["height"] >= 44 and box["width"] >= 44 for box in boxes), boxes
        assert max(box["x"] + box["width"] for box in boxes) <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"edits-04-menu-{width}", full_page=False)
        context.close()


def test_your_last_days_start_on_the_day_the_patient_joined(app, new_context, make_patient):
    patient = make_patient()
    joined_days_ago(app, patient.user["email"], 2)
    check_in(patient, 1, [1] * 7)
    page = new_context(PHONE, bypass_csp=True).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    answer_all(page, [0] * 7, DAILY_ANSWERS)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    recent = page.get_by_role("region", name="Your last days")
    expect(recent.locator("li")).to_have_count(3)  # today, yesterday and the day they joined
    expect(recent.locator("li").first).to_contain_text("Today")
    screenshot(page, "edits-05-last-days-from-joining-390")
    # The old "Saved" line does not stay above an edit.
    page.get_by_role("button", name="Edit today's check-in").click()
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("")
    page.set_viewport_size(DESKTOP["viewport"] | {"width": 1366})
    screenshot(page, "edits-06-edit-without-old-saved-1366")


def test_editing_todays_check_in_offline_is_queued_not_refused(app, new_context, make_patient):
    patient = make_patient()
    email = patient.user["email"]
    check_in(patient, 2, [1] * 7, "gad7")  # the standard GAD-7 taken: today's is the daily one
    context = new_context(PHONE, bypass_csp=True)
    page = context.new_page()
    log_in(page, email, PASSWORD)
    answer_all(page, [1] * 7, DAILY_ANSWERS)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("Saved. Your score is 7 out of 21")
    wait_for_service_worker(page)
    entry_id = stored_entries(app, email)[-1][0]

    context.set_offline(True)
    page.get_by_role("button", name="Edit today's check-in").click()
    answer_all(page, [2] * 7, DAILY_ANSWERS)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("It will be sent when online. Your score is 14")
    expect(
        page.get_by_text("It is saved on this device and will be sent when you are online.")
    ).to_be_visible()
    screenshot(page, "edits-07-today-edited-offline-390", full_page=False)
    axe_check(page, "edits-today-offline")
    assert stored_entries(app, email)[-1] == (entry_id, [1] * 7)

    context.set_offline(False)
    expect(page.locator("#notice")).to_contain_text("A change saved offline has now been sent")
    expect(page.get_by_text("It is saved on this device")).to_be_hidden()
    assert stored_entries(app, email)[-1] == (entry_id, [2] * 7)
    assert audit_rows(app, entry_id, "update") == 1
