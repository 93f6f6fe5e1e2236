"""The patient on a phone: join from an invite, check in (also offline), log out."""

import json
import time
import uuid

import pytest
from sqlalchemy import delete, select

from diary.extensions import db
from tests.conftest import PASSWORD, login
from tests.e2e.support import (
    ANSWERS,
    ITEMS,
    OUTBOX_DB,
    PATIENT_NAV,
    PHONE,
    answer_all,
    database_names,
    expect,
    log_in,
    on_check_in,
    screenshot,
    stored_entries,
    wait_for_service_worker,
)

pytestmark = pytest.mark.e2e


def test_register_from_invite_link_check_in_and_see_total(app, live_server, new_context, make_provider):
    provider = make_provider()
    invite = login(app, provider["email"]).post("/api/v1/invites", json={}).get_json()
    assert invite["url"] == f"{live_server.url}/#/join?code={invite['code']}"
    email = f"robin-{uuid.uuid4().hex[:6]}@mail.test"

    page = new_context(PHONE).new_page()
    page.goto(invite["url"])
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    expect(page.get_by_role("textbox", name="Invite code")).to_have_value(invite["code"])
    page.get_by_role("textbox", name="Name").fill("Robin Example")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    screenshot(page, "patient-01-register")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Welcome, Robin Example")).to_be_visible()  # first-run setup
    page.get_by_role("link", name="Skip for now").click()
    save = page.get_by_role("button", name="Save check-in")
    expect(save).to_be_visible()
    for name in PATIENT_NAV:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    for item in ITEMS:
        group = page.get_by_role("radiogroup", name=item, exact=True)
        for label in ANSWERS:
            expect(group.get_by_role("radio", name=label, exact=True)).not_to_be_checked()
    screenshot(page, "patient-02-checkin")

    answers = [1, 0, 2, 1, 0, 3, 1]
    answer_all(page, answers)
    save.click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Your score is 8 out of 21")
    expect(status).to_be_in_viewport()  # the app scrolls the result into view
    screenshot(page, "patient-03-checkin-saved", full_page=False)

    [(_, stored)] = stored_entries(app, email)
    assert stored == answers


def test_answer_targets_are_at_least_44_px(app, new_context, make_patient):
    patient = make_patient()
    page = new_context(PHONE).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()

    radios = page.get_by_role("radio")
    expect(radios.first).to_be_visible()
    # The whole label is the target of each answer (the input itself may be smaller).
    boxes = radios.evaluate_all("""els => els.map(input => {
        const r = (input.labels[0] || input).getBoundingClientRect();
        return {name: input.labels[0]?.textContent, width: r.width, height: r.height};
    })""")
    assert len(boxes) >= len(ITEMS) * len(ANSWERS)
    small = [box for box in boxes if box["width"] < 44 or box["height"] < 44]
    assert not small, f"answer targets under 44x44 px: {small[:5]}"

    controls = [page.get_by_role("button", name="Save check-in"), page.get_by_role("button", name="Log out")]
    controls += [page.get_by_role("link", name=name, exact=True) for name in PATIENT_NAV]
    for control in controls:
        box = control.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (control, box)


def test_offline_check_in_reaches_the_server_exactly_once(app, new_context, make_patient):
    patient = make_patient()
    email = patient.user["email"]
    context = new_context(PHONE)
    page = context.new_page()
    log_in(page, email, PASSWORD)
    save = page.get_by_role("button", name="Save check-in")
    expect(save).to_be_visible()
    wait_for_service_worker(page)

    context.set_offline(True)
    expect(page.locator("#notice")).to_contain_text("You are offline")
    answers = [2, 2, 1, 1, 0, 0, 3]
    answer_all(page, answers)
    save.click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("It will be sent when online")
    expect(status).to_contain_text("Your score is 9 out of 21")
    expect(status).to_be_in_viewport()
    screenshot(page, "patient-04-offline-saved", full_page=False)
    assert stored_entries(app, email) == []

    # Still offline, the app opens again from the service worker's cache, the check-in still waiting.
    page.reload()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    waiting = page.get_by_role("region", name="Waiting to be sent")
    expect(waiting).to_contain_text("score 9 out of 21")
    # The last days cannot be read offline: they are not shown as days without a check-in.
    expect(page.get_by_text("Your last days will show here when you are back online.")).to_be_visible()
    expect(page.get_by_text("no check-in")).to_have_count(0)
    screenshot(page, "patient-05-offline-reopened", full_page=False)
    queued = page.evaluate(
        """name => new Promise((resolve, reject) => {
            const open = indexedDB.open(name);
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const request = open.result.transaction('items').objectStore('items').getAll();
                request.onsuccess = () => {
                    open.result.close();
                    resolve(request.result.map(i => ({id: i.id, keys: Object.keys(i)})));
                };
            };
        })""",
        OUTBOX_DB,
    )
    assert len(queued) == 1
    assert "answers" not in queued[0]["keys"]  # only ciphertext is stored
    assert stored_entries(app, email) == []

    context.set_offline(False)
    expect(page.locator("#notice")).to_contain_text("A check-in saved offline has now been sent")
    expect(waiting).to_be_hidden()
    [(entry_id, stored)] = stored_entries(app, email)
    assert (entry_id, stored) == (queued[0]["id"], answers)

    # Opening the app again sends nothing twice.
    page.reload()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    expect(page.get_by_text("You checked in at")).to_be_visible()
    assert len(stored_entries(app, email)) == 1

    assert OUTBOX_DB in database_names(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert OUTBOX_DB not in database_names(page)


def test_editing_a_check_in_the_outbox_sent_meanwhile_changes_it_on_the_server(
    app, new_context, make_patient
):
    """The "done" page showed the check-in as waiting; it was sent before the patient chose
    to edit it. The edit must reach the server's entry, not be queued under the sent id
    (which the server refuses as a conflict, losing the edit)."""
    patient = make_patient()
    email = patient.user["email"]
    context, page = on_check_in(new_context, patient)

    context.set_offline(True)
    answer_all(page, [2, 2, 1, 1, 0, 0, 3])
    page.get_by_role("button", name="Save check-in").click()
    waiting = page.get_by_text("It is saved on this device and will be sent when you are online.")
    expect(waiting).to_be_visible()

    context.set_offline(False)
    expect(page.locator("#notice")).to_contain_text("A check-in saved offline has now been sent")
    expect(waiting).to_be_hidden()  # the done page no longer says it is waiting
    [(entry_id, _)] = stored_entries(app, email)

    page.get_by_role("button", name="Edit today's check-in").click()
    answer_all(page, [0, 0, 0, 0, 0, 0, 1])
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Saved. Your score is 1 out of 21")
    page.wait_for_timeout(500)  # a wrongly queued copy would be sent (and refused) by now
    assert stored_entries(app, email) == [(entry_id, [0, 0, 0, 0, 0, 0, 1])]
    expect(page.get_by_role("region", name="Waiting to be sent")).to_be_hidden()


def test_log_out_deletes_unsent_check_ins(app, new_context, make_patient):
    patient = make_patient()
    context = new_context(PHONE)
    page = context.new_page()
    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()

    # The server cannot be reached for check-ins, though the device thinks it is online.
    context.route(
        "**/api/v1/patients/*/entries",
        lambda route: route.abort() if route.request.method == "POST" else route.fallback(),
    )
    answer_all(page, [1] * 7)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("It will be sent when online")
    assert OUTBOX_DB in database_names(page)

    page.get_by_role("button", name="Log out").click()
    dialog = page.get_by_role("dialog", name="Some check-ins have not been sent yet")
    expect(dialog).to_be_visible()
    screenshot(page, "patient-06-logout-unsent", full_page=False)
    dialog.get_by_role("button", name="Delete and leave").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()

    assert OUTBOX_DB not in database_names(page)
    assert page.evaluate("localStorage.length") == 0
    assert stored_entries(app, patient.user["email"]) == []


def test_a_patient_records_a_self_administered_dose(new_context, make_patient):
    patient = make_patient(name="Dana Home")
    page = new_context(PHONE).new_page()
    log_in(page, patient.user["email"], PASSWORD)
    page.get_by_role("link", name="Sessions").click()
    page.get_by_role("spinbutton", name="Dose in mg (optional)").fill("56")
    page.get_by_role("checkbox", name="Nausea").check()
    page.get_by_role("button", name="Save dose").click()
    expect(page.get_by_role("status")).to_contain_text("is saved")
    [stored] = patient.get("/api/v1/patients/me/treatments").get_json()["items"]
    assert stored["dose_mg"] == 56 and stored["side_effects"] == ["nausea"]
    assert stored["recorded_by"] == {"id": patient.user["id"], "role": "patient"}
    assert stored["route"] == "intranasal" and stored["status"] == "completed"


def test_a_login_the_server_asks_to_wait_for_is_tried_again_calmly(new_context, make_patient):
    """Many logins at once: the server refuses the excess with 503 and Retry-After before hashing
    anything (accounts/passwords.py). The page says so calmly and tries again by itself."""
    patient = make_patient()
    page = new_context(PHONE).new_page()
    refused = []

    def busy_once(route):
        if refused:
            return route.continue_()
        refused.append(route.request.url)
        route.fulfill(
            status=503,
            headers={"Retry-After": "1", "Content-Type": "application/json"},
            body=json.dumps(
                {
                    "error": {
                        "code": "service_unavailable",
                        "message": "Many people are logging in at once. Please try again in a moment.",
                    }
                }
            ),
        )

    page.route("**/api/v1/auth/login", busy_once)
    page.goto("/#/login")
    page.get_by_role("textbox", name="Email").fill(patient.user["email"])
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status").filter(has_text="Trying again for you")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_hidden()  # not an error: nothing for the patient to fix
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()  # logged in on the retry
    assert len(refused) == 1


def test_offline_with_no_copy_of_the_questions_the_page_says_what_to_do(new_context, make_patient):
    patient = make_patient()
    context = new_context(PHONE)
    page = context.new_page()
    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    wait_for_service_worker(page)
    # as on a phone whose copy of the questions was never kept (or was cleared)
    page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('afterglow:form:')).forEach(k => localStorage.removeItem(k))"
    )
    context.set_offline(True)
    page.reload()
    expect(page.get_by_text("The check-in questions need a connection the first time")).to_be_visible()
    expect(page.get_by_text("Something went wrong")).to_have_count(0)


# The browser's push service (FCM, Mozilla's) cannot be reached here: this stands in for
# PushManager with one subscription on the test push receiver, as Chromium would hand it out.
FAKE_PUSH_MANAGER = """
(() => {
  const device = %s;
  const serverKey = Uint8Array.from(atob(%s), (c) => c.charCodeAt(0));
  const made = () => ({
    endpoint: device.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: serverKey.buffer },
    toJSON: () => device,
    unsubscribe: async () => { current = null; return true; },
  });
  let current = made();
  PushManager.prototype.getSubscription = async function () { return current; };
  PushManager.prototype.subscribe = async function () { current = made(); return current; };
})();
"""


def test_the_app_hands_a_dropped_push_subscription_back_and_says_when_it_is_refused(
    app, new_context, make_patient, push_receiver
):
    """The server drops a subscription the push service refused (a lost VAPID key, an expired
    endpoint, a narrowed allow-list) and the browser does not know: opening the app hands it
    back, and Settings says so when the server will not take it, instead of "Notifications are on"."""
    from diary.notifications.models import PushSubscription

    app.config.update(PUSH_ALLOW_INSECURE_ENDPOINTS=True, PUSH_ALLOWED_HOSTS=("127.0.0.1",))
    patient = make_patient()
    public_key = patient.get("/api/v1/push/public-key").get_json()["public_key"]
    padded = public_key.replace("-", "+").replace("_", "/") + "=" * (-len(public_key) % 4)
    device = push_receiver.new_subscription()
    context = new_context(PHONE)
    context.grant_permissions(["notifications"])
    context.add_init_script(FAKE_PUSH_MANAGER % (json.dumps(device), json.dumps(padded)))

    def stored(user=patient.user):
        with app.app_context():
            return db.session.scalars(
                select(PushSubscription.endpoint).where(PushSubscription.user_id == uuid.UUID(user["id"]))
            ).all()

    def dropped():
        with app.app_context():
            db.session.execute(delete(PushSubscription))
            db.session.commit()

    def eventually(expected):
        for _ in range(50):
            if stored() == expected:
                return
            time.sleep(0.1)
        assert stored() == expected

    page = context.new_page()
    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    eventually([device["endpoint"]])  # handed over at login

    dropped()
    page.reload()
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    eventually([device["endpoint"]])  # and again when the app opens
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_text("Notifications are on.")).to_be_visible()

    app.config["PUSH_ALLOWED_HOSTS"] = ("fcm.googleapis.com",)  # the operator narrowed the list
    dropped()
    page.reload()
    expect(page.get_by_text("does not send to this browser's notification service")).to_be_visible()
    expect(page.get_by_text("Notifications are on.")).to_have_count(0)
    screenshot(page, "patient-07-push-refused")
    assert stored() == []

    # The patient's session ends without "Log out"; someone else logs in on this phone. The
    # subscription is not moved to them: it is ended here, and they turn notifications on themselves.
    app.config["PUSH_ALLOWED_HOSTS"] = ("127.0.0.1",)
    page.reload()
    eventually([device["endpoint"]])
    other = make_patient(name="Other Person")
    context.clear_cookies()
    page.goto(page.url.split("#")[0] + "#/login")
    page.reload()
    log_in(page, other.user["email"], PASSWORD)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(r => r.pushManager.getSubscription()).then(s => s === null)"
    )
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("button", name="Turn on notifications")).to_be_visible()
    assert stored(other.user) == []


def test_turning_push_off_while_the_server_cannot_hear_it_keeps_the_subscription_guarded(
    app, new_context, make_patient, push_receiver
):
    """The owner record guards a subscription left in the browser: a turn-off whose DELETE fails
    leaves both in place, so the next patient to log in here cannot inherit it."""
    app.config.update(PUSH_ALLOW_INSECURE_ENDPOINTS=True, PUSH_ALLOWED_HOSTS=("127.0.0.1",))
    patient = make_patient()
    public_key = patient.get("/api/v1/push/public-key").get_json()["public_key"]
    padded = public_key.replace("-", "+").replace("_", "/") + "=" * (-len(public_key) % 4)
    context = new_context(PHONE)
    context.grant_permissions(["notifications"])
    context.add_init_script(
        FAKE_PUSH_MANAGER % (json.dumps(push_receiver.new_subscription()), json.dumps(padded))
    )
    page = context.new_page()
    log_in(page, patient.user["email"], PASSWORD)
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_text("Notifications are on.")).to_be_visible()
    owner = "localStorage.getItem('afterglow:push-owner')"
    assert page.evaluate(owner) == patient.user["id"]

    context.route(
        "**/api/v1/push/subscriptions",
        lambda route: route.abort() if route.request.method == "DELETE" else route.fallback(),
    )
    page.get_by_role("button", name="Turn off notifications").click()
    expect(page.get_by_role("status")).to_contain_text("connection")
    assert page.evaluate(owner) == patient.user["id"]
    assert page.evaluate(
        "navigator.serviceWorker.ready.then(r => r.pushManager.getSubscription()).then(s => !!s)"
    )
