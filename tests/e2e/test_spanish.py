"""A patient invited in Spanish, end to end (issue 26, docs/i18n.md): joins from a phone whose
browser speaks English (the invite's language wins), checks in on the validated US-Spanish GAD-7,
gets the daily reminder in Spanish at a real SMTP server, and reads the history in Spanish;
the care team reads the same answers in English, told they were given in Spanish.

The Spanish words of the PWA are looked up in its catalogue (``spanish``), those of the
instrument in the API: the test checks that each screen shows them, not what they say.
"""

import re
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import PASSWORD, login
from tests.e2e.support import (
    ANSWERS,
    DESKTOP,
    ITEMS,
    PATIENT_NAV,
    PHONE,
    SCREEN_TEXTS,
    Allowed,
    axe_check,
    either,
    expect,
    log_in,
    screenshot,
    server_texts,
    spanish,
)

pytestmark = pytest.mark.e2e

ZONE = "America/Mexico_City"
NAME = "Lucía Fernández"
#: The first item of the US-Spanish GAD-7 (Pfizer's translation, docs/instruments.md).
FIRST_ITEM = "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta"
ANSWERED = [1, 0, 2, 1, 0, 3, 1]  # 8 out of 21
#: The English reminder (tests/notifications/test_reminders.py): none of it may reach a Spanish reader.
ENGLISH_REMINDER = [
    "Time for your daily check-in",
    "It takes about a minute",
    "change the time of this reminder",
]


@pytest.fixture
def app_config(app_config, smtp_server):
    return {**app_config, "SMTP_URL": smtp_server.url, "MAIL_FROM": "Afterglow <no-reply@clinic.test>"}


def before_login(english):
    """A name on the join form, read before the invite's language is known: English or Spanish."""
    from diary.i18n import pwa_messages

    return either(english, pwa_messages("es").get(english) or english)


def api(page, path):
    """GET ``path`` in the page, with its session, as the PWA asks it."""
    return page.evaluate(
        "path => fetch(path, { credentials: 'same-origin' }).then(r => r.ok ? r.json() : Promise.reject(r.status))",
        path,
    )


def assert_spanish(page, screen):
    """The screen says it is Spanish, and shows none of the PWA's English texts that have a Spanish one."""
    from diary.i18n import pwa_messages

    expect(page.locator("html")).to_have_attribute("lang", "es")
    translated = {english for english, text in pwa_messages("es").items() if text != english}
    english = [i for i in page.evaluate(SCREEN_TEXTS) if i["text"] in translated]
    assert not english, f"{screen}: English on a Spanish screen: {english}"


def month_and_weekday(page, locale, zone):
    """Today's month and weekday names in ``locale``, long and short, as Intl writes them."""
    return page.evaluate(
        """([locale, timeZone]) => ['long', 'short'].flatMap(style => [
            new Intl.DateTimeFormat(locale, { timeZone, month: style }).format(new Date()),
            new Intl.DateTimeFormat(locale, { timeZone, weekday: style }).format(new Date()),
        ]).map(name => name.replace(/\\.$/, ''))""",
        [locale, zone],
    )


def has_word(text, word):
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def test_a_patient_invited_in_spanish_reads_spanish_and_the_care_team_english(
    app, live_server, new_context, make_provider, smtp_server
):
    provider = make_provider(name="Dr. Ada Hale", team_name="Harbour")
    response = login(app, provider["email"]).post("/api/v1/invites", json={"language": "es"})
    assert response.status_code == 201, response.get_json()
    invite = response.get_json()
    email = f"lucia-{uuid.uuid4().hex[:6]}@mail.test"

    # A phone whose browser speaks English: the invite's language must win.
    page = new_context(PHONE, locale="en-US", timezone_id=ZONE, bypass_csp=True).new_page()
    page.goto(invite["url"])
    expect(page.get_by_role("textbox", name=before_login("Invite code"))).to_have_value(invite["code"])
    page.get_by_role("textbox", name=before_login("Name")).fill(NAME)
    page.get_by_role("textbox", name=before_login("Email")).fill(email)
    page.get_by_role("textbox", name=before_login("Password")).fill(PASSWORD)
    axe_check(page, "spanish-01-join-390")
    screenshot(page, "spanish-01-join-390")
    page.get_by_role("button", name=before_login("Create account")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)  # the first-run setup
    me = api(page, "/api/v1/auth/session")["user"]
    assert (me["language"], me["timezone"]) == ("es", ZONE)
    assert_spanish(page, "welcome")
    axe_check(page, "spanish-02-welcome-390")
    screenshot(page, "spanish-02-welcome-390")
    page.get_by_role("link", name=spanish("Skip for now")).click()

    # The check-in: every radio group named by its Spanish item, every radio by its Spanish answer.
    expect(page.get_by_role("heading", name=spanish("Today's check-in"), level=1)).to_be_visible()
    for name in PATIENT_NAV:
        expect(page.get_by_role("link", name=spanish(name), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=spanish("Log out"))).to_be_visible()
    form = api(page, "/api/v1/me/checkin-form")
    assert form["instrument"] == "gad7"  # the first check-in is the standard one
    assert len(form["items"]) == 7 and form["items"][0] == FIRST_ITEM, form["items"]
    assert not set(form["items"]) & set(ITEMS) and not set(form["answers"]) & set(ANSWERS), form
    for item, value in zip(form["items"], ANSWERED, strict=True):
        group = page.get_by_role("radiogroup", name=item, exact=True)
        group.get_by_role("radio", name=form["answers"][value], exact=True).check()
    if form.get("safety"):
        safety = page.get_by_role("radiogroup", name=form["safety"]["question"], exact=True)
        safety.get_by_role("radio", name=form["safety"]["answers"][0], exact=True).check()
    assert_spanish(page, "check-in")
    axe_check(page, "spanish-03-checkin-390")
    screenshot(page, "spanish-03-checkin-390")
    page.get_by_role("button", name=spanish("Save check-in")).click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"(?<!\d)8(?!\d).*(?<!\d)21(?!\d)"))
    expect(status).to_be_in_viewport()
    assert_spanish(page, "check-in saved")
    axe_check(page, "spanish-04-checkin-saved-390")
    screenshot(page, "spanish-04-checkin-saved-390", full_page=False)
    with app.app_context():
        from sqlalchemy import select

        from diary.accounts.models import User
        from diary.checkins.models import Entry
        from diary.extensions import db

        user = db.session.scalars(select(User).filter_by(email=email)).one()
        [entry] = db.session.scalars(select(Entry).filter_by(patient_id=user.id)).all()
        assert (entry.answers, entry.language) == (ANSWERED, "es")
        db.session.remove()

    # The next evening's reminder, at a real SMTP server: Spanish, and nothing about health.
    tomorrow = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=1)
    at = datetime.combine(tomorrow, time(20, 0), ZoneInfo(ZONE))
    result = app.test_cli_runner().invoke(args=["scheduler", "tick", "--at", at.isoformat()])
    assert result.exit_code == 0, result.output
    smtp_server.wait_for(1)
    [mail] = smtp_server.to(email)
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    # Every word of it is the server's Spanish (its catalogue), the link or the brand.
    words = Allowed(patterns=server_texts("es"))
    assert not words.offending(mail["Subject"]), f"not Spanish: {mail['Subject']!r}"
    assert not words.offending(text), f"not Spanish: {words.offending(text)} in {text!r}"
    assert 'lang="es"' in html, html
    readable = f"{mail['Subject']}\n{text}\n{html}"
    for english in ENGLISH_REMINDER:
        assert english not in readable
    for private in (NAME, "Lucía", "GAD", "ansiedad", "puntuación", FIRST_ITEM):
        assert not has_word(readable, private), f"{private!r} in the reminder"
    assert not re.search(
        r"(?<![\d.:/])(8|21)(?![\d.:/])", re.sub(r"https?://\S+", "", f"{mail['Subject']}\n{text}")
    )

    # The history, in Spanish, its dates Intl's Spanish.
    page.get_by_role("link", name=spanish("History"), exact=True).click()
    expect(page.get_by_role("heading", name=spanish("History"), level=1)).to_be_visible()
    entries = page.locator("#main article")
    expect(entries.first).to_be_visible()
    shown = page.locator("#main").inner_text()
    in_spanish = month_and_weekday(page, "es", ZONE)
    in_english = set(month_and_weekday(page, "en-US", ZONE)) - set(in_spanish)
    assert any(has_word(shown, name) for name in in_spanish), (in_spanish, shown)
    assert not [name for name in in_english if has_word(shown, name)], (in_english, shown)
    assert_spanish(page, "history")
    axe_check(page, "spanish-05-history-390")
    screenshot(page, "spanish-05-history-390")

    # The care team reads the answers in English, told the patient answered in Spanish.
    desk = new_context(DESKTOP, locale="en-US", timezone_id=ZONE, bypass_csp=True).new_page()
    log_in(desk, provider["email"], provider["password"])
    desk.get_by_role("table", name="Patients").get_by_role("link", name=NAME).click()
    expect(desk.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    expect(desk.locator("html")).to_have_attribute("lang", "en")
    today = desk.get_by_role("region", name="Check-ins by day").locator("details.day").first
    today.evaluate("d => { d.open = true; }")
    answers = today.locator("article.day-item").filter(has_text=ITEMS[0])
    for item, value in zip(ITEMS, ANSWERED, strict=True):
        expect(answers).to_contain_text(item)
        expect(answers).to_contain_text(f"{ANSWERS[value]} ({value})")
    expect(answers).to_contain_text("Spanish")
    expect(answers).not_to_contain_text(FIRST_ITEM)
    answers.scroll_into_view_if_needed()
    axe_check(desk, "spanish-06-care-team-1280")
    screenshot(desk, "spanish-06-care-team-1280", full_page=False)
