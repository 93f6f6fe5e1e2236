"""The safety question in Chromium (docs/instruments.md, "The safety question"): a patient who
answers it above 0 sees crisis help before anything else; the care team's alert reaches a real
SMTP server within one run of the delivery job; the worklist shows the safety flag first;
"Need help now?" is on every patient screen."""

import re
from datetime import UTC, datetime

import pytest

from diary.scheduler.jobs import JOBS
from diary.scheduler.runner import run_job
from tests.conftest import PASSWORD
from tests.e2e.support import (
    DESKTOP,
    PATIENT_NAV,
    PHONE,
    answer_all,
    axe_check,
    expect,
    log_in,
    on_check_in,
    screenshot,
    seed_wearing_off,
)

pytestmark = pytest.mark.e2e
QUESTION = "Thoughts that you would be better off dead, or of hurting yourself in some way"
DELIVERY = next(job for job in JOBS if job.name == "delivery")
WIDE = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def app_config(app_config, smtp_server):
    return {
        **app_config,
        "SMTP_URL": smtp_server.url,
        "MAIL_FROM": "Afterglow <no-reply@clinic.test>",
        "CRISIS_LINE": "988 (call or text)",
        "CLINIC_CONTACT": "+1 555 0100 (weekdays 8-18)",
        "BACKFILL_DAYS": 30,
    }


def test_an_answer_above_0_shows_crisis_help_first_and_reaches_the_care_team(
    app, new_context, make_provider, make_patient, smtp_server
):
    provider = make_provider(name="Dr. Ada Hale", team_name="Harbour")
    other = make_patient(provider, name="Jamie Rivera")
    seed_wearing_off(app, other)  # a flagged patient already on the worklist
    robin = make_patient(provider, name="Robin Example")

    _context, page = on_check_in(new_context, robin, {**PHONE, "bypass_csp": True})
    group = page.get_by_role("radiogroup", name=QUESTION, exact=True)
    expect(group).to_be_visible()
    for label in ("Not at all", "Several days", "More than half the days", "Nearly every day"):
        expect(group.get_by_role("radio", name=label, exact=True)).to_have_count(1)
    expect(page.get_by_text("not in real time")).to_be_visible()
    answer_all(page, [1, 2, 1, 2, 1, 1, 2])
    group.get_by_role("radio", name="More than half the days", exact=True).check()
    page.get_by_role("textbox", name="Note (optional)").fill("A hard week.")
    box = group.locator(".option").first.bounding_box()
    assert box["height"] >= 44, box  # a big target
    screenshot(page, "safety-01-question-390")
    page.get_by_role("button", name="Save check-in").click()

    crisis = page.get_by_role("region", name="Help is here now")
    expect(crisis).to_be_visible()
    expect(crisis.get_by_role("heading", name="Help is here now")).to_be_focused()
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    # before anything else: above the score, the status and the page's other content
    expect(crisis.get_by_role("heading", name="Help is here now")).to_be_in_viewport()
    crisis_top = crisis.bounding_box()["y"]
    for other_part in (page.get_by_role("status"), page.get_by_role("heading", name="Done for today")):
        expect(other_part).to_be_visible()
        assert crisis_top < other_part.bounding_box()["y"]
    screenshot(page, "safety-02-crisis-help-390", full_page=False)
    axe_check(page, "safety-02-crisis-help-390")

    # "Need help now?" on every patient screen
    for name in PATIENT_NAV:
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("link", name="Need help now?")).to_be_visible()
    page.get_by_role("link", name="Need help now?").click()
    expect(page.get_by_role("heading", name="Need help now?", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(page.get_by_role("link", name="+1 555 0100")).to_have_attribute("href", "tel:+15550100")
    screenshot(page, "safety-03-need-help-390")
    axe_check(page, "safety-03-need-help-390")

    # the care team's alert: one run of the delivery job, a real SMTP server
    ok, summary = run_job(app, DELIVERY, datetime.now(UTC))
    assert ok, summary
    [mail] = smtp_server.to(provider["email"])
    text = mail["Subject"] + mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == "1 patient needs your attention"
    assert not re.search(r"Robin|safety|dead|hurt|crisis", text, re.I)

    # the worklist: the safety flag first, above the wearing-off patient
    desk = new_context(WIDE, bypass_csp=True).new_page()
    log_in(desk, provider["email"], PASSWORD)
    expect(desk.get_by_role("link", name="Need help now?")).to_have_count(0)  # patients' screens only
    expect(desk.locator("#userbox")).to_have_text(re.compile(r"^Dr\. Ada Hale\s*Log out$"))
    rows = desk.get_by_role("table", name="Patients").get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Robin Example")
    expect(rows.nth(1)).to_contain_text("Safety answer")
    expect(rows.nth(1)).to_contain_text("New note or side effect")
    expect(rows.nth(2)).to_contain_text("Jamie Rivera")
    screenshot(desk, "safety-04-worklist-1366")
    axe_check(desk, "safety-04-worklist-1366")
    phone_desk = new_context(PHONE, bypass_csp=True).new_page()
    log_in(phone_desk, provider["email"], PASSWORD)
    expect(phone_desk.get_by_role("link", name="Robin Example")).to_be_visible()
    screenshot(phone_desk, "safety-04-worklist-390")
    axe_check(phone_desk, "safety-04-worklist-390")

    # the timeline: acknowledging needs a note of what was done
    rows.nth(1).get_by_role("link", name="Robin Example").click()
    acknowledge = desk.get_by_role("button", name="Acknowledge")
    expect(acknowledge).to_have_count(1)
    note = desk.get_by_role("textbox", name="What was done (required)")
    expect(note).to_be_visible()
    desk.locator("details summary", has_text="score 10 (moderate)").click()
    expect(
        desk.get_by_text(re.compile(r"Safety question \(PHQ-9 item 9.*More than half the days \(2\)"))
    ).to_be_visible()
    screenshot(desk, "safety-05-timeline-1366")
    axe_check(desk, "safety-05-timeline-1366")
    acknowledge.click()
    expect(desk.get_by_text("Say what was done before acknowledging this flag.")).to_be_visible()
    expect(acknowledge).to_have_count(1)  # nothing was sent
    note.fill("Called Robin; safety plan reviewed, seen tomorrow.")
    acknowledge.click()
    expect(desk.get_by_role("status")).to_have_text('Flag "Safety answer" acknowledged.')
    expect(acknowledge).to_have_count(0)
    desk.get_by_role("link", name="Patients", exact=True).click()
    row = desk.get_by_role("table", name="Patients").get_by_role("row").filter(has_text="Robin Example")
    expect(row).to_contain_text("Safety answer acknowledged")  # it went down the list, with its note
    expect(row).not_to_contain_text("New note or side effect")  # the timeline was opened


def test_crisis_help_at_once_when_the_check_in_is_kept_offline(new_context, make_patient):
    robin = make_patient(name="Robin Offline")
    context, page = on_check_in(new_context, robin)
    context.set_offline(True)
    answer_all(page, [0, 1, 0, 1, 0, 1, 0])
    page.get_by_role("radiogroup", name=QUESTION, exact=True).get_by_role(
        "radio", name="Several days", exact=True
    ).check()
    page.get_by_role("button", name="Save check-in").click()
    crisis = page.get_by_role("region", name="Help is here now")
    expect(crisis).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("will be sent when online")
    expect(crisis.get_by_role("heading", name="Help is here now")).to_be_in_viewport()
    assert crisis.bounding_box()["y"] < page.get_by_role("status").bounding_box()["y"]
    screenshot(page, "safety-06-crisis-offline-390", full_page=False)


def test_need_help_now_at_1366(new_context, make_patient):
    robin = make_patient(name="Robin Wide")
    _context, page = on_check_in(new_context, robin, {**DESKTOP, **WIDE, "bypass_csp": True})
    expect(page.get_by_role("link", name="Need help now?")).to_be_visible()
    screenshot(page, "safety-07-check-in-1366")
    page.get_by_role("link", name="Need help now?").click()
    expect(page.get_by_role("heading", name="Need help now?", level=1)).to_be_visible()
    screenshot(page, "safety-08-need-help-1366")
    axe_check(page, "safety-08-need-help-1366")


def test_the_question_may_be_left_unanswered(new_context, make_patient):
    robin = make_patient(name="Robin Skips")
    _context, page = on_check_in(new_context, robin)
    expect(page.get_by_role("radiogroup", name=QUESTION, exact=True)).to_be_visible()
    answer_all(page, [0, 1, 0, 1, 0, 1, 0])
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("Your score is 3 out of 21")
    expect(page.get_by_role("region", name="Help is here now")).to_have_count(0)
    [entry] = robin.get("/api/v1/patients/me/entries").get_json()["items"]
    assert entry["instrument"] == "gad7" and entry["safety"] is None
