"""Clinic administration through the API (docs/api.md, "Clinic administration")."""

import uuid
from datetime import date, timedelta

import pyotp
import pytest
from sqlalchemy import select

from diary.accounts.models import ClinicSettings
from diary.audit.models import AuditEvent
from diary.extensions import db
from diary.notifications.models import INVITE, OutboxMessage
from tests.conftest import PASSWORD, login
from tests.support.api_client import ApiClient

NEW_STAFF = {"password": PASSWORD, "name": "Nia Nurse", "timezone": "Europe/Berlin"}


@pytest.fixture
def make_admin(app, make_provider):
    """An administrator, logged in; the clinic keeps MFA optional (a new clinic's default is on,
    test_the_first_administrator_makes_a_clinic_that_requires_mfa)."""

    def make(**kwargs):
        admin = make_provider(admin=True, name=kwargs.pop("name", "Ada Admin"), **kwargs)
        with app.app_context():
            db.session.get(ClinicSettings, 1).mfa_required = False
            db.session.commit()
        client = login(app, admin["email"])
        client.account = admin
        return client

    return make


@pytest.fixture
def admin(make_admin):
    return make_admin()


@pytest.fixture(autouse=True)
def mail_server(app, smtp_server):
    """Invitations are emailed only where a mail server is configured (a real one, on loopback)."""
    app.config["SMTP_URL"] = smtp_server.url
    return smtp_server


def staff_item(admin, staff_id):
    return next(s for s in admin.get("/api/v1/admin/staff").get_json()["items"] if s["id"] == staff_id)


def register_with(app, url_or_code, email):
    code = url_or_code.rsplit("code=", 1)[-1]
    client = ApiClient(app.test_client())
    response = client.post("/api/v1/auth/register", json={"invite_code": code, "email": email, **NEW_STAFF})
    client.user = (response.get_json() or {}).get("user")
    return client, response


def test_the_staff_list_shows_status_teams_and_last_login(app, admin, make_provider):
    nurse = make_provider(name="Bea Nurse")
    staff = admin.get("/api/v1/admin/staff").get_json()["items"]
    assert [s["name"] for s in staff] == ["Ada Admin", "Bea Nurse"]
    me, other = staff
    assert me["admin"] is True and me["active"] is True and me["mfa_enabled"] is False
    assert me["last_login_at"] is not None and other["last_login_at"] is None
    assert len(other["team_ids"]) == 1 and other["team_ids"] != me["team_ids"]
    login(app, nurse["email"])
    assert staff_item(admin, nurse["id"])["last_login_at"] is not None


def test_an_invited_nurse_joins_the_teams_and_sees_their_worklist(app, admin, make_patient):
    team_id = staff_item(admin, admin.user["id"])["team_ids"][0]
    make_patient(admin.account, name="Pat Team")
    response = admin.post(
        "/api/v1/admin/staff-invites",
        json={"email": "Nia@Clinic.test", "name": "Nia Nurse", "team_ids": [team_id]},
    )
    assert response.status_code == 201, response.get_json()
    invite = response.get_json()
    assert set(invite) == {"id", "url", "expires_at", "email_status", "email_not_sent_reason"}
    assert invite["email_status"] == "queued" and "#/join?" in invite["url"]
    with app.app_context():
        [queued] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == INVITE)).all()
        assert queued.payload["invite"] == invite["url"].rsplit("code=", 1)[-1]
    # The invite's email only.
    _, refused = register_with(app, invite["url"], "someone.else@clinic.test")
    assert refused.status_code == 422 and "email" in refused.get_json()["error"]["fields"]
    nurse, joined = register_with(app, invite["url"], "nia@clinic.test")
    assert joined.status_code == 201, joined.get_json()
    assert nurse.user["role"] == "provider"
    worklist = nurse.get("/api/v1/patients").get_json()["items"]
    assert [row["name"] for row in worklist] == ["Pat Team"]
    listed = staff_item(admin, nurse.user["id"])
    assert listed["team_ids"] == [team_id] and listed["admin"] is False and listed["active"] is True
    # The patient invites of the team do not list the staff invite.
    assert admin.get("/api/v1/invites").get_json()["items"] == []


def test_a_staff_invite_can_make_an_administrator_on_no_team(app, admin):
    invite = admin.post(
        "/api/v1/admin/staff-invites", json={"email": "boss@clinic.test", "name": "Boss", "admin": True}
    ).get_json()
    boss, joined = register_with(app, invite["url"], "boss@clinic.test")
    assert joined.status_code == 201
    assert staff_item(admin, boss.user["id"])["team_ids"] == []
    assert boss.get("/api/v1/admin/staff").status_code == 200


def test_staff_invites_check_teams_and_emails_and_keep_the_send_limits(admin, patient):
    bad_team = {"email": "x@clinic.test", "name": "X", "team_ids": ["00000000-0000-0000-0000-000000000000"]}
    assert admin.post("/api/v1/admin/staff-invites", json=bad_team).status_code == 422
    taken = {"email": patient.user["email"], "name": "Taken"}
    assert admin.post("/api/v1/admin/staff-invites", json=taken).status_code == 409
    body = {"email": "often@clinic.test", "name": "Often"}
    sent = [admin.post("/api/v1/admin/staff-invites", json=body).status_code for _ in range(6)]
    assert sent == [201] * 5 + [429]  # five a day to one address, as for patient invites


def test_turning_staff_off_ends_their_open_session_and_refuses_logins(
    app, admin, make_provider, make_patient
):
    account = make_provider(name="Ned Nurse")
    pat = make_patient(account, name="Pat Kept")
    nurse = login(app, account["email"])
    assert nurse.get("/api/v1/patients").status_code == 200
    response = admin.patch(f"/api/v1/admin/staff/{account['id']}", json={"active": False})
    assert response.status_code == 200 and response.get_json()["active"] is False
    # The session already open is refused at its very next request.
    assert nurse.get("/api/v1/patients").status_code == 401
    wrong = ApiClient(app.test_client()).post(
        "/api/v1/auth/login", json={"email": account["email"], "password": "not the password at all"}
    )
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "invalid_credentials"
    right = ApiClient(app.test_client()).post(
        "/api/v1/auth/login", json={"email": account["email"], "password": PASSWORD}
    )
    assert right.status_code == 403 and right.get_json()["error"]["code"] == "account_inactive"
    # Their patients stay with their team.
    patients = admin.get("/api/v1/admin/patients", query_string={"q": "Pat Kept"}).get_json()["items"]
    assert [p["care_team_id"] for p in patients] == staff_item(admin, account["id"])["team_ids"]
    assert pat.get("/api/v1/patients/me/timeline").status_code == 200
    # On again: they log in.
    admin.patch(f"/api/v1/admin/staff/{account['id']}", json={"active": True})
    assert login(app, account["email"]).get("/api/v1/patients").status_code == 200


def test_the_last_active_administrator_stays(app, admin, make_provider):
    me = admin.user["id"]
    for change in ({"active": False}, {"admin": False}):
        refused = admin.patch(f"/api/v1/admin/staff/{me}", json=change)
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "last_admin"
    other = make_provider(name="Oli Other", admin=True)
    assert admin.patch(f"/api/v1/admin/staff/{other['id']}", json={"active": False}).status_code == 200
    # An inactive administrator is no administrator to fall back on.
    assert admin.patch(f"/api/v1/admin/staff/{me}", json={"admin": False}).status_code == 409
    admin.patch(f"/api/v1/admin/staff/{other['id']}", json={"active": True})
    assert admin.patch(f"/api/v1/admin/staff/{me}", json={"admin": False}).status_code == 200
    # No longer an administrator: the administration is out of reach at once.
    assert admin.get("/api/v1/admin/staff").status_code == 404


def test_reset_mfa_ends_their_sessions_and_they_enrol_again_where_required(app, admin, make_provider):
    account = make_provider(name="Mo Mfa")
    nurse = login(app, account["email"])
    secret = nurse.post("/api/v1/me/mfa/setup").get_json()["secret"]
    assert nurse.post("/api/v1/me/mfa/confirm", json={"otp": pyotp.TOTP(secret).now()}).status_code == 200
    assert staff_item(admin, account["id"])["mfa_enabled"] is True
    assert admin.patch("/api/v1/admin/settings", json={"mfa_required": True}).status_code == 200
    assert admin.post(f"/api/v1/admin/staff/{account['id']}/reset-mfa").status_code == 204
    assert nurse.get("/api/v1/patients").status_code == 401
    assert staff_item(admin, account["id"])["mfa_enabled"] is False
    again = ApiClient(app.test_client())
    body = again.post("/api/v1/auth/login", json={"email": account["email"], "password": PASSWORD}).get_json()
    assert body["mfa_enrollment_required"] is True  # no code asked: the authenticator is gone
    refused = again.get("/api/v1/patients")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "mfa_enrollment_required"


def test_the_clinic_setting_requires_mfa_of_all_staff_from_their_next_login(app, admin, provider):
    assert admin.get("/api/v1/admin/settings").get_json() == {"mfa_required": False}
    before = login(app, provider["email"])
    turned_on = admin.patch("/api/v1/admin/settings", json={"mfa_required": True})
    assert turned_on.get_json() == {"mfa_required": True}
    # Nobody is stopped halfway: the sessions already open go on, the administrator's too.
    assert before.get("/api/v1/patients").status_code == 200
    assert admin.get("/api/v1/admin/staff").status_code == 200
    after = login(app, provider["email"])
    assert after.get("/api/v1/auth/session").get_json()["mfa_enrollment_required"] is True
    refused = after.get("/api/v1/patients")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "mfa_enrollment_required"
    secret = after.post("/api/v1/me/mfa/setup").get_json()["secret"]
    assert after.post("/api/v1/me/mfa/confirm", json={"otp": pyotp.TOTP(secret).now()}).status_code == 200
    assert after.get("/api/v1/patients").status_code == 200
    assert admin.patch("/api/v1/admin/settings", json={"mfa_required": "yes"}).status_code == 422
    admin.patch("/api/v1/admin/settings", json={"mfa_required": False})
    assert login(app, admin.account["email"]).get("/api/v1/admin/staff").status_code == 200


def test_teams_are_made_renamed_counted_and_given_to_staff(app, admin, make_provider, make_patient):
    made = admin.post("/api/v1/admin/teams", json={"name": "Night shift"})
    assert made.status_code == 201
    night = made.get_json()
    assert night["patients"] == 0 and night["staff"] == 0
    assert admin.post("/api/v1/admin/teams", json={"name": " night SHIFT "}).status_code == 422
    renamed = admin.patch(f"/api/v1/admin/teams/{night['id']}", json={"name": "Evening clinic"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Evening clinic"
    account = make_provider(name="Tia Two")
    make_patient(account)
    own_team = staff_item(admin, account["id"])["team_ids"][0]
    both = admin.patch(f"/api/v1/admin/staff/{account['id']}", json={"team_ids": [own_team, night["id"]]})
    assert sorted(both.get_json()["team_ids"]) == sorted([own_team, night["id"]])
    counts = {
        t["id"]: (t["patients"], t["staff"]) for t in admin.get("/api/v1/admin/teams").get_json()["items"]
    }
    assert counts[night["id"]] == (0, 1) and counts[own_team] == (1, 1)
    assert admin.patch(f"/api/v1/admin/teams/{admin.user['id']}", json={"name": "x"}).status_code == 404


def test_a_team_move_changes_access_at_once_and_is_in_the_patients_log(
    app, admin, make_provider, make_patient
):
    old, new = make_provider(name="Olive Old"), make_provider(name="Nico New")
    pat = make_patient(old, name="Moe Mover")
    old_client, new_client = login(app, old["email"]), login(app, new["email"])
    pid = pat.user["id"]
    assert new_client.get(f"/api/v1/patients/{pid}/timeline").status_code == 404
    [found] = admin.get("/api/v1/admin/patients", query_string={"q": "moe"}).get_json()["items"]
    assert set(found) == {"id", "name", "email", "care_team_id", "status"}  # no health data
    new_team = staff_item(admin, new["id"])["team_ids"][0]
    moved = admin.patch(f"/api/v1/admin/patients/{pid}", json={"care_team_id": new_team})
    assert moved.status_code == 200 and moved.get_json()["care_team_id"] == new_team
    assert old_client.get(f"/api/v1/patients/{pid}/timeline").status_code == 404
    assert new_client.get(f"/api/v1/patients/{pid}/timeline").status_code == 200
    assert [row["name"] for row in new_client.get("/api/v1/patients").get_json()["items"]] == ["Moe Mover"]
    assert old_client.get("/api/v1/patients").get_json()["items"] == []
    log = pat.get("/api/v1/me/access-log").get_json()["items"]
    assert any(e["action"] == "update" and e["actor"]["id"] == admin.user["id"] for e in log)
    bad = admin.patch(f"/api/v1/admin/patients/{pid}", json={"care_team_id": pid})
    assert bad.status_code == 422


def test_an_administrator_on_no_team_reads_no_diary(app, admin, make_patient):
    pat = make_patient(admin.account, name="Pat Own")
    pid = pat.user["id"]
    assert admin.get(f"/api/v1/patients/{pid}/timeline").status_code == 200
    assert admin.patch(f"/api/v1/admin/staff/{admin.user['id']}", json={"team_ids": []}).status_code == 200
    assert admin.get(f"/api/v1/patients/{pid}/timeline").status_code == 404
    assert admin.get(f"/api/v1/patients/{pid}/entries").status_code == 404
    assert admin.get("/api/v1/patients").get_json()["items"] == []
    assert admin.post("/api/v1/invites", json={}).status_code == 409
    # Administration still works.
    assert [p["id"] for p in admin.get("/api/v1/admin/patients").get_json()["items"]] == [pid]


def test_administration_is_out_of_reach_for_everyone_else(api, provider_client, patient):
    for client, status in ((api, 401), (provider_client, 404), (patient, 404)):
        assert client.get("/api/v1/admin/staff").status_code == status
        assert client.patch("/api/v1/admin/settings", json={"mfa_required": False}).status_code == status


def test_changes_are_in_the_audit_trail(app, admin, make_provider):
    account = make_provider(name="Au Dit")
    admin.patch(f"/api/v1/admin/staff/{account['id']}", json={"active": False})
    admin.post(f"/api/v1/admin/staff/{account['id']}/reset-mfa")
    admin.post("/api/v1/admin/teams", json={"name": "Audited"})
    admin.patch("/api/v1/admin/settings", json={"mfa_required": False})
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.actor_id == uuid.UUID(admin.user["id"]))
        ).all()
    assert {(r.action, r.resource) for r in rows} >= {
        ("update", "staff"),
        ("update", "mfa"),
        ("create", "care_team"),
        ("update", "clinic_settings"),
    }


def test_the_patient_directory_says_whether_a_patient_is_paused_or_discharged(
    app, admin, make_provider, make_patient
):
    team = make_provider(name="Tess Team")
    paused, gone = make_patient(team, name="Pia Paused"), make_patient(team, name="Dan Gone")
    until = (date.today() + timedelta(days=10)).isoformat()
    assert paused.patch("/api/v1/me/settings", json={"paused_until": until}).status_code == 200
    discharge = paused.provider_client.post(f"/api/v1/patients/{gone.user['id']}/discharge", json={})
    assert discharge.status_code == 200
    items = admin.get("/api/v1/admin/patients").get_json()["items"]
    status = {item["name"]: item["status"] for item in items}
    assert status["Pia Paused"] == "paused" and status["Dan Gone"] == "discharged"
