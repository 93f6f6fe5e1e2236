"""Every screen of the PWA in the pseudo-locale at 360 px (docs/i18n.md, "Checks").

With ``localStorage['afterglow.pseudo'] = '1'`` the PWA shows every text of its catalogue
accented, bracketed and about 30 % longer (``⟦Šàṽé çĥéçķ-îñ····⟧``), so any English letter left
on a screen is a text that was never marked for translation, or a value put into a text
untranslated. Data may be English-looking: the names, emails and codes made here, the
instruments' texts and the server's Spanish (both the API's), dates and times (Intl's), zone
names, URLs and the brand (tests/e2e/support.py, ``Allowed``). Everyone here reads Spanish, so
the server answers in Spanish.

The longer texts must still fit a 360 px phone: no screen wider than the viewport, no element
sticking out of it. One test walks every role's screens and reports everything it found in one
message, grouped by screen, so that all of it can be fixed at once; the screenshots are
test-artifacts/e2e/pseudo-*.png, the report also pseudo-locale.txt.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD, login
from tests.e2e.support import (
    ARTIFACTS,
    COUNT_FETCHES,
    INTL_TEXTS,
    OVERFLOW,
    SCREEN_TEXTS,
    Allowed,
    expect,
    instrument_texts,
    pseudo_name,
    screenshot,
    seed_wearing_off,
    server_texts,
    settle,
)

pytestmark = pytest.mark.e2e

NARROW = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True}
SPANISH_PHONE = {"locale": "es-MX", "timezone_id": "Europe/Berlin"}
PSEUDO_ON = "if (location.protocol.startsWith('http')) localStorage.setItem('afterglow.pseudo', '1');"
# The clinic's words, in Spanish (docs/operations.md); the PWA shows the number apart as a link.
CRISIS_WORDS, CLINIC_HOURS = "(llamada o mensaje de texto)", "(lunes a viernes, de 8 a 18 h)"
CRISIS_LINE, CLINIC_CONTACT = f"988 {CRISIS_WORDS}", f"+1 555 0100 {CLINIC_HOURS}"
TEAM = "Harbour"
NOTE = "No pude dormir bien; vuelven los nervios."
FORMS = ["/api/v1/me/checkin-form", "/api/v1/checkin-forms/daily", "/api/v1/checkin-forms/gad7"]


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "BACKFILL_DAYS": 30,  # seed_wearing_off backfills 27 days
        "CRISIS_LINE": CRISIS_LINE,
        "CLINIC_CONTACT": CLINIC_CONTACT,
        "SMTP_URL": None,
    }


class Walk:
    """Looks at screens one by one and keeps, per screen, the texts that are neither pseudo text
    nor data and what sticks out of the viewport. A text is listed once, where first seen (the
    header's on the first screen), and once however many times a screen repeats it with other
    numbers (a day list)."""

    def __init__(self, page, data):
        self.found = {}
        self.listed = {}  # (where, text with its numbers blanked) -> the screen it was listed on
        self.intl = page.evaluate(INTL_TEXTS, {"locales": ["es", "es-MX"], "zoneLocales": ["en-US"]})
        self.data = list(data)
        self.allow()

    def allow(self, *data):
        """Adds data (say, what the API gave the page) to what the screens may show."""
        self.data += data
        self.allowed = Allowed(
            data=self.data, patterns=server_texts("es"), words=self.intl["texts"], zones=self.intl["zones"]
        )

    def look(self, page, screen):
        settle(page)
        # What a click shows counts too: folded details are opened.
        page.evaluate(
            "() => document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; })"
        )
        settle(page)
        lines, again = [], 0
        for item in page.evaluate(SCREEN_TEXTS):
            words = self.allowed.offending(item["text"])
            if not words:
                continue
            key = (re.sub(r"\d+", "#", item["where"]), re.sub(r"\d+", "#", item["text"]))  # ids are numbered
            if key in self.listed:
                again += 1
                continue
            self.listed[key] = screen
            lines.append(f"{item['where']}: {item['text'][:140]!r}  [{' '.join(dict.fromkeys(words))}]")
        overflow = page.evaluate(OVERFLOW)
        if overflow["page"]:
            wide, width = overflow["page"]
            lines.append(f"OVERFLOW: the page is {wide} px wide in a {width} px viewport")
        lines += [
            f"OVERFLOW: {o['where']} reaches {o['right']} px: {o['text'][:60]!r}"
            for o in overflow["elements"]
        ]
        screenshot(page, f"pseudo-{screen}")
        if lines or again:
            self.found[screen] = (lines, again)

    def report(self):
        return "".join(
            f"\n== {screen}: {len(lines)}"
            + (f" (and {again} listed above)" if again else "")
            + "\n"
            + "".join(f"  {line}\n" for line in lines)
            for screen, (lines, again) in self.found.items()
        )


def open_screen(page, hash_):
    """Goes to a route of the PWA and waits for its heading (not the previous screen's)."""
    if page.evaluate("() => location.hash") == hash_:
        expect(page.locator("#main h1").first).to_be_visible()
        return
    page.evaluate(
        "() => document.querySelectorAll('#main h1').forEach(h => h.setAttribute('data-stale', ''))"
    )
    page.evaluate("hash => { location.hash = hash; }", hash_)
    expect(page.locator("#main h1:not([data-stale])").first).to_be_visible()


def pseudo_context(new_context):
    context = new_context(NARROW, **SPANISH_PHONE)
    context.add_init_script(PSEUDO_ON + COUNT_FETCHES)
    return context


def log_in(page, email):
    open_screen(page, "#/login")
    page.get_by_role("textbox", name=pseudo_name("Email")).fill(email)
    page.get_by_role("textbox", name=pseudo_name("Password")).fill(PASSWORD)
    page.get_by_role("button", name=pseudo_name("Log in")).click()
    expect(page.locator("#nav")).to_be_visible()


def seed_daily_days(patient, days=5):
    """A few daily check-ins (one with a note and a side effect) and a dose at home, over the last days."""
    now = datetime.now(UTC) - timedelta(minutes=1)
    for back in range(days, 0, -1):
        body = {"recorded_at": (now - timedelta(days=back)).isoformat(), "instrument": "daily"}
        body["answers"] = [(back + i) % 4 for i in range(7)]
        if back == days:
            body |= {"note": NOTE, "side_effects": ["headache"]}
        response = patient.post("/api/v1/patients/me/entries", json=body)
        assert response.status_code == 201, response.get_json()
    response = patient.post(
        "/api/v1/patients/me/treatments",
        json={
            "status": "completed",
            "starts_at": (now - timedelta(days=3)).isoformat(),
            "route": "intranasal",
        },
    )
    assert response.status_code == 201, response.get_json()


def optional_mfa(app):
    """An administrator without a second factor set up can work (the clinic's setting off)."""
    from diary.accounts.models import ClinicSettings
    from diary.extensions import db

    with app.app_context():
        db.session.get(ClinicSettings, 1).mfa_required = False
        db.session.commit()
        db.session.remove()


def test_every_screen_is_in_the_pseudo_locale_and_fits_360_px(app, new_context, make_provider, make_patient):
    admin = make_provider(name="Ada Quintana", team_name=TEAM, admin=True)
    optional_mfa(app)
    admin_api = login(app, admin["email"])
    assert admin_api.patch("/api/v1/me", json={"language": "es"}).status_code == 200
    jamie = make_patient(admin, name="Jamie Rivera", language="es")
    seed_wearing_off(app, jamie)  # a wearing-off flag, 27 days of scores and a session
    planned = admin_api.post(
        f"/api/v1/patients/{jamie.user['id']}/treatments",
        json={
            "status": "planned",
            "starts_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
            "route": "iv",
        },
    )
    assert planned.status_code == 201, planned.get_json()
    robin = make_patient(admin, name="Robin Example", language="es")
    seed_daily_days(robin)  # daily check-ins only: today's is the standard GAD-7, with the safety question
    invite = admin_api.post(
        "/api/v1/invites", json={"name": "Sam Newcomer", "email": "sam@mail.test", "language": "es"}
    ).get_json()
    data = [admin["name"], admin["email"], TEAM, CRISIS_WORDS, CLINIC_HOURS, NOTE, invite["code"]]
    data += [
        "Sam Newcomer",
        "sam@mail.test",
        "Jamie Rivera",
        jamie.user["email"],
        "Robin Example",
        robin.user["email"],
    ]

    # Before login (the phone's language: es-MX), then the patient.
    phone = pseudo_context(new_context).new_page()
    phone.goto("/#/login")
    expect(phone.locator("#main h1")).to_be_visible()
    # Dates and times are Intl's, in the PWA's language (es) and the phone's (es-MX).
    walk = Walk(phone, data)
    walk.look(phone, "guest-login")
    phone.get_by_role("textbox", name=pseudo_name("Email")).fill(robin.user["email"])
    phone.get_by_role("textbox", name=pseudo_name("Password")).fill("not the password at all")
    phone.get_by_role("button", name=pseudo_name("Log in")).click()
    expect(phone.locator("#main .form-error:visible, #main [role=alert]:visible").first).to_be_visible()
    walk.look(phone, "guest-login-refused")
    open_screen(phone, "#/forgot")
    walk.look(phone, "guest-forgot")
    phone.get_by_role("textbox", name=pseudo_name("Email")).fill(robin.user["email"])
    phone.get_by_role("button", name=pseudo_name("Send reset link")).click()
    expect(phone.get_by_role("heading", name=pseudo_name("Check your email"))).to_be_visible()
    walk.look(phone, "guest-forgot-sent")
    open_screen(phone, f"#/join?code={invite['code']}")
    expect(phone.get_by_role("textbox", name=pseudo_name("Name"))).to_have_value("Sam Newcomer")
    walk.look(phone, "guest-join")

    log_in(phone, robin.user["email"])
    # The instruments' texts, as the API gives them to this patient, are data.
    walk.allow(*instrument_texts(phone, FORMS))
    open_screen(phone, "#/welcome")
    walk.look(phone, "patient-welcome")
    open_screen(phone, "#/checkin")
    expect(phone.get_by_role("radiogroup").first).to_be_visible()
    walk.look(phone, "patient-checkin")
    groups = phone.get_by_role("radiogroup")
    answered = 0
    while answered < groups.count():  # "Several days" everywhere: the safety answer shows crisis help
        groups.nth(answered).get_by_role("radio").nth(1).check()
        answered += 1
    phone.get_by_role("button", name=pseudo_name("Save check-in")).click()
    expect(phone.locator("#main [role=status]").filter(has_text=re.compile(r"\d"))).not_to_have_count(0)
    expect(
        phone.locator("#main [role=region], #main section").filter(has=phone.locator("a[href^='tel:']")).first
    ).to_be_visible()
    walk.look(phone, "patient-checkin-saved")
    phone.reload()
    expect(phone.locator("#main h1")).to_be_visible()
    walk.look(phone, "patient-done")
    for screen in ("history", "sessions", "settings", "help"):
        open_screen(phone, f"#/{screen}")
        walk.look(phone, f"patient-{screen}")
    open_screen(phone, "#/settings")
    phone.get_by_role("button", name=pseudo_name("Show the access log")).click()
    expect(phone.locator("ul.log li").first).to_be_visible()
    walk.look(phone, "patient-access-log")

    # The care team, at the same width (an administrator: the administration too).
    desk = pseudo_context(new_context).new_page()
    desk.goto("/#/login")
    log_in(desk, admin["email"])
    open_screen(desk, "#/patients")
    expect(desk.locator("#main table tbody tr").first).to_be_visible()
    walk.look(desk, "staff-worklist")
    desk.get_by_role("button", name=pseudo_name("Invite patient")).click()
    expect(desk.locator(".invite-result")).to_be_visible()
    walk.allow(desk.locator(".invite-result .invite-code").inner_text())
    walk.look(desk, "staff-invite")
    open_screen(desk, f"#/patients/{jamie.user['id']}")
    expect(desk.locator("#main figure").first).to_be_visible()
    walk.look(desk, "staff-timeline-wearing-off")
    open_screen(desk, f"#/patients/{robin.user['id']}")
    expect(desk.locator("#main figure").first).to_be_visible()
    expect(desk.locator("article.flag-safety")).to_be_visible()
    walk.look(desk, "staff-timeline-safety")
    desk.locator("#main form").filter(
        has=desk.get_by_role("button", name=pseudo_name("Record session"))
    ).locator("input[type=datetime-local]").first.fill("")
    desk.get_by_role("button", name=pseudo_name("Record session")).click()
    expect(desk.locator("#main .field-error:visible, #main .form-error:visible").first).to_be_visible()
    walk.look(desk, "staff-session-form-problems")
    for screen in ("outcomes", "account", "admin"):
        open_screen(desk, f"#/{screen}")
        walk.look(desk, f"staff-{screen}")

    (ARTIFACTS / "pseudo-locale.txt").write_text(walk.report() or "nothing found\n")
    assert not walk.found, (
        "Screens in the pseudo-locale with text that is not translated (English outside ⟦…⟧, or an "
        "untranslated value inside one) or that overflows 360 px; [the words that are not data]:"
        + walk.report()
    )
