"""Helpers for the end-to-end tests: devices, screenshots, axe, and the app's own words.

Accessible names come from docs/api.md, "The PWA's accessible names", written out here on purpose:
the tests find controls the way a screen reader user would, and a renamed
button should fail them.
"""

import json
import re
from datetime import UTC
from pathlib import Path

from diary.gad7 import ITEMS as GAD7_ITEMS
from tests.conftest import PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.py skips every test here (or fails them under DIARY_REQUIRE_BROWSER=1)
    expect = None
else:
    expect.set_options(timeout=10_000)  # shared CI machines can be slow; a pass never waits this long

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

ITEMS = [item.text for item in GAD7_ITEMS]
ANSWERS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]  # the standard GAD-7
DAILY_ANSWERS = [
    "Not at all",
    "Some of the time",
    "More than half the time",
    "Nearly all the time",
]  # the daily one
PATIENT_NAV = ["Check in", "History", "Sessions", "Settings"]

# The outbox database, named where the front end names it.
OUTBOX_DB = re.search(r"const DB_NAME = '([^']+)'", (ROOT / "frontend/js/outbox.js").read_text()).group(1)


def screenshot(page, name, full_page=True):
    """Saves test-artifacts/e2e/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_check(page, name):
    """Runs axe-core on the page as it is now; fails on serious or critical violations.

    The page's context must be made with ``bypass_csp=True``: the app's policy
    (rightly) refuses the inline script that add_script_tag uses to carry axe in.
    Every violation, minor ones included, is saved to test-artifacts/e2e/<name>.axe.json.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    assert result["passes"], "axe checked nothing: is the page empty?"
    violations = result["violations"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(violations, indent=1))
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:5]]}" for v in bad
    ]
    assert not bad, f"axe on {name}: serious or critical violations:\n" + "\n".join(lines)
    return violations


def log_in(page, email, password, path="/#/login"):
    page.goto(path)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def on_check_in(new_context, patient, device=None):
    """(context, page): ``patient`` logged in on the check-in screen, the service worker ready."""
    context = new_context(device or PHONE)
    page = context.new_page()
    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    wait_for_service_worker(page)
    return context, page


def answer_all(page, answers, labels=ANSWERS):
    """Ticks one answer per GAD-7 item, finding each group by the item's text (``labels``: the instrument's answers)."""
    for item, value in zip(ITEMS, answers, strict=True):
        group = page.get_by_role("radiogroup", name=item, exact=True)
        group.get_by_role("radio", name=labels[value], exact=True).check()


def wait_for_service_worker(page):
    """Waits until the service worker is active and controls the page (the shell is precached)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def database_names(page):
    return page.evaluate("indexedDB.databases().then(list => list.map(d => d.name))")


def stored_entries(app, email):
    """What the server holds for the patient with this email: [(id, answers)], oldest first."""
    from diary.accounts.models import User
    from diary.checkins.models import Entry
    from diary.extensions import db

    with app.app_context():
        try:
            user = db.session.execute(db.select(User).filter_by(email=email.lower())).scalar_one()
            rows = db.session.execute(
                db.select(Entry).filter_by(patient_id=user.id).order_by(Entry.recorded_at)
            ).scalars()
            return [(str(entry.id), entry.answers) for entry in rows]
        finally:
            db.session.remove()


# the v1 worked example (docs/relief.md): baseline 16, a session on day 0, relief, then scores
# climbing back over the threshold: `wearing_off` is raised on day 18.
WORKED_BASELINE = [16, 15, 17, 16, 16, 15, 17]  # days -7..-1
WORKED_AFTER = [9, 6, 5, 5, 4, 5, 5, 6, 5, 5, 6, 7, 8, 9, 10, 11, 12, 12, 13, 14]  # days 1..20


def seed_wearing_off(app, patient, days=None, baseline=WORKED_BASELINE):
    """Backfills the worked example through the API so that today is day ``days``, 20 by default
    (wearing off; needs BACKFILL_DAYS >= days + 8); ``baseline``: the 7 scores before the session."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(patient.user["timezone"])
    now = datetime.now(UTC) - timedelta(minutes=1)
    today = now.astimezone(zone).date()
    days = len(WORKED_AFTER) if days is None else days
    session_day = today - timedelta(days=days)

    def noon(day):
        return datetime.combine(day, time(12, 0), zone)

    def answers(total):
        return [total // 7 + (1 if i < total % 7 else 0) for i in range(7)]

    scores = {session_day - timedelta(days=7 - i): s for i, s in enumerate(baseline)}
    scores |= {session_day + timedelta(days=1 + i): s for i, s in enumerate(WORKED_AFTER[:days])}
    for day, total in scores.items():
        at = now if day == today else noon(day)
        body = {"recorded_at": at.isoformat(), "answers": answers(total), "instrument": "daily"}
        response = patient.post("/api/v1/patients/me/entries", json=body)
        assert response.status_code == 201, response.get_json()
    response = patient.provider_client.post(
        f"/api/v1/patients/{patient.user['id']}/treatments",
        json={
            "status": "completed",
            "starts_at": datetime.combine(session_day, time(9, 0), zone).isoformat(),
            "route": "iv",
            "dose_mg": 35,
        },
    )
    assert response.status_code == 201, response.get_json()
    return session_day


def seed_recent_days(patient, days=5):
    """A few check-ins over the last days and one dose, so the patient's screens have content."""
    from datetime import datetime, timedelta

    now = datetime.now(UTC) - timedelta(minutes=1)
    for back in range(days, 0, -1):
        answers = [(back + i) % 4 for i in range(7)]
        response = patient.post(
            "/api/v1/patients/me/entries",
            json={"recorded_at": (now - timedelta(days=back)).isoformat(), "answers": answers},
        )
        assert response.status_code == 201, response.get_json()
    response = patient.post(
        "/api/v1/patients/me/treatments",
        json={
            "status": "completed",
            "starts_at": (now - timedelta(days=3)).isoformat(),
            "route": "intranasal",
            "dose_mg": 56,
        },
    )
    assert response.status_code == 201, response.get_json()


def relative_luminance(css_color):
    """WCAG relative luminance of an ``rgb(...)``/``rgba(...)`` string."""
    channels = [float(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


# A value the code forgot to format: "null" from Element.append(null), "undefined", "NaN", "[object Object]".
STRAY_VALUE = re.compile(r"(?<![A-Za-z])(null|undefined|NaN)|\[object \w+\]")


def assert_no_stray_values(page, name):
    text = page.locator("body").inner_text()
    found = [(m.group(0), text[max(0, m.start() - 40) : m.end() + 10]) for m in STRAY_VALUE.finditer(text)]
    assert not found, f"{name}: raw values on the screen: {found[:3]}"


#: How many changes wait in the PWA's outbox (IndexedDB), for page.evaluate.
OUTBOX_COUNT = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('afterglow-outbox');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('items')) { db.close(); return resolve(0); }
        const req = db.transaction('items').objectStore('items').count();
        req.onsuccess = () => { db.close(); resolve(req.result); };
    };
})"""


# ---- languages: Spanish screens and the pseudo-locale (docs/i18n.md) -------------------------


def spanish(english):
    """The PWA's Spanish for one of its English texts, as the server hands it over; fails naming
    the text when it has none (not translated yet, or the English source changed)."""
    from diary.i18n import pwa_messages

    found = pwa_messages("es").get(english)
    assert isinstance(found, str) and found, f"no Spanish in pwa.po for {english!r}"
    return found


def either(english, other):
    """An exact accessible name that is ``english`` or ``other`` (its translation, its pseudo text)."""
    return re.compile(rf"^(?:{re.escape(english)}|{re.escape(other)})$")


def pseudo_name(english):
    """The name a control has in the pseudo-locale: its pseudo text, or the English one while it is
    not marked for translation yet (the pseudo test reports those; it still needs to get around)."""
    from diary.i18n import pseudo

    return either(english, pseudo(english))


#: Counts the page's requests in flight, so a walk can wait until a screen has what it asked for.
COUNT_FETCHES = """(() => {
    if (!window.fetch) return;
    const fetch = window.fetch;
    window.__inflight = 0;
    window.fetch = (...args) => {
        window.__inflight += 1;
        return fetch(...args).finally(() => { window.__inflight -= 1; });
    };
})();"""


def settle(page):
    """Waits until the page's requests are answered and two frames drawn after them."""
    page.wait_for_function("() => (window.__inflight || 0) === 0")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


#: A short CSS path of an element, for the reports (JavaScript, shared by the two below).
_PATH = """    const path = (el) => {
        const parts = [];
        for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
            let part = e.localName;
            if (e.id) { parts.unshift(`${part}#${e.id}`); break; }
            const classes = [...e.classList].slice(0, 2).join('.');
            parts.unshift(classes ? `${part}.${classes}` : part);
        }
        return parts.join(' > ');
    };
"""

#: Every text a person meets on the screen as it is now, for page.evaluate: [{text, where}].
#: Visible text nodes (and the options of visible selects, the titles of visible SVGs), the
#: aria-label, aria-description, placeholder, title, alt and aria-valuetext of visible elements,
#: the value of visible input buttons, and the document's title (a screen reader reads it).
SCREEN_TEXTS = """() => {
__PATH__    const visible = (el) => el.checkVisibility({ checkVisibilityCSS: true });
    const shows = (el) => {
        if (el.closest('script, style, noscript, template, datalist')) return false;
        if (el.localName === 'option' || el.localName === 'optgroup') {
            const select = el.closest('select');
            return Boolean(select) && visible(select);
        }
        const svg = el.closest('svg');
        if (svg && (el.localName === 'title' || el.localName === 'desc')) return visible(svg);
        return visible(el);
    };
    const out = [{ text: document.title, where: 'title' }];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.data.trim();
        if (text && node.parentElement && shows(node.parentElement)) out.push({ text, where: path(node.parentElement) });
    }
    const ATTRIBUTES = ['aria-label', 'aria-description', 'placeholder', 'title', 'alt', 'aria-valuetext'];
    for (const el of document.body.querySelectorAll('*')) {
        if (!shows(el)) continue;
        for (const name of ATTRIBUTES) {
            const text = (el.getAttribute(name) || '').trim();
            if (text) out.push({ text, where: `${path(el)} [${name}]` });
        }
        if (el.localName === 'input' && ['submit', 'button', 'reset'].includes(el.type) && el.value.trim()) {
            out.push({ text: el.value.trim(), where: `${path(el)} [value]` });
        }
    }
    return out;
}""".replace("__PATH__", _PATH)

#: What sticks out of the viewport, for page.evaluate: {page: [scrollWidth, innerWidth] or null,
#: elements: [{where, text, right}]}. An element inside a scrolling (or clipping) box that itself
#: fits does not count; of nested offenders only the outermost is listed.
OVERFLOW = """() => {
    const width = window.innerWidth;
__PATH__    const inFittingScroller = (el) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return a.getBoundingClientRect().right <= width + 1;
        }
        return false;
    };
    const offenders = [];
    for (const el of document.body.querySelectorAll('*')) {
        if (!el.checkVisibility({ checkVisibilityCSS: true })) continue;
        const box = el.getBoundingClientRect();
        if (!box.width || !box.height || box.right <= width + 1 || inFittingScroller(el)) continue;
        if (offenders.some((o) => o.el.contains(el))) continue;
        offenders.push({ el, where: path(el), text: (el.innerText || '').trim().slice(0, 80), right: Math.round(box.right) });
    }
    const wide = document.documentElement.scrollWidth;
    return {
        page: wide > width ? [wide, width] : null,
        elements: offenders.map(({ where, text, right }) => ({ where, text, right })),
    };
}""".replace("__PATH__", _PATH)

#: The words Intl makes in the given locales, for page.evaluate(INTL_TEXTS, {locales, zoneLocales}):
#: month and weekday names, day periods, relative times, list words, compact numbers and units,
#: language names (and each language's own name), and every zone's short name (``zoneLocales`` adds, say, en-US's "MST"; the
#: long names are left out: they hold English city names such as "Port" or "Harbour").
#: Dates and times on a screen are the browser's Intl output, so this is what they may contain.
INTL_TEXTS = """({ locales, zoneLocales }) => {
    const out = new Set();
    const dates = [];
    for (let month = 0; month < 12; month += 1) dates.push(new Date(Date.UTC(2026, month, 14, 15, 30)));
    for (let day = 0; day < 7; day += 1) dates.push(new Date(Date.UTC(2026, 0, 4 + day, 9, 5)));
    const DATES = [
        { dateStyle: 'full' }, { dateStyle: 'long' }, { dateStyle: 'medium' }, { dateStyle: 'short' },
        { dateStyle: 'full', timeStyle: 'short' }, { dateStyle: 'medium', timeStyle: 'short' },
        { month: 'long' }, { month: 'short' }, { month: 'narrow' },
        { weekday: 'long' }, { weekday: 'short' }, { weekday: 'narrow' },
        { day: 'numeric', month: 'long' }, { day: 'numeric', month: 'short' },
        { weekday: 'short', day: 'numeric', month: 'short' }, { weekday: 'long', day: 'numeric', month: 'long' },
        { month: 'long', year: 'numeric' }, { month: 'short', year: 'numeric' },
        { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' },
        { hour: 'numeric', minute: '2-digit' }, { hour: 'numeric', minute: '2-digit', hour12: true },
        { hour: 'numeric', dayPeriod: 'long' }, { hour: 'numeric', dayPeriod: 'short' },
    ];
    const UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'];
    const MEASURES = ['day', 'week', 'month', 'year', 'hour', 'minute', 'kilogram', 'percent', 'milliliter'];
    const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
    const zoneNames = (locale, styles) => {
        for (const timeZone of zones) {
            for (const timeZoneName of styles) {
                const format = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName });
                out.add(format.format(dates[0]));
                out.add(format.format(dates[6]));
            }
        }
    };
    for (const locale of locales) {
        for (const options of DATES) {
            const format = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
            for (const date of dates) out.add(format.format(date));
        }
        for (const style of ['long', 'short', 'narrow']) {
            for (const numeric of ['auto', 'always']) {
                const format = new Intl.RelativeTimeFormat(locale, { style, numeric });
                for (const unit of UNITS) for (const n of [-2, -1, 0, 1, 2, 5]) out.add(format.format(n, unit));
            }
            for (const type of ['conjunction', 'disjunction', 'unit']) {
                out.add(new Intl.ListFormat(locale, { style, type }).format(['1', '2', '3']));
            }
            for (const unit of MEASURES) {
                const format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: style });
                for (const n of [1, 2, 1.5]) out.add(format.format(n));
            }
        }
        for (const compactDisplay of ['short', 'long']) {
            const format = new Intl.NumberFormat(locale, { notation: 'compact', compactDisplay });
            for (const n of [1500, 2000000, 3e9]) out.add(format.format(n));
        }
        const languages = new Intl.DisplayNames(locale, { type: 'language' });
        for (const code of ['en', 'es']) out.add(languages.of(code));
        zoneNames(locale, ['short', 'shortOffset']);
    }
    // A choice of languages names each in its own: "English", "español".
    for (const code of ['en', 'es']) out.add(new Intl.DisplayNames(code, { type: 'language' }).of(code));
    for (const locale of zoneLocales) zoneNames(locale, ['short']);
    return { texts: [...out], zones };
}"""

_WORD = re.compile(r"[^\W\d_]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_URL = re.compile(r"https?://\S+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
BRAND = "Afterglow"


def server_texts(language="es"):
    """The server's texts in ``language`` (errors, emails, forecasts' reasons...): every
    translation in its messages.po, plural forms included."""
    from diary.i18n import catalogue

    texts = []
    for message in catalogue(language, "messages") or ():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        # A text the same in both languages ("No", "Email") cannot be told from English: not data.
        english = message.id if isinstance(message.id, tuple | list) else [message.id]
        texts += [s for s in strings if s and s not in english]
    return texts


def text_pattern(text):
    """A catalogue text as a regex: its placeholders (``%(name)s``, ``{name}``) match anything."""
    parts = _PLACEHOLDER.split(text)
    return ".*?".join(re.escape(part) for part in parts)


class Allowed:
    """What may be in a pseudo-locale screen's texts besides pseudo text: data.

    ``data``: exact strings (the names, emails and codes a test made, the instruments' texts
    from the API); ``patterns``: catalogue texts with placeholders (the server's Spanish, see
    ``server_texts``); ``words``: the words Intl made (dates, times, zone names: INTL_TEXTS);
    ``zones``: IANA zone names, also written with spaces for underscores. URLs, email addresses
    and the brand name are data too.

    A pattern with fewer than 4 letters of its own is dropped: too short to tell from English;
    what fills a server text's placeholder between two of its words is not looked at.

    ``offending(text)`` is the list of words of ``text`` that hold an ASCII letter and are
    none of these. A pseudo text (diary/i18n.py's ``pseudo``) has no ASCII letter, so what is
    left is English that was never marked for translation, or a value filled into a pseudo
    text that should itself have been translated (a severity "mild" in "⟦Šçöŕé 8 (mild)⟧").
    """

    def __init__(self, data=(), patterns=(), words=(), zones=()):
        values = {d for d in data if d and _ASCII_LETTER.search(d)} | {BRAND}
        values |= {z for zone in zones for z in (zone, zone.replace("_", " ")) if "/" in z}
        self.data = _whole([re.escape(value) for value in values])
        self.patterns = _whole(
            [text_pattern(p) for p in patterns if len(_ASCII_LETTER.findall(_PLACEHOLDER.sub("", p))) >= 4]
        )
        self.words = {w.casefold() for text in words for w in _WORD.findall(text)}

    def offending(self, text):
        for found in (_URL, _EMAIL):
            text = found.sub(" ", text)
        # Catalogue texts first (they may hold the brand); what their placeholders leave is data.
        for found in (self.patterns, self.data):
            if found is not None:
                text = found.sub(" ", text)
        return [w for w in _WORD.findall(text) if _ASCII_LETTER.search(w) and w.casefold() not in self.words]


def _whole(patterns):
    """One regex for any of ``patterns`` as whole words (longest first), or None."""
    if not patterns:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(patterns, key=len, reverse=True)) + r")(?!\w)")


#: Fields of the check-in forms that hold codes or dates, not words for people: a code on a screen is English.
_CODES = {"instrument", "code", "name", "date", "first_day"}


def instrument_texts(page, paths):
    """Every text in the API's answers at ``paths`` (read in the page, as the PWA reads them)."""
    bodies = page.evaluate(
        """paths => Promise.all(paths.map(p => fetch(p, { credentials: 'same-origin' })
            .then(r => r.ok ? r.json() : Promise.reject(new Error(`${p}: ${r.status}`)))))""",
        paths,
    )
    out = []

    def collect(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for key, v in value.items():
                if key not in _CODES:
                    collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    collect(bodies)
    return out
