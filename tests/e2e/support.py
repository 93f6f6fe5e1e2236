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
