"""The worklist on a phone (issue 24): cards with the open flags in words, invites folded away,
the filter and search in the address; acknowledging a flag with a note, and undoing it."""

import re
import uuid

import pytest

from tests.e2e.support import PHONE, axe_check, expect, log_in, screenshot, seed_wearing_off

pytestmark = pytest.mark.e2e
WIDE_DESK = {"viewport": {"width": 1366, "height": 900}}
FLAG_WORDS = {
    "safety": "Safety answer",
    "urgent": "Urgent (not a risk assessment)",
    "side_effect": "Side effect",
    "wearing_off": "Wearing off",
    "data_gap": "No recent check-ins",
    "plan_maintenance": "Plan maintenance",
    "non_response": "No response",
}
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def add_safety_flag(app, patient):
    """A safety flag as the safety question raises it (another part of the app): open, no cycle."""
    from diary.db_types import utcnow
    from diary.extensions import db
    from diary.monitoring.flags import set_open_flags
    from diary.monitoring.models import Flag, PatientSummary

    with app.app_context():
        pid = uuid.UUID(patient.user["id"])
        now = utcnow()
        db.session.add(
            Flag(
                patient_id=pid,
                kind="safety",
                occurrence=f"safety:{now.isoformat()}",
                raised_on=now.date(),
                raised_at=now,
                details={},
                status="open",
            )
        )
        db.session.flush()
        summary = db.session.get(PatientSummary, pid)
        set_open_flags(summary, [*summary.open_flags, "safety"])
        db.session.commit()


def fits(page):
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def clinic(app, make_provider, make_patient):
    app.config["BACKFILL_DAYS"] = 30
    provider = make_provider(name="Dr. Ada Hale")
    lee = make_patient(provider, name="Lee Worn-Out Longname-Hyphenated")
    seed_wearing_off(app, lee)
    sam = make_patient(provider, name="Sam Safety")
    add_safety_flag(app, sam)
    make_patient(provider, name="Cal Calm")
    for who in ("Ann New", "Bo New"):
        response = lee.provider_client.post("/api/v1/invites", json={"name": who})
        assert response.status_code == 201, response.get_json()
    return provider


@pytest.mark.parametrize("device", [PHONE, SMALL_PHONE], ids=["390", "360"])
def test_the_phone_worklist_is_cards_with_the_flags_in_words(clinic, new_context, device):
    page = new_context(device, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, clinic["email"], clinic["password"])
    table = page.get_by_role("table", name="Patients")
    expect(table.get_by_role("row")).to_have_count(4)
    rows = table.get_by_role("row")
    # Most urgent first: the safety answer, then wearing off; each in words, on screen.
    expect(rows.nth(1)).to_contain_text("Sam Safety")
    expect(rows.nth(1).get_by_text("Safety answer")).to_be_visible()
    expect(rows.nth(2).get_by_text("Wearing off", exact=True).first).to_be_visible()
    expect(rows.nth(3)).to_contain_text("No open flags")
    for row in (rows.nth(1), rows.nth(2), rows.nth(3)):
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= device["viewport"]["width"]
    assert fits(page), "the worklist scrolls sideways"
    # The pending invites are folded away, with their count; the first patient is on the first screen.
    pending = page.get_by_role("region", name=re.compile("Pending invites"))
    expect(pending.locator("summary")).to_have_text("Pending invites (2)")
    assert pending.locator("details").evaluate("d => !d.open")
    assert rows.nth(1).bounding_box()["y"] < device["viewport"]["height"]
    size = device["viewport"]["width"]
    screenshot(page, f"worklist-cards-{size}")
    axe_check(page, f"worklist-cards-{size}")
    pending.locator("summary").click()
    expect(pending).to_contain_text("Ann New")
    assert fits(page)


def test_the_filter_and_search_survive_a_reload_and_back(clinic, new_context):
    page = new_context(PHONE, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, clinic["email"], clinic["password"])
    table = page.get_by_role("table", name="Patients")
    expect(table.get_by_role("row")).to_have_count(4)
    page.get_by_role("group", name="Show").get_by_role("button", name="Open flags").click()
    expect(page).to_have_url(re.compile(r"#/patients\?filter=open_flags$"))
    expect(table.get_by_role("row")).to_have_count(3)
    page.get_by_role("searchbox", name="Search by name").fill("sam")
    expect(page).to_have_url(re.compile(r"filter=open_flags&q=sam$"))
    expect(table.get_by_role("row")).to_have_count(2)

    page.reload()
    table = page.get_by_role("table", name="Patients")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Sam Safety")
    expect(page.get_by_role("button", name="Open flags")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("searchbox", name="Search by name")).to_have_value("sam")

    # The browser's back button returns to the filter before (the search replaced its own entry).
    page.go_back()
    expect(page).to_have_url(re.compile(r"#/patients$"))
    expect(page.get_by_role("table", name="Patients").get_by_role("row")).to_have_count(4)
    expect(page.get_by_role("button", name="All patients")).to_have_attribute("aria-pressed", "true")
    page.go_forward()
    expect(page).to_have_url(re.compile(r"filter=open_flags&q=sam$"))
    table = page.get_by_role("table", name="Patients")
    expect(table.get_by_role("row")).to_have_count(2)

    # To a patient and back by the page's link: the same list.
    table.get_by_role("link", name="Sam Safety").click()
    page.get_by_role("link", name="Back to worklist").click()
    expect(page).to_have_url(re.compile(r"filter=open_flags&q=sam$"))
    expect(page.get_by_role("table", name="Patients").get_by_role("row")).to_have_count(2)


@pytest.mark.parametrize("device", [PHONE, WIDE_DESK], ids=["390", "1366"])
def test_acknowledge_with_a_note_undo_and_the_note_on_the_worklist(app, clinic, new_context, device):
    size = device["viewport"]["width"]
    page = new_context(device, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, clinic["email"], clinic["password"])
    page.get_by_role("link", name="Sam Safety").click()
    # A safety flag is acknowledged with a note only.
    card = page.locator("article.flag-safety")
    expect(card.get_by_role("heading", name="Safety answer")).to_be_visible()
    card.get_by_role("button", name="Acknowledge").click()
    expect(card.get_by_text("Say what was done before acknowledging this flag.")).to_be_visible()
    card.scroll_into_view_if_needed()
    screenshot(page, f"timeline-flag-note-{size}", full_page=False)
    axe_check(page, f"timeline-flag-note-{size}")
    card.get_by_label("What was done (required)").fill("Called; safety plan reviewed")
    card.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status").first).to_contain_text('Flag "Safety answer" acknowledged.')
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    acknowledged = page.get_by_role("list", name="Acknowledged, still standing:")
    expect(acknowledged).to_contain_text("Acknowledged by Dr. Ada Hale")
    expect(acknowledged).to_contain_text("Called; safety plan reviewed")
    screenshot(page, f"timeline-flag-acknowledged-{size}", full_page=False)
    axe_check(page, f"timeline-flag-acknowledged-{size}")

    undo.click()
    expect(page.get_by_role("status").first).to_contain_text("is open again")
    expect(page.get_by_role("button", name="Acknowledge")).to_be_visible()
    expect(page.get_by_role("list", name="Acknowledged, still standing:")).to_have_count(0)
    card.get_by_label("What was done (required)").fill("Called, booked for Tuesday")
    card.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("list", name="Acknowledged, still standing:")).to_contain_text(
        "Called, booked for Tuesday"
    )

    page.get_by_role("link", name="Back to worklist").click()
    row = page.get_by_role("table", name="Patients").get_by_role("row").filter(has_text="Sam Safety")
    expect(row).to_contain_text("Safety answer acknowledged by Dr. Ada Hale")
    expect(row).to_contain_text("Called, booked for Tuesday")
    assert fits(page)
    screenshot(page, f"worklist-acknowledged-{size}", full_page=False)
    axe_check(page, f"worklist-acknowledged-{size}")


def test_a_closed_flag_says_why_in_words(app, make_provider, make_patient, new_context):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    app.config["BACKFILL_DAYS"] = 30
    provider = make_provider(name="Dr. Ada Hale")
    jo = make_patient(provider, name="Jo Rivera")
    seed_wearing_off(app, jo)
    [flag] = jo.provider_client.get(f"/api/v1/patients/{jo.user['id']}/flags?status=open").get_json()["items"]
    jo.provider_client.post(f"/api/v1/flags/{flag['id']}/acknowledge", json={"note": "Booked for today"})
    zone = ZoneInfo(jo.user["timezone"])
    today = datetime.now(zone).date()
    response = jo.provider_client.post(
        f"/api/v1/patients/{jo.user['id']}/treatments",
        json={
            "status": "completed",
            "starts_at": datetime.combine(today, time(0, 5), zone).isoformat(),
            "route": "iv",
            "dose_mg": 35,
        },
    )
    assert response.status_code == 201, response.get_json()
    for device in (PHONE, WIDE_DESK):
        size = device["viewport"]["width"]
        page = new_context(device, bypass_csp=True, reduced_motion="reduce").new_page()
        log_in(page, provider["email"], provider["password"])
        page.get_by_role("link", name="Jo Rivera").click()
        page.get_by_text(re.compile(r"^Earlier flags \(\d+\)$")).click()
        earlier = page.locator(".flag-earlier").filter(has_text="Wearing off")
        expect(earlier).to_contain_text("Closed when a new course of sessions began")
        expect(earlier).to_contain_text("Acknowledged by Dr. Ada Hale")
        expect(earlier).to_contain_text("Booked for today")
        earlier.scroll_into_view_if_needed()
        screenshot(page, f"timeline-flag-resolution-{size}", full_page=False)
        axe_check(page, f"timeline-flag-resolution-{size}")


def test_the_demo_clinic_on_a_phone_shows_every_open_flag_in_words(app, new_context):
    from diary.db_types import utcnow
    from diary.demo import service as demo
    from diary.extensions import db

    with app.app_context():
        demo.seed(patients=12, days=180, now=utcnow())
        db.session.commit()
    page = new_context(PHONE, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, demo.PROVIDER_EMAIL, demo.PASSWORD)
    table = page.get_by_role("table", name="Patients")
    expect(table.get_by_role("row").nth(1)).to_be_visible()
    from tests.conftest import login

    items = login(app, demo.PROVIDER_EMAIL, demo.PASSWORD).get("/api/v1/patients").get_json()["items"]
    expect(table.get_by_role("row")).to_have_count(len(items) + 1)
    assert any(item["open_flags"] for item in items)
    for item in items:
        row = table.get_by_role("row").filter(has=page.get_by_role("link", name=item["name"], exact=True))
        words = [FLAG_WORDS[kind] for kind in item["open_flags"]]
        tags = row.locator(".flag-tag")
        expect(tags).to_have_text(words)  # every open flag, most urgent first, in words
        for n in range(len(words)):
            box = tags.nth(n).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (item["name"], words[n])
    assert fits(page), "the demo worklist scrolls sideways"
    screenshot(page, "worklist-demo-390")
    axe_check(page, "worklist-demo-390")
