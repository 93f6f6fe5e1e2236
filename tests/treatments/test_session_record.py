"""The session record, rated side effects and the home-dose rules (docs/api.md, "The session
record", "Side effects", "Home doses"; docs/relief.md, "Side effects and home doses")."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.checkins.test_checkins import ANSWERS, iso


def ago(**delta):
    return iso(datetime.now(UTC) - timedelta(**delta))


def session(client, pid="me", **fields):
    body = {"status": "completed", "starts_at": ago(hours=3), "route": "intranasal", **fields}
    return client.post(f"/api/v1/patients/{pid}/treatments", json=body)


def entry(client, **fields):
    return client.post("/api/v1/patients/me/entries", json={"answers": ANSWERS, **fields})


def side_effect_flags(provider_client, pid):
    flags = provider_client.get(f"/api/v1/patients/{pid}/flags").get_json()["items"]
    return [flag for flag in flags if flag["kind"] == "side_effect"]


def worklist_flags(provider_client, pid):
    items = provider_client.get("/api/v1/patients").get_json()["items"]
    return next(item["open_flags"] for item in items if item["id"] == pid)


RECORD = {
    "route": "iv",
    "dose_mg": 35,
    "product": "racemic_ketamine",
    "weight_kg": 70,
    "systolic_before": 128,
    "diastolic_before": 82,
    "heart_rate_before": 72,
    "systolic_after": 142,
    "diastolic_after": 90,
    "heart_rate_after": 80,
    "sedation_moaas": 4,
    "dissociation_cadss6": 7,
    "observation_minutes": 60,
    "discharge_ready": True,
}


def test_the_care_team_records_a_session_with_mg_per_kg_computed(patient, provider_client):
    pid = patient.user["id"]
    response = session(provider_client, pid, **RECORD, discharge_ready_at=ago(hours=1))
    assert response.status_code == 201, response.get_json()
    stored = response.get_json()
    assert stored["mg_per_kg"] == 0.5
    assert {name: stored[name] for name in RECORD} == RECORD
    timeline = provider_client.get(f"/api/v1/patients/{pid}/timeline").get_json()
    shown = next(t for t in timeline["treatments"] if t["id"] == stored["id"])
    assert shown["mg_per_kg"] == 0.5 and shown["sedation_moaas"] == 4 and shown["discharge_ready_at"]
    changed = provider_client.patch(f"/api/v1/treatments/{stored['id']}", json={"weight_kg": 87.5})
    assert changed.status_code == 200 and changed.get_json()["mg_per_kg"] == 0.4


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sedation_moaas": 6}, "sedation_moaas"),
        ({"sedation_moaas": -1}, "sedation_moaas"),
        ({"dissociation_cadss6": 25}, "dissociation_cadss6"),
        ({"systolic_before": 400}, "systolic_before"),
        ({"heart_rate_after": "80"}, "heart_rate_after"),
        ({"weight_kg": 0}, "weight_kg"),
        ({"product": "ketamine"}, "product"),
        ({"mg_per_kg": 0.5}, "mg_per_kg"),  # computed, never typed
        ({"systolic_before": 80, "diastolic_before": 120}, "diastolic_before"),
        ({"discharge_ready": False, "discharge_ready_at": ago(hours=1)}, "discharge_ready_at"),
        ({"discharge_ready": True, "discharge_ready_at": ago(hours=9)}, "discharge_ready_at"),
        ({"observation_minutes": 5000}, "observation_minutes"),
    ],
)
def test_nonsense_in_the_record_is_refused(patient, provider_client, fields, field):
    response = session(provider_client, patient.user["id"], **fields)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("route", ["iv", "intramuscular"])
def test_a_patient_records_no_infusion_or_injection(patient, provider_client, route):
    response = session(patient, route=route)
    assert response.status_code == 422 and "route" in response.get_json()["error"]["fields"]
    assert session(provider_client, patient.user["id"], route=route).status_code == 201


@pytest.mark.parametrize("route", ["intranasal", "oral", "sublingual", "other"])
def test_a_patient_records_home_routes(patient, route):
    assert session(patient, route=route).status_code == 201


def test_a_patient_records_no_clinic_observations(patient):
    response = session(patient, systolic_before=120, sedation_moaas=5, product="racemic_ketamine")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"systolic_before", "sedation_moaas"}


def test_side_effects_carry_a_severity(patient):
    response = entry(
        patient,
        side_effects=["nausea", "vomiting"],
        side_effect_severity={"nausea": "mild", "vomiting": "moderate"},
    )
    assert response.status_code == 201
    stored = response.get_json()
    assert stored["side_effect_severity"] == {"nausea": "mild", "vomiting": "moderate"}
    # dropping a side effect drops its rating; the others keep theirs
    changed = patient.patch(f"/api/v1/entries/{stored['id']}", json={"side_effects": ["vomiting"]}).get_json()
    assert changed["side_effect_severity"] == {"vomiting": "moderate"}
    unlisted = entry(patient, side_effects=["nausea"], side_effect_severity={"headache": "mild"})
    assert unlisted.status_code == 422 and "side_effect_severity" in unlisted.get_json()["error"]["fields"]
    wrong = entry(patient, side_effects=["nausea"], side_effect_severity={"nausea": "awful"})
    assert wrong.status_code == 422


def test_an_old_check_in_reads_without_severity(patient):
    stored = entry(patient, side_effects=["headache"]).get_json()
    assert stored["side_effects"] == ["headache"] and stored["side_effect_severity"] == {}


def test_dissociation_a_day_after_the_dose_raises_side_effect(patient, provider_client):
    pid = patient.user["id"]
    assert session(provider_client, pid, route="iv", starts_at=ago(hours=30)).status_code == 201
    assert entry(patient, side_effects=["dissociation"]).status_code == 201
    (flag,) = side_effect_flags(provider_client, pid)
    assert flag["status"] == "open"
    (reason,) = flag["details"]["reasons"]
    assert reason["reason"] == "late_dissociation" and reason["hours_after_dose"] == 30
    assert "30 hours after the last dose" in reason["text"]
    assert "side_effect" in worklist_flags(provider_client, pid)


def test_dissociation_on_the_day_of_the_dose_raises_nothing(patient, provider_client):
    pid = patient.user["id"]
    session(provider_client, pid, route="iv", starts_at=ago(hours=4))
    assert (
        entry(
            patient, side_effects=["dissociation"], side_effect_severity={"dissociation": "moderate"}
        ).status_code
        == 201
    )
    assert side_effect_flags(provider_client, pid) == []
    assert "side_effect" not in worklist_flags(provider_client, pid)


def test_craving_and_a_severe_side_effect_raise_one_flag_with_both_reasons(patient, provider_client):
    pid = patient.user["id"]
    entry(patient, side_effects=["craving"])
    entry(patient, side_effects=["vomiting"], side_effect_severity={"vomiting": "severe"})
    (flag,) = side_effect_flags(provider_client, pid)
    assert [r["reason"] for r in flag["details"]["reasons"]] == ["craving", "severe"]
    assert flag["details"]["reasons"][1]["effects"] == ["vomiting"]


def test_the_same_report_is_noted_once_and_a_new_one_after_acknowledging_opens_a_flag(
    patient, provider_client
):
    pid = patient.user["id"]
    stored = entry(patient, side_effects=["craving"]).get_json()
    patient.patch(f"/api/v1/entries/{stored['id']}", json={"note": "again"})
    (flag,) = side_effect_flags(provider_client, pid)
    assert len(flag["details"]["reasons"]) == 1
    assert provider_client.post(f"/api/v1/flags/{flag['id']}/acknowledge", json={}).status_code == 200
    assert "side_effect" not in worklist_flags(provider_client, pid)
    session(patient, side_effects=["palpitations"], side_effect_severity={"palpitations": "severe"})
    flags = side_effect_flags(provider_client, pid)
    assert [f["status"] for f in flags] == ["acknowledged", "open"]
    assert "side_effect" in worklist_flags(provider_client, pid)


def test_more_home_doses_than_the_schedule_raise_side_effect(patient, provider_client):
    pid = patient.user["id"]
    response = provider_client.patch(
        f"/api/v1/patients/{pid}", json={"home_dose_schedule": {"max_doses": 1, "per_days": 7}}
    )
    assert response.status_code == 200
    assert response.get_json()["home_dose_schedule"] == {"max_doses": 1, "per_days": 7}
    # the care team's own sessions are not home doses
    session(provider_client, pid, route="iv", starts_at=ago(days=2))
    assert session(patient, starts_at=ago(days=5)).status_code == 201
    assert side_effect_flags(provider_client, pid) == []
    assert session(patient, route="oral", starts_at=ago(hours=2)).status_code == 201
    (flag,) = side_effect_flags(provider_client, pid)
    (reason,) = flag["details"]["reasons"]
    assert reason["reason"] == "more_than_prescribed" and (reason["doses"], reason["allowed"]) == (2, 1)
    assert "side_effect" in worklist_flags(provider_client, pid)


def test_home_doses_within_the_schedule_raise_nothing(patient, provider_client):
    pid = patient.user["id"]
    provider_client.patch(
        f"/api/v1/patients/{pid}", json={"home_dose_schedule": {"max_doses": 2, "per_days": 7}}
    )
    session(patient, starts_at=ago(days=6))
    session(patient, starts_at=ago(days=3))
    assert side_effect_flags(provider_client, pid) == []


@pytest.mark.parametrize(
    "schedule",
    [
        {"max_doses": -1, "per_days": 7},
        {"max_doses": 1, "per_days": 0},
        {"max_doses": 1},
        {"max_doses": "1", "per_days": 7},
    ],
)
def test_a_nonsense_schedule_is_refused(patient, provider_client, schedule):
    response = provider_client.patch(
        f"/api/v1/patients/{patient.user['id']}", json={"home_dose_schedule": schedule}
    )
    assert response.status_code == 422


def test_only_the_care_team_sets_the_schedule(patient):
    response = patient.patch(
        "/api/v1/patients/me", json={"home_dose_schedule": {"max_doses": 9, "per_days": 7}}
    )
    assert response.status_code == 403
