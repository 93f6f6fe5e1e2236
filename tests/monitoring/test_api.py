"""Timeline, worklist, flags and the intake baseline through the API (docs/api.md, "Relief monitoring")."""

import base64
import json
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from diary import cursors
from diary.audit.models import AuditEvent
from diary.extensions import db

from .conftest import WORKED_AFTER, WORKED_BASELINE, answers_for

DAY_FIELDS = ("date", "score", "severity", "entries")
FLAG_KEYS = {
    "id",
    "patient_id",
    "kind",
    "status",
    "raised_on",
    "raised_at",
    "details",
    "acknowledged_by",
    "acknowledged_at",
    "acknowledged_by_name",  # beyond the first contract: who, by name
    "acknowledge_note",  # beyond the first contract: the note given
    "note_required",  # beyond the first contract: acknowledging needs a note
    "undo_until",  # beyond the first contract: until when the acknowledgement can be undone
    "resolved_at",
    "resolution",  # beyond the first contract: why it resolved
}
ASSESSMENT_KEYS = {
    "status",
    "last_session_date",
    "baseline",
    "baseline_source",  # beyond the contract: where the baseline comes from (issue 25)
    "nadir",
    "threshold",
    "current",
    "regained_fraction",
    "days_since_session",
    "predicted_wear_off_date",
    "prediction_basis",
    "suggested_session_by",
    "notices",
    "forecast",  # beyond the contract: the v2 forecast, care team only
}
WORKLIST_KEYS = {
    "id",
    "patient_status",
    "paused_until",
    "closed_by_patient",
    "name",
    "email",
    "timezone",
    "last_entry_at",
    "latest_score",
    "latest_severity",
    "status",
    "open_flags",
    "predicted_wear_off_date",
    "suggested_session_by",
    "prediction_basis",  # beyond the contract
    "next_planned_session",
    "next_planned_by",
    "session_due",  # beyond the contract
    "acknowledged",  # beyond the contract: the latest acknowledgement still standing, with its note
    "new_reports",  # beyond the contract: a note or side effect no one has read
    "new_reports_at",
}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BACKFILL_DAYS": 40}


def local_noon(client, day, hour=12):
    zone = ZoneInfo(client.user["timezone"])
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC).isoformat()


def today_of(client):
    return datetime.now(ZoneInfo(client.user["timezone"])).date()


def post_score(client, day, total, hour=12):
    body = {
        "recorded_at": local_noon(client, day, hour),
        "answers": answers_for(total),
        "instrument": "daily",
    }  # the scores relief reads
    response = client.post("/api/v1/patients/me/entries", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def post_session(provider_client, patient, day, status="completed", hour=10):
    body = {"status": status, "starts_at": local_noon(patient, day, hour), "route": "iv", "dose_mg": 35}
    response = provider_client.post(f"/api/v1/patients/{patient.user['id']}/treatments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def backfill_worked_example(patient, provider_client):
    """The v1 worked example (docs/relief.md) through the API, day 20 being yesterday.

    The session first, then the days in order.
    """
    day0 = today_of(patient) - timedelta(days=21)
    post_session(provider_client, patient, day0)
    for offset, total in enumerate(WORKED_BASELINE, start=-7):
        post_score(patient, day0 + timedelta(days=offset), total)
    for offset, total in enumerate(WORKED_AFTER, start=1):
        post_score(patient, day0 + timedelta(days=offset), total)
    return day0


def test_a_backfilled_month_gives_the_flags_and_assessment_on_the_timeline(app, patient, provider_client):
    app.config["RELIEF_PARAMS"] = "rules=v1"  # the v1 worked example (docs/relief.md), its first rules
    day0 = backfill_worked_example(patient, provider_client)
    pid = patient.user["id"]
    start = (day0 - timedelta(days=7)).isoformat()

    response = provider_client.get(f"/api/v1/patients/{pid}/timeline?from={start}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["patient"] == {
        "id": pid,
        "name": "Pat Doe",
        "timezone": "Europe/Berlin",
        "intake_baseline": None,
        "home_dose_schedule": None,
        "email_reminders_failing": False,
        "status": "active",
        "paused_until": None,
        "status_changed_at": None,
        "discharge_reason": None,
        "closed_by_patient": False,
    }
    assert [d["score"] for d in body["days"]] == WORKED_BASELINE + WORKED_AFTER
    assert body["days"][0] == {
        "date": start,
        "score": 16,
        "severity": "severe",
        "entries": 1,
        "instrument": "daily",
    }
    assert body["daily"] == [{key: day[key] for key in DAY_FIELDS} for day in body["days"]]
    assert [t["local_date"] for t in body["treatments"]] == [day0.isoformat()]
    # Built by hand for speed, in the shapes of the treatment and flag endpoints.
    assert body["treatments"] == provider_client.get(f"/api/v1/patients/{pid}/treatments").get_json()["items"]
    assert body["flags"] == provider_client.get(f"/api/v1/patients/{pid}/flags").get_json()["items"]

    flags = {flag["kind"]: flag for flag in body["flags"] if flag["kind"] != "data_gap"}
    assert set(flags) == {"wearing_off", "plan_maintenance"}
    # The gaps seen while backfilling day by day are on record, withdrawn.
    gaps = {(flag["status"], flag["resolution"]) for flag in body["flags"] if flag["kind"] == "data_gap"}
    assert gaps == {("resolved", "withdrawn")}
    wearing = flags["wearing_off"]
    assert set(wearing) == FLAG_KEYS
    assert wearing["status"] == "open" and wearing["raised_on"] == (day0 + timedelta(days=18)).isoformat()
    assert wearing["details"]["duration"] == 18 and wearing["acknowledged_by"] is None
    assert wearing["raised_at"].endswith("Z")
    assert (flags["plan_maintenance"]["status"], flags["plan_maintenance"]["resolution"]) == (
        "resolved",
        "superseded",
    )
    assert wearing["resolution"] is None

    assessment = body["assessment"]
    assert set(assessment) == ASSESSMENT_KEYS
    assert assessment["status"] == "wearing_off"
    assert (assessment["baseline"], assessment["nadir"], assessment["threshold"]) == (16.0, 5.0, 10.5)
    assert assessment["last_session_date"] == day0.isoformat() and assessment["days_since_session"] == 21
    assert assessment["notices"] == []

    own = patient.get("/api/v1/patients/me/timeline?from=" + start).get_json()
    assert own["flags"] == [] and own["assessment"] == assessment and own["days"] == body["days"]

    [row] = provider_client.get("/api/v1/patients").get_json()["items"]
    assert set(row) == WORKLIST_KEYS
    assert (
        row["status"] == "wearing_off" and row["open_flags"] == ["wearing_off"] and row["latest_score"] == 14
    )


def test_the_worklist_puts_the_urgent_patient_first(app, make_patient, provider, provider_client):
    def patient_named(name):
        return make_patient(provider, name=name)

    calm = patient_named("Abe Calm")  # no session yet
    gap, wearing, urgent = patient_named("Xia Gap"), patient_named("Yan Wearing"), patient_named("Zed Urgent")
    today = today_of(calm)
    session_day = today - timedelta(days=10)
    for pat, after in (
        (gap, [6, 5, 5, 6, 5]),  # silent since day 5: a data gap on day 9
        (urgent, [6, 5, 5, 6, 7, 9, 16, 17, 18]),
    ):
        post_session(provider_client, pat, session_day)
        for offset in range(1, 8):
            post_score(pat, session_day - timedelta(days=offset), 12)
        for offset, total in enumerate(after, start=1):
            post_score(pat, session_day + timedelta(days=offset), total)
    backfill_worked_example(wearing, provider_client)
    post_score(calm, today - timedelta(days=1), 3)

    items = provider_client.get("/api/v1/patients").get_json()["items"]
    assert [item["name"] for item in items] == ["Zed Urgent", "Yan Wearing", "Xia Gap", "Abe Calm"]
    assert items[0]["open_flags"][0] == "urgent" and items[2]["open_flags"] == ["data_gap"]
    assert items[3]["status"] == "no_treatment" and items[3]["latest_severity"] == "minimal"

    # Acknowledging the urgent flag takes the patient down to their other open flag's rank.
    flags = provider_client.get(f"/api/v1/patients/{urgent.user['id']}/flags?status=open").get_json()["items"]
    [urgent_flag] = [flag for flag in flags if flag["kind"] == "urgent"]
    assert urgent_flag["details"]["not_a_safety_screen"] is True
    assert provider_client.post(f"/api/v1/flags/{urgent_flag['id']}/acknowledge", json={}).status_code == 200
    items = provider_client.get("/api/v1/patients").get_json()["items"]
    assert "urgent" not in items[0]["open_flags"] and {items[0]["name"], items[1]["name"]} == {
        "Zed Urgent",
        "Yan Wearing",
    }


def test_the_worklist_pages_with_a_cursor(make_patient, provider, provider_client):
    names = [f"Patient {n}" for n in range(5)]
    for name in names:
        make_patient(provider, name=name)
    first = provider_client.get("/api/v1/patients?limit=2").get_json()
    assert [item["name"] for item in first["items"]] == names[:2] and first["next_cursor"]
    second = provider_client.get(f"/api/v1/patients?limit=2&cursor={first['next_cursor']}").get_json()
    third = provider_client.get(f"/api/v1/patients?limit=2&cursor={second['next_cursor']}").get_json()
    assert [item["name"] for item in second["items"] + third["items"]] == names[2:]
    assert third["next_cursor"] is None
    assert provider_client.get("/api/v1/patients").get_json()["next_cursor"] is None
    forged = base64.urlsafe_b64encode(
        json.dumps([0, "2026-01-01", "a\x00b", str(uuid.uuid4())]).encode()
    ).decode()
    for query in ("limit=0", "limit=501", "cursor=nonsense", "limit=x", f"cursor={forged}", "cursor=W10"):
        response = provider_client.get(f"/api/v1/patients?{query}")
        assert response.status_code == 422, query
        assert response.get_json()["error"]["code"] == "validation_error"


def test_the_worklist_shows_only_the_providers_own_patients(
    make_patient, make_provider, provider, provider_client
):
    mine = make_patient(provider, name="Mine")
    make_patient(make_provider(), name="Not mine")
    items = provider_client.get("/api/v1/patients").get_json()["items"]
    assert [(item["id"], item["email"]) for item in items] == [(mine.user["id"], mine.user["email"])]


def test_a_patient_registered_before_monitoring_is_summarised_by_the_next_relief_pass(
    app, patient, provider_client
):
    from diary.monitoring.models import PatientSummary

    with app.app_context():
        db.session.execute(db.delete(PatientSummary))
        db.session.commit()
    # A page counts nothing and looks for nothing.
    assert provider_client.get("/api/v1/patients").get_json()["items"] == []
    result = app.test_cli_runner().invoke(args=["scheduler", "tick"])
    assert "summaries: 1 patient(s) newly summarised" in result.output, result.output
    [row] = provider_client.get("/api/v1/patients").get_json()["items"]
    assert row["id"] == patient.user["id"] and row["status"] == "no_treatment"


def test_a_worklist_sight_is_in_the_patients_access_log_once_a_day(app, patient, provider_client):
    from diary.audit.models import AuditEvent

    for _ in range(3):
        assert len(provider_client.get("/api/v1/patients").get_json()["items"]) == 1
    with app.app_context():
        rows = db.session.scalars(db.select(AuditEvent).where(AuditEvent.resource == "worklist")).all()
        assert [(str(row.patient_id), str(row.actor_id)) for row in rows] == [
            (patient.user["id"], patient.provider["id"])
        ]
        yesterday = rows[0].at - timedelta(days=1)
        db.session.add(
            AuditEvent(
                at=yesterday,
                actor_id=rows[0].actor_id,
                actor_role="provider",
                patient_id=rows[0].patient_id,
                action="read",
                resource="worklist",
            )
        )
        db.session.commit()
    log = patient.get("/api/v1/me/access-log").get_json()["items"]
    assert [item["resource"] for item in log].count("worklist") == 2  # today's sight, and yesterday's


def test_the_next_planned_session_is_on_the_worklist(patient, provider_client):
    today = today_of(patient)
    post_session(provider_client, patient, today + timedelta(days=9), status="planned")
    soon = post_session(provider_client, patient, today + timedelta(days=3), status="planned")
    [row] = provider_client.get("/api/v1/patients").get_json()["items"]
    assert row["next_planned_session"] == soon["starts_at"]


def test_flag_endpoints_are_for_the_care_team(patient, provider_client):
    pid = patient.user["id"]
    assert patient.get(f"/api/v1/patients/{pid}/flags").status_code == 403
    assert patient.get("/api/v1/patients/me/flags").status_code == 403
    assert patient.get("/api/v1/patients").status_code == 403
    assert provider_client.get(f"/api/v1/patients/{pid}/flags").get_json() == {"items": []}
    assert provider_client.get(f"/api/v1/patients/{pid}/flags?status=closed").status_code == 422
    assert provider_client.post(f"/api/v1/flags/{uuid.uuid4()}/acknowledge", json={}).status_code == 404


def test_acknowledging_a_flag(app, patient, provider_client):
    backfill_worked_example(patient, provider_client)
    pid = patient.user["id"]
    [flag] = provider_client.get(f"/api/v1/patients/{pid}/flags?status=open").get_json()["items"]
    assert patient.post(f"/api/v1/flags/{flag['id']}/acknowledge", json={}).status_code == 403

    response = provider_client.post(
        f"/api/v1/flags/{flag['id']}/acknowledge", json={"note": "Booked for Friday"}
    )
    assert response.status_code == 200
    acknowledged = response.get_json()
    assert set(acknowledged) == FLAG_KEYS
    assert (
        acknowledged["status"] == "acknowledged"
        and acknowledged["acknowledged_by"] == provider_client.user["id"]
    )
    assert acknowledged["acknowledged_at"].endswith("Z") and acknowledged["resolved_at"] is None
    assert (
        provider_client.post(f"/api/v1/flags/{flag['id']}/acknowledge", json={"note": "a\x00b"}).status_code
        == 422
    )
    again = provider_client.post(f"/api/v1/flags/{flag['id']}/acknowledge").get_json()
    assert again == acknowledged  # idempotent, and the body may be left out

    assert provider_client.get(f"/api/v1/patients/{pid}/flags?status=open").get_json()["items"] == []
    assert [
        f["id"]
        for f in provider_client.get(f"/api/v1/patients/{pid}/flags?status=acknowledged").get_json()["items"]
    ] == [flag["id"]]
    [row] = provider_client.get("/api/v1/patients").get_json()["items"]
    assert row["open_flags"] == [] and row["status"] == "wearing_off"
    with app.app_context():
        resources = set(
            db.session.scalars(select(AuditEvent.resource).where(AuditEvent.patient_id == uuid.UUID(pid)))
        )
    assert {f"flag:{flag['id']}", "flags"} <= resources

    # A new session starts a new cycle: the flag resolves itself, keeping who acknowledged it.
    post_session(provider_client, patient, today_of(patient), hour=0)
    resolved_flags = provider_client.get(f"/api/v1/patients/{pid}/flags?status=resolved&x=1").get_json()
    [resolved] = [f for f in resolved_flags["items"] if f["id"] == flag["id"]]
    assert (
        resolved["id"] == flag["id"]
        and resolved["resolved_at"]
        and resolved["resolution"] == "new_cycle"
        and resolved["acknowledged_by"] == provider_client.user["id"]
    )


def test_the_intake_baseline(app, patient, provider_client):
    pid = patient.user["id"]
    response = provider_client.patch(f"/api/v1/patients/{pid}", json={"intake_baseline": 16})
    assert response.status_code == 200
    assert response.get_json() == {
        "id": pid,
        "name": "Pat Doe",
        "timezone": "Europe/Berlin",
        "intake_baseline": 16,
        "home_dose_schedule": None,
        "email_reminders_failing": False,
        "status": "active",
        "paused_until": None,
        "status_changed_at": None,
        "discharge_reason": None,
        "closed_by_patient": False,
    }
    timeline = provider_client.get(f"/api/v1/patients/{pid}/timeline").get_json()
    assert timeline["patient"]["intake_baseline"] == 16 and timeline["assessment"]["baseline"] == 16.0
    assert (
        provider_client.patch(f"/api/v1/patients/{pid}", json={"intake_baseline": None}).get_json()[
            "intake_baseline"
        ]
        is None
    )
    assert provider_client.get(f"/api/v1/patients/{pid}/timeline").get_json()["assessment"]["notices"] == [
        "no_baseline"
    ]
    for bad in (22, -1, "5", 3.5, True):
        response = provider_client.patch(f"/api/v1/patients/{pid}", json={"intake_baseline": bad})
        assert response.status_code == 422, bad
        assert "intake_baseline" in response.get_json()["error"]["fields"]
    assert patient.patch(f"/api/v1/patients/{pid}", json={"intake_baseline": 3}).status_code == 403
    assert patient.patch("/api/v1/patients/me", json={"intake_baseline": 3}).status_code == 403


def test_an_intake_baseline_lets_a_session_without_pre_treatment_scores_be_judged(patient, provider_client):
    pid = patient.user["id"]
    day0 = today_of(patient) - timedelta(days=21)
    post_session(provider_client, patient, day0)
    for offset, total in enumerate(WORKED_AFTER, start=1):
        post_score(patient, day0 + timedelta(days=offset), total)
    assert provider_client.get(f"/api/v1/patients/{pid}/timeline").get_json()["assessment"]["notices"] == [
        "no_baseline"
    ]
    provider_client.patch(f"/api/v1/patients/{pid}", json={"intake_baseline": 16})
    body = provider_client.get(f"/api/v1/patients/{pid}/timeline").get_json()
    assert (
        body["assessment"]["notices"] == ["baseline_from_intake"]
        and body["assessment"]["status"] == "wearing_off"
    )
    assert {(f["kind"], f["status"]) for f in body["flags"]} >= {("wearing_off", "open")}


def test_timeline_days_take_the_latest_entry_of_each_date_and_count_them(patient):
    yesterday = today_of(patient) - timedelta(days=1)
    post_score(patient, yesterday, 12, hour=8)
    post_score(patient, yesterday, 4, hour=20)
    post_score(patient, yesterday, 9, hour=14)
    body = patient.get("/api/v1/patients/me/timeline").get_json()
    assert body["days"] == [
        {
            "date": yesterday.isoformat(),
            "score": 4,
            "severity": "minimal",
            "entries": 3,
            "instrument": "daily",
        }
    ]
    assert body["assessment"]["status"] == "no_treatment" and body["treatments"] == []


def test_timeline_ranges(patient):
    today = today_of(patient)
    old = today - timedelta(days=95)
    # Older than the backfill window: written straight into the database.
    from tests.monitoring.conftest import Diary

    Diary(patient.client.application, patient).score(old, 7)
    post_score(patient, today - timedelta(days=2), 5)
    default = patient.get("/api/v1/patients/me/timeline").get_json()
    assert [d["date"] for d in default["days"]] == [
        (today - timedelta(days=2)).isoformat()
    ]  # the last 90 days
    # 731 dates at most, both ends counted (docs/api.md, "Check-ins")
    wide = patient.get(f"/api/v1/patients/me/timeline?from={today - timedelta(days=730)}&to={today}")
    assert wide.status_code == 200 and len(wide.get_json()["days"]) == 2
    too_wide = patient.get(f"/api/v1/patients/me/timeline?from={today - timedelta(days=731)}&to={today}")
    assert too_wide.status_code == 422
    backwards = patient.get(
        f"/api/v1/patients/me/timeline?from={today.isoformat()}&to={(today - timedelta(days=1)).isoformat()}"
    )
    assert backwards.status_code == 422
    assert patient.get("/api/v1/patients/me/timeline?from=yesterday").status_code == 422


def test_deleting_an_entry_through_the_api_re_evaluates(patient, provider_client):
    pid = patient.user["id"]
    day0 = today_of(patient) - timedelta(days=10)
    post_session(provider_client, patient, day0)
    for offset in range(1, 8):
        post_score(patient, day0 - timedelta(days=offset), 12)
    ids = [
        post_score(patient, day0 + timedelta(days=n), total)["id"]
        for n, total in enumerate([6, 5, 5, 6, 7, 9, 10, 16, 18], start=1)
    ]
    kinds = {
        f["kind"]
        for f in provider_client.get(f"/api/v1/patients/{pid}/flags?status=open").get_json()["items"]
    }
    assert "urgent" in kinds
    assert patient.delete(f"/api/v1/entries/{ids[-1]}").status_code == 204
    flags = provider_client.get(f"/api/v1/patients/{pid}/flags").get_json()["items"]
    # Withdrawn with the entry, and on record though nobody had acted on it.
    assert [(f["status"], f["resolution"]) for f in flags if f["kind"] == "urgent"] == [
        ("resolved", "withdrawn")
    ]


def test_reads_of_the_timeline_are_audited_for_the_care_team_only(app, patient, provider_client):
    pid = patient.user["id"]

    def reads():
        with app.app_context():
            return db.session.scalars(
                select(AuditEvent.actor_role).where(
                    AuditEvent.patient_id == uuid.UUID(pid), AuditEvent.resource == "timeline"
                )
            ).all()

    patient.get("/api/v1/patients/me/timeline")
    assert reads() == []
    provider_client.get(f"/api/v1/patients/{pid}/timeline")
    assert reads() == ["provider"]


def test_the_openapi_document_describes_the_routes(client):
    spec = client.get("/api/openapi.json").get_json()
    paths = spec["paths"]
    assert {"get"} <= set(paths["/api/v1/patients"]) and "patch" in paths["/api/v1/patients/{pid}"]
    assert (
        "get" in paths["/api/v1/patients/{pid}/timeline"] and "get" in paths["/api/v1/patients/{pid}/flags"]
    )
    assert "post" in paths["/api/v1/flags/{flag_id}/acknowledge"]
    schemas = spec["components"]["schemas"]
    assert set(schemas["Flag"]["properties"]) == FLAG_KEYS
    assert set(schemas["Assessment"]["properties"]) == ASSESSMENT_KEYS
    assert set(schemas["WorklistItem"]["properties"]) == WORKLIST_KEYS


def test_the_worklist_cursor_is_opaque_and_sealed(app, make_patient, provider, provider_client):
    for name in ("Quentin Sample", "Rosa Sample", "Saul Sample"):
        make_patient(provider, name=name)
    cursor = provider_client.get("/api/v1/patients?limit=1").get_json()["next_cursor"]
    readable = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert b"Sample" not in readable and b"Quentin" not in readable and b"2026" not in readable
    assert provider_client.get(f"/api/v1/patients?limit=1&cursor={cursor}").status_code == 200
    changed = cursor[:-6] + ("A" if cursor[-6] != "A" else "B") + cursor[-5:]
    with app.app_context():
        huge_rank = cursors.seal("worklist", [2**63, "2026-01-01", "Rosa Sample", str(uuid.uuid4())])
        app.config["SECRET_KEY"] = "another key"
        other_key = cursors.seal("worklist", [0, "2026-01-01", "Rosa Sample", str(uuid.uuid4())])
        app.config["SECRET_KEY"] = "test-secret"
    for bad in (changed, huge_rank, other_key):
        response = provider_client.get(f"/api/v1/patients?limit=1&cursor={bad}")
        assert response.status_code == 422 and "cursor" in response.get_json()["error"]["fields"]
