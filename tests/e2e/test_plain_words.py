"""Plain words for the figures a clinician sees (issues 24 and 25): the timeline's relief assessment
and the outcomes page say what each figure means; the engine's own figures are one click away."""

import re

import pytest

from tests.e2e.support import ARTIFACTS, PHONE, axe_check, expect, log_in, screenshot, seed_wearing_off

pytestmark = pytest.mark.e2e
WIDE_DESK = {"viewport": {"width": 1366, "height": 900}}
JARGON = re.compile(r"Threshold W|Nadir|Improvement regained|80 % of forecasts|best score", re.I)


@pytest.mark.parametrize("device", [PHONE, WIDE_DESK], ids=["390", "1366"])
def test_the_relief_assessment_in_plain_words_with_the_technical_figures_one_click_away(
    app, new_context, make_provider, make_patient, device
):
    app.config["BACKFILL_DAYS"] = 30
    provider = make_provider(name="Dr. Ada Hale")
    pat = make_patient(provider, name="Rowan Ash")
    # A baseline of 14 puts its line across the "moderate" label, the threshold near the "mild" one.
    seed_wearing_off(app, pat, days=16, baseline=[14] * 7)
    size = device["viewport"]["width"]
    page = new_context(device, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, provider["email"], provider["password"])
    page.get_by_role("link", name="Rowan Ash").click()
    assessment = page.get_by_role("region", name="Relief assessment")
    expect(assessment).to_contain_text("Before treatment (baseline)")
    expect(assessment).to_contain_text(
        re.compile(r"Best stretch since the course began[\d.]+: the lowest median of up to 7 scores in a row")
    )
    # a real score, one a GAD-7 total can take: the worked example's lowest after the session is 4
    expect(assessment).to_contain_text(re.compile(r"Lowest single score since the session4 on \w+"))
    expect(assessment).to_contain_text(
        re.compile(r"Benefit lost so far(\d+\s% of the improvement|All of it|None)")
    )
    expect(assessment).to_contain_text(re.compile(r"Relief counts as fading atscores of \d+ or more"))
    technical = assessment.locator("details.tech-figures")
    expect(technical).not_to_have_attribute("open", "")
    plain = assessment.locator("dl.facts").first
    assert not JARGON.search(plain.inner_text()), plain.inner_text()
    expect(technical.get_by_text("Threshold W (from B and N)")).to_be_hidden()
    technical.get_by_text("Technical figures").click()
    expect(technical.get_by_text("Threshold W (from B and N)")).to_be_visible()
    expect(technical).to_contain_text("Nadir N (lowest median of up to 7 scores)")
    expect(technical).to_contain_text("Regained fraction (S − N) / (B − N): the share of the benefit lost")

    chart = page.get_by_role("figure", name=re.compile("Daily GAD-7 scores"))
    expect(chart.locator(".chart-key")).to_contain_text("Before treatment (baseline): 14")
    expect(chart.locator(".chart-key")).to_contain_text(
        re.compile(r"Relief counts as fading at scores of \d+ or more \(threshold [\d.]+\)")
    )
    expect(chart.locator(".chart-key")).not_to_contain_text(JARGON)
    expect(chart.locator("canvas")).to_be_visible()
    axe_check(page, f"plain-words-timeline-{size}")
    assessment.scroll_into_view_if_needed()
    screenshot(page, f"plain-words-assessment-{size}", full_page=False)
    chart.scroll_into_view_if_needed()
    screenshot(page, f"plain-words-chart-{size}", full_page=False)


@pytest.mark.parametrize("device", [PHONE, WIDE_DESK], ids=["390", "1366"])
def test_the_outcomes_page_is_neutral_and_gives_the_fixed_day_response(app, new_context, device):
    from diary.db_types import utcnow
    from diary.demo import service as demo
    from diary.extensions import db

    with app.app_context():
        demo.seed(patients=12, days=180, now=utcnow())
        db.session.commit()
    page = new_context(device, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, demo.PROVIDER_EMAIL, demo.PASSWORD)
    page.get_by_role("link", name="Outcomes").click()
    response = page.get_by_role("region", name="Response after induction")
    expect(response).to_contain_text(re.compile(r"(\d+ %|—) on day 7 after the course"))
    expect(response).to_contain_text(re.compile(r"(\d+ %|—) at the best level reached"))
    table = response.get_by_role("table", name="Induction courses by response")
    expect(table.get_by_role("columnheader")).to_have_text(["Day 7", "Best level"])
    expect(table.get_by_role("rowheader")).to_have_text(
        ["Responded", "Did not respond", "Too little data to judge"]
    )
    timing = page.get_by_role("region", name="Maintenance sessions before the wear-off")
    expect(timing).to_contain_text("a high share may mean good timing, or more frequent dosing than needed")
    expect(timing).not_to_contain_text("Higher is better")
    for title in ("How long relief lasts, by course type", "How long relief lasts, by route"):
        figure = page.get_by_role("figure", name=re.compile(title))
        lines = figure.locator("path.km-line")
        dashes = [lines.nth(i).get_attribute("stroke-dasharray") for i in range(lines.count())]
        widths = [lines.nth(i).get_attribute("stroke-width") for i in range(lines.count())]
        # every curve its own dash and width: two that run together both show
        assert len(set(dashes)) == len(dashes) and len(set(widths)) == len(widths), (dashes, widths)
    expect(page.get_by_role("columnheader", name="Median days to the detected wear-off")).to_have_count(2)
    size = device["viewport"]["width"]
    axe_check(page, f"plain-words-outcomes-{size}")
    screenshot(page, f"plain-words-outcomes-{size}")
    response.screenshot(path=str(ARTIFACTS / f"plain-words-outcomes-response-{size}.png"))
    page.get_by_role("region", name="How long relief lasts, by route", exact=True).screenshot(
        path=str(ARTIFACTS / f"plain-words-outcomes-route-{size}.png")
    )

    # A demo patient's timeline (issue 24's Priya): the chart's band labels clear of the lines.
    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^Priya ")).first.click()
    chart = page.get_by_role("figure", name=re.compile("Daily GAD-7 scores"))
    expect(chart.locator("canvas")).to_be_visible()
    assessment = page.get_by_role("region", name="Relief assessment")
    expect(assessment.locator("dl.facts").first).not_to_contain_text(JARGON)
    chart.screenshot(path=str(ARTIFACTS / f"plain-words-demo-chart-{size}.png"))
    assessment.screenshot(path=str(ARTIFACTS / f"plain-words-demo-assessment-{size}.png"))
