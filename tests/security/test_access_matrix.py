"""The access matrix: every API operation against every kind of caller (ASVS 8.1-8.3).

Rows are keyed by ``(METHOD, path template)`` exactly as the OpenAPI document
spells them; the test fails while an operation has no row, or a row no
operation. The five cells are what each caller gets:

    anon   nobody logged in
    self   the patient P whom the path names (for /me routes: a patient, acting on themself)
    other  another patient Q, on another care team
    team   provider A, on P's care team
    stray  provider B, on another care team (Q's)

Three more callers, for clinic administration (ADMIN_CELLS):

    admin       an administrator on P's care team: everywhere as ``team``
    lone_admin  an administrator on no care team: everywhere as ``stray`` (no diary)
    inactive    a staff member of P's team turned off, with the session opened before:
                everywhere as ``anon``

Their cells for the other routes follow from those, but for EXTRA_OVERRIDES.

A cell is an exact status (201) or a class ("2xx"). Path parameters are P's
(see PARAMS: each cell gets fresh ones, so a DELETE in one cell cannot change
the next); REQUESTS gives each operation a valid body or query, so a cell
tests access and not validation.

Every successful call that touches a patient's data must also leave an audit
row for that patient: reads by anyone but the patient, writes by anyone, and
the exports in EXPORTS even by the patient. Other successful writes must leave
an audit row too, unless they are listed in NOT_AUDITED.

Adding a route: add its row (and a PARAMS entry for a new path parameter, a
REQUESTS entry if it needs a body or query).
"""

import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from diary.accounts.models import ClinicSettings, User
from diary.audit.models import AuditEvent
from diary.db_types import utcnow
from diary.extensions import db
from tests.conftest import PASSWORD, login
from tests.support.api_client import ApiClient
from tests.support.dates import next_date
from tests.support.password_resets import issue_reset

CALLERS = ("anon", "self", "other", "team", "stray")

# fmt: off
MATRIX = {
    # (method, path)                                        anon  self   other  team   stray
    ("GET",    "/api/v1/auth/session"):                    (200,  200,   200,   200,   200),
    ("POST",   "/api/v1/auth/login"):                      (200,  200,   200,   200,   200),
    ("POST",   "/api/v1/auth/logout"):                     (401,  204,   204,   204,   204),
    ("POST",   "/api/v1/auth/register"):                   (201,  201,   201,   201,   201),
    ("POST",   "/api/v1/auth/invite-details"):             (200,  200,   200,   200,   200),
    ("POST",   "/api/v1/invites"):                         (401,  403,   403,   201,   201),
    ("GET",    "/api/v1/invites"):                         (401,  403,   403,   200,   200),
    # {invite_id} is a pending invite of the team's provider: another team's provider cannot see it.
    # Its id only: the code itself in the path is no invite, for anyone (test_an_invite_code_is_no_invite_id).
    ("DELETE", "/api/v1/invites/{invite_id}"):             (401,  403,   403,   204,   404),
    ("POST",   "/api/v1/invites/{invite_id}/resend"):      (401,  403,   403,   200,   404),
    ("GET",    "/api/v1/me/settings"):                     (401,  200,   200,   403,   403),
    ("PATCH",  "/api/v1/me/settings"):                     (401,  200,   200,   403,   403),
    ("POST",   "/api/v1/me/mfa/setup"):                    (401,  403,   403,   200,   200),
    ("POST",   "/api/v1/me/mfa/confirm"):                  (401,  403,   403,   200,   200),
    ("POST",   "/api/v1/me/password"):                     (401,  204,   204,   204,   204),
    # The same answer for every email; the confirmation's token is the credential.
    ("POST",   "/api/v1/auth/password-reset"):             (202,  202,   202,   202,   202),
    ("POST",   "/api/v1/auth/password-reset/confirm"):     (204,  204,   204,   204,   204),
    ("GET",    "/api/v1/me/access-log"):                   (401,  200,   200,   403,   403),
    ("POST",   "/api/v1/me/close"):                        (401,  204,   204,   403,   403),
    ("PATCH",  "/api/v1/me"):                              (401,  200,   200,   200,   200),
    ("GET",    "/api/v1/i18n/{language}"):                 (200,  200,   200,   200,   200),
    ("GET",    "/api/v1/me/checkin-form"):                 (401,  200,   200,   403,   403),
    # The texts of an instrument: providers show them too (side effects, answers).
    ("GET",    "/api/v1/checkin-forms/{instrument}"):      (401,  200,   200,   200,   200),
    # Canonical URLs of FHIR definitions: public, like any terminology server's.
    ("GET",    "/api/v1/fhir/Questionnaire/gad7-daily"):   (200,  200,   200,   200,   200),
    ("GET",    "/api/v1/fhir/CodeSystem/gad7-daily"):      (200,  200,   200,   200,   200),
    ("GET",    "/api/v1/fhir/CodeSystem/session-ratings"): (200,  200,   200,   200,   200),
    ("POST",   "/api/v1/patients/{pid}/entries"):          (401,  201,   404,   403,   403),
    ("GET",    "/api/v1/patients/{pid}/entries"):          (401,  200,   404,   200,   404),
    ("PATCH",  "/api/v1/entries/{entry_id}"):              (401,  200,   404,   403,   403),
    ("DELETE", "/api/v1/entries/{entry_id}"):              (401,  204,   404,   403,   403),
    ("POST",   "/api/v1/patients/{pid}/treatments"):       (401,  201,   404,   201,   404),
    ("GET",    "/api/v1/patients/{pid}/treatments"):       (401,  200,   404,   200,   404),
    # {treatment_id} was recorded by the care team: the patient may not change it.
    ("PATCH",  "/api/v1/treatments/{treatment_id}"):       (401,  403,   404,   200,   404),
    ("DELETE", "/api/v1/treatments/{treatment_id}"):       (401,  403,   404,   204,   404),
    ("GET",    "/api/v1/patients/{pid}/export.csv"):       (401,  200,   404,   200,   404),
    ("GET",    "/api/v1/patients/{pid}/fhir"):             (401,  200,   404,   200,   404),
    ("GET",    "/api/v1/patients/{pid}/sessions.ics"):     (401,  200,   404,   200,   404),
    ("POST",   "/api/v1/patients/{pid}/calendar-feed"):    (401,  200,   404,   403,   403),
    ("GET",    "/api/v1/patients"):                        (401,  403,   403,   200,   200),
    ("GET",    "/api/v1/outcomes"):                        (401,  403,   403,   200,   200),
    ("GET",    "/api/v1/outcomes.csv"):                    (401,  403,   403,   200,   200),
    ("PATCH",  "/api/v1/patients/{pid}"):                  (401,  403,   403,   200,   404),
    ("POST",   "/api/v1/patients/{pid}/discharge"):        (401,  403,   403,   200,   404),
    ("POST",   "/api/v1/patients/{pid}/readmit"):          (401,  403,   403,   200,   404),
    ("GET",    "/api/v1/patients/{pid}/timeline"):         (401,  200,   404,   200,   404),
    # Flags are for the care team only: a patient's role lacks them altogether.
    ("GET",    "/api/v1/patients/{pid}/flags"):            (401,  403,   403,   200,   404),
    ("POST",   "/api/v1/flags/{flag_id}/acknowledge"):     (401,  403,   403,   200,   404),
    ("POST",   "/api/v1/flags/{flag_id}/unacknowledge"):   (401,  403,   403,   200,   404),
    # The token in the URL is the credential (calendar apps cannot log in).
    ("GET",    "/api/v1/feeds/{token}/sessions.ics"):      (200,  200,   200,   200,   200),
    # Providers get no reminders.
    ("GET",    "/api/v1/push/public-key"):                 (401,  200,   200,   200,   200),
    ("POST",   "/api/v1/push/subscriptions"):              (401,  201,   201,   403,   403),
    ("DELETE", "/api/v1/push/subscriptions"):              (401,  204,   204,   403,   403),
    # Clinic administration: out of reach (404) for all but administrators (ADMIN_CELLS).
    ("GET",    "/api/v1/admin/staff"):                     (401,  404,   404,   404,   404),
    ("POST",   "/api/v1/admin/staff-invites"):             (401,  404,   404,   404,   404),
    ("PATCH",  "/api/v1/admin/staff/{staff_id}"):          (401,  404,   404,   404,   404),
    ("POST",   "/api/v1/admin/staff/{staff_id}/reset-mfa"): (401, 404,   404,   404,   404),
    ("GET",    "/api/v1/admin/teams"):                     (401,  404,   404,   404,   404),
    ("POST",   "/api/v1/admin/teams"):                     (401,  404,   404,   404,   404),
    ("PATCH",  "/api/v1/admin/teams/{team_id}"):           (401,  404,   404,   404,   404),
    ("GET",    "/api/v1/admin/patients"):                  (401,  404,   404,   404,   404),
    ("PATCH",  "/api/v1/admin/patients/{pid}"):            (401,  404,   404,   404,   404),
    ("GET",    "/api/v1/admin/settings"):                  (401,  404,   404,   404,   404),
    ("PATCH",  "/api/v1/admin/settings"):                  (401,  404,   404,   404,   404),
}

EXTRA_CALLERS = ("admin", "lone_admin", "inactive")
# The administration's routes, for the three callers above.
ADMIN_CELLS = {
    # (method, path)                                        admin  lone_admin  inactive
    ("GET",    "/api/v1/admin/staff"):                     (200,   200,        401),
    ("POST",   "/api/v1/admin/staff-invites"):             (201,   201,        401),
    ("PATCH",  "/api/v1/admin/staff/{staff_id}"):          (200,   200,        401),
    ("POST",   "/api/v1/admin/staff/{staff_id}/reset-mfa"): (204,  204,        401),
    ("GET",    "/api/v1/admin/teams"):                     (200,   200,        401),
    ("POST",   "/api/v1/admin/teams"):                     (201,   201,        401),
    ("PATCH",  "/api/v1/admin/teams/{team_id}"):           (200,   200,        401),
    ("GET",    "/api/v1/admin/patients"):                  (200,   200,        401),
    ("PATCH",  "/api/v1/admin/patients/{pid}"):            (200,   200,        401),
    ("GET",    "/api/v1/admin/settings"):                  (200,   200,        401),
    ("PATCH",  "/api/v1/admin/settings"):                  (200,   200,        401),
}
# Where the three differ from team, stray and anon.
EXTRA_OVERRIDES = {
    # Patient invites are to the inviter's care team: an administrator on none has none to give.
    ("POST",   "/api/v1/invites"):                         (201,   409,        401),
}
# fmt: on


def expected_cells(operation):
    """The cells of every caller, CALLERS then EXTRA_CALLERS."""
    anon, _, _, team, stray = MATRIX[operation]
    extra = ADMIN_CELLS.get(operation) or EXTRA_OVERRIDES.get(operation) or (team, stray, anon)
    return MATRIX[operation] + extra


# GETs that are exports: audited even when the patient makes them.
EXPORTS = {
    ("GET", "/api/v1/patients/{pid}/export.csv"),
    ("GET", "/api/v1/patients/{pid}/fhir"),
    ("GET", "/api/v1/patients/{pid}/sessions.ics"),
    ("GET", "/api/v1/feeds/{token}/sessions.ics"),
}
# Successful writes that leave no audit row, and why.
NOT_AUDITED = {
    ("POST", "/api/v1/auth/login"): "a security event in the log, not a change of data",
    ("POST", "/api/v1/auth/logout"): "a security event in the log, not a change of data",
    ("POST", "/api/v1/me/mfa/setup"): "pending until confirmed; the confirmation is audited",
    ("POST", "/api/v1/auth/password-reset"): "names no account yet; the scheduler audits the reset it issues",
    ("POST", "/api/v1/auth/invite-details"): "a read by a code's holder; changes nothing",
}
# Operations that read patients' data without naming them in the path, and the
# callers whose answer includes P (so P's trail must show the read).
PATIENT_DATA_WITHOUT_PARAM = {
    ("GET", "/api/v1/patients"): {"team", "admin"},
}

NEW_PASSWORD = "a much longer new passphrase"
ANSWERS = [1, 2, 1, 0, 2, 1, 1]


class World:
    """P and Q, patients of providers A and B, each with a logged-in client."""

    def __init__(self, app, make_provider, make_patient):
        self.app, self.make_provider = app, make_provider
        team, stray = make_provider(name="Dr. Team"), make_provider(name="Dr. Stray")
        self.patient = make_patient(team, name="Pat Self")
        other = make_patient(stray, name="Quinn Other")
        self.patient_id = self.patient.user["id"]
        self.clients = {
            "anon": ApiClient(app.test_client()),
            "self": self.patient,
            "other": other,
            "team": login(app, team["email"]),
            "stray": login(app, stray["email"]),
        }
        # Its own client: the "team" cell of a row may log itself out or in as someone else.
        self.inviter = login(app, team["email"])
        self.team_id = self._admins(team)

    def _admins(self, team):
        """The administrators (on P's team, and on none) and the inactive staff member."""
        team_name = "Dr. Team's care team"
        admin = self.make_provider(name="Ada Admin", admin=True, team_name=team_name)
        lone = self.make_provider(name="Lone Admin", admin=True)
        inactive = self.make_provider(name="Ina Active", team_name=team_name)
        with self.app.app_context():
            db.session.get(ClinicSettings, 1).mfa_required = False  # the test is of access, not MFA
            db.session.get(User, uuid.UUID(lone["id"])).care_teams = []
            team_id = str(db.session.get(User, uuid.UUID(team["id"])).care_teams[0].id)
            db.session.commit()
        self.clients["admin"] = login(self.app, admin["email"])
        self.clients["lone_admin"] = login(self.app, lone["email"])
        self.clients["inactive"] = login(self.app, inactive["email"])
        turned_off = self.clients["admin"].patch(
            f"/api/v1/admin/staff/{inactive['id']}", json={"active": False}
        )
        assert turned_off.status_code == 200, turned_off.get_json()
        return team_id

    def new_staff(self):
        return self.make_provider(name="Sam Staff")["id"]

    def new_entry(self):
        response = self.patient.post("/api/v1/patients/me/entries", json={"answers": ANSWERS})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def new_treatment(self):
        body = {"status": "completed", "starts_at": utcnow().isoformat(), "route": "iv", "dose_mg": 35}
        response = self.clients["team"].post(f"/api/v1/patients/{self.patient_id}/treatments", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def new_flag(self):
        from sqlalchemy import update

        from diary.monitoring.models import Flag

        with self.app.app_context():
            today = date.today()
            # At most one open flag of a kind: the previous cell's flag makes way.
            db.session.execute(
                update(Flag)
                .where(Flag.patient_id == uuid.UUID(self.patient_id), Flag.status == "open")
                .values(status="resolved", resolved_at=utcnow())
            )
            flag = Flag(
                patient_id=uuid.UUID(self.patient_id),
                kind="data_gap",
                occurrence=f"data_gap:{uuid.uuid4().hex[:8]}",
                raised_on=today,
                raised_at=utcnow(),
                details={},
            )
            db.session.add(flag)
            db.session.commit()
            return str(flag.id)

    def feed_token(self):
        url = self.patient.post(f"/api/v1/patients/{self.patient_id}/calendar-feed").get_json()["url"]
        return url.split("/feeds/")[1].split("/")[0]

    def invite_code(self):
        return self.inviter.post("/api/v1/invites", json={}).get_json()["code"]

    def emailed_invite_id(self):
        return self.inviter.post(
            "/api/v1/invites", json={"email": f"inv-{uuid.uuid4().hex[:8]}@mail.test"}
        ).get_json()["id"]

    def subscribed_endpoint(self, caller):
        subscription = push_subscription()
        self.clients[caller].post("/api/v1/push/subscriptions", json=subscription)
        return subscription["endpoint"]

    def otp_after_setup(self, caller):
        """A valid code for a provider who just started MFA setup; anything for others."""
        import pyotp

        response = self.clients[caller].post("/api/v1/me/mfa/setup")
        return pyotp.TOTP(response.get_json()["secret"]).now() if response.status_code == 200 else "123456"


# How to fill each path parameter; each call makes a fresh one where that matters.
PARAMS = {
    "pid": lambda world: world.patient_id,
    "entry_id": World.new_entry,
    "treatment_id": World.new_treatment,
    "flag_id": World.new_flag,
    "token": World.feed_token,
    "instrument": lambda world: "gad7",
    "language": lambda world: "es",
    "invite_id": World.emailed_invite_id,
    "staff_id": World.new_staff,
    "team_id": lambda world: world.team_id,
}
# Path parameters that name no patient's data (an invite belongs to no patient yet).
NOT_PATIENT_PARAMS = {"instrument", "invite_id", "language", "staff_id", "team_id"}

# A valid body (json=) or query (query_string=) per operation: (world, caller) -> client kwargs.
REQUESTS = {
    ("POST", "/api/v1/auth/login"): lambda w, c: {
        "json": {"email": w.patient.user["email"], "password": PASSWORD}
    },
    ("POST", "/api/v1/auth/register"): lambda w, c: {
        "json": {
            "invite_code": w.invite_code(),
            "email": f"new-{uuid.uuid4().hex[:8]}@mail.test",
            "password": PASSWORD,
            "name": "New Patient",
            "timezone": "Europe/Berlin",
        }
    },
    ("POST", "/api/v1/auth/invite-details"): lambda w, c: {"json": {"invite_code": w.invite_code()}},
    ("POST", "/api/v1/invites"): lambda w, c: {"json": {}},
    ("PATCH", "/api/v1/me/settings"): lambda w, c: {"json": {"reminder_time": "08:00"}},
    ("POST", "/api/v1/me/close"): lambda w, c: {"json": {"password": PASSWORD}},
    ("PATCH", "/api/v1/me"): lambda w, c: {"json": {"language": "en"}},
    ("POST", "/api/v1/patients/{pid}/discharge"): lambda w, c: {"json": {"reason": "course completed"}},
    ("POST", "/api/v1/me/mfa/confirm"): lambda w, c: {"json": {"otp": w.otp_after_setup(c)}},
    # Five callers ask for P's email (the limit is 5 an email); the administration's callers, others.
    ("POST", "/api/v1/auth/password-reset"): lambda w, c: {
        "json": {"email": w.patient.user["email"] if c in CALLERS else f"{c}@elsewhere.test"}
    },
    # A fresh token of P's each time: the confirmation changes P's account, and P's trail shows it;
    # the administration's callers use the other patient's (five resets an email at most).
    ("POST", "/api/v1/auth/password-reset/confirm"): lambda w, c: {
        "json": {
            "token": issue_reset(w.app, (w.patient if c in CALLERS else w.clients["other"]).user["email"]),
            "password": NEW_PASSWORD,
        }
    },
    ("POST", "/api/v1/me/password"): lambda w, c: {
        "json": {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    },
    ("POST", "/api/v1/patients/{pid}/entries"): lambda w, c: {"json": {"answers": ANSWERS}},
    ("PATCH", "/api/v1/entries/{entry_id}"): lambda w, c: {"json": {"note": "edited"}},
    ("POST", "/api/v1/patients/{pid}/treatments"): lambda w, c: {
        "json": {"status": "planned", "starts_at": f"{next_date(1, 1)}T09:00:00Z", "route": "intranasal"}
    },
    ("PATCH", "/api/v1/treatments/{treatment_id}"): lambda w, c: {"json": {"dose_mg": 40}},
    ("PATCH", "/api/v1/patients/{pid}"): lambda w, c: {"json": {"intake_baseline": 16}},
    ("POST", "/api/v1/flags/{flag_id}/acknowledge"): lambda w, c: {"json": {"note": "called the patient"}},
    ("GET", "/api/v1/patients/{pid}/export.csv"): lambda w, c: {"query_string": {"kind": "entries"}},
    ("POST", "/api/v1/push/subscriptions"): lambda w, c: {"json": push_subscription()},
    # Subscribed first (where the caller may), so the DELETE removes something.
    ("DELETE", "/api/v1/push/subscriptions"): lambda w, c: {"json": {"endpoint": w.subscribed_endpoint(c)}},
    ("POST", "/api/v1/admin/staff-invites"): lambda w, c: {
        "json": {"email": f"staff-{uuid.uuid4().hex[:8]}@clinic.test", "name": "New Staff"}
    },
    ("PATCH", "/api/v1/admin/staff/{staff_id}"): lambda w, c: {"json": {"active": False}},
    ("POST", "/api/v1/admin/teams"): lambda w, c: {"json": {"name": f"Team {uuid.uuid4().hex[:8]}"}},
    ("PATCH", "/api/v1/admin/teams/{team_id}"): lambda w, c: {
        "json": {"name": f"Team {uuid.uuid4().hex[:8]}"}
    },
    ("GET", "/api/v1/admin/patients"): lambda w, c: {"query_string": {"q": "Pat"}},
    # The patient's own team again: P stays where the other cells expect them.
    ("PATCH", "/api/v1/admin/patients/{pid}"): lambda w, c: {"json": {"care_team_id": w.team_id}},
    ("PATCH", "/api/v1/admin/settings"): lambda w, c: {"json": {"mfa_required": False}},
}


def push_subscription():
    """What a browser's ``PushSubscription.toJSON()`` gives:
    an https endpoint, a P-256 key, a 16-byte secret."""
    import base64
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def b64url(raw):
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {
        "endpoint": f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4().hex}",
        "expirationTime": None,
        "keys": {"p256dh": b64url(point), "auth": b64url(os.urandom(16))},
    }


UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_PLACEHOLDER = re.compile(r"{(\w+)}")


def documented_operations(app):
    paths = app.test_client().get("/api/openapi.json").get_json()["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method != "parameters"
    }


def test_every_operation_has_a_row(app):
    operations = documented_operations(app)
    missing, stale = sorted(operations - set(MATRIX)), sorted(set(MATRIX) - operations)
    assert not missing, f"add rows to MATRIX in {__name__} for: {missing}"
    assert not stale, f"rows for operations that no longer exist: {stale}"
    administration = {op for op in operations if op[1].startswith("/api/v1/admin/")}
    assert administration == set(ADMIN_CELLS), "every administration route needs its ADMIN_CELLS row"


def test_every_api_route_is_in_the_openapi_document(app):
    """A route registered outside flask-smorest would escape the matrix."""
    documented = documented_operations(app)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, template) in documented, f"{method} {template} is not in the OpenAPI document"


def matches(expected, status):
    return status == expected if isinstance(expected, int) else str(status)[0] == expected[0]


def audit_rows(app, patient_id=None):
    with app.app_context():
        query = select(func.count()).select_from(AuditEvent)
        if patient_id is not None:
            query = query.where(AuditEvent.patient_id == uuid.UUID(patient_id))
        return db.session.scalar(query)


def call(world, operation, caller):
    method, template = operation
    path = _PLACEHOLDER.sub(lambda match: str(PARAMS[match.group(1)](world)), template)
    kwargs = REQUESTS.get(operation, lambda w, c: {})(world, caller)
    before = audit_rows(world.app), audit_rows(world.app, world.patient_id)
    response = getattr(world.clients[caller], method.lower())(path, **kwargs)
    after = audit_rows(world.app), audit_rows(world.app, world.patient_id)
    return response, after[0] - before[0], after[1] - before[1]


def audit_problem(operation, caller, new_rows, new_patient_rows):
    method, template = operation
    names_patient = bool(set(_PLACEHOLDER.findall(template)) & (set(PARAMS) - NOT_PATIENT_PARAMS))
    if caller in PATIENT_DATA_WITHOUT_PARAM.get(operation, ()):
        return None if new_patient_rows else "no audit row for the patient"
    if names_patient and (method in UNSAFE or caller != "self" or operation in EXPORTS):
        return None if new_patient_rows else "no audit row for the patient"
    if method in UNSAFE and operation not in NOT_AUDITED:
        return None if new_rows else "no audit row for a write"
    return None


@pytest.mark.parametrize("operation", sorted(MATRIX), ids=lambda op: f"{op[0]} {op[1]}")
def test_access(app, make_provider, make_patient, operation):
    world = World(app, make_provider, make_patient)
    problems = []
    for caller, expected in zip(CALLERS + EXTRA_CALLERS, expected_cells(operation), strict=True):
        response, new_rows, new_patient_rows = call(world, operation, caller)
        body = response.get_json(silent=True)
        if not matches(expected, response.status_code):
            problems.append(f"{caller}: expected {expected}, got {response.status_code} {body}")
        elif response.status_code >= 400 and not (isinstance(body, dict) and "code" in body.get("error", {})):
            problems.append(f"{caller}: {response.status_code} without the error envelope")
        elif response.status_code < 300 and (
            problem := audit_problem(operation, caller, new_rows, new_patient_rows)
        ):
            problems.append(f"{caller}: {problem}")
    assert not problems, "\n".join(problems)


INVITE_OPERATIONS = [op for op in MATRIX if "{invite_id}" in op[1]]


@pytest.mark.parametrize("operation", INVITE_OPERATIONS, ids=lambda op: f"{op[0]} {op[1]}")
def test_an_invite_code_is_no_invite_id(app, make_provider, make_patient, operation):
    """The routes' first shape took the invite's code in the path (issue 21, item 6): the code
    must not travel in URLs, so it names nothing, not even for the care team that made it."""
    world = World(app, make_provider, make_patient)
    method, template = operation
    code = world.inviter.post("/api/v1/invites", json={"email": "by.code@mail.test"}).get_json()["code"]
    path = template.replace("{invite_id}", code)
    statuses = {
        caller: getattr(world.clients[caller], method.lower())(path).status_code for caller in CALLERS
    }
    assert statuses == {"anon": 401, "self": 403, "other": 403, "team": 404, "stray": 404}
