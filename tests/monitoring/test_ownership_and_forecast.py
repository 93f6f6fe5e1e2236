"""Issue 12 through the API: a patient's own dose cannot close the care team's flags; the
worklist says who booked and whether the suggested session is overdue; the forecast and its
reasons reach the care team."""

from datetime import date, timedelta

import pytest

from .conftest import WORKED_AFTER, WORKED_BASELINE
from .test_api import local_noon, post_score, post_session, today_of


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BACKFILL_DAYS": 40}  # the history is backfilled through the API


def post_own_session(patient, day, status="completed"):
    """A session the patient records or books (a self-administered dose)."""
    body = {"status": status, "starts_at": local_noon(patient, day, 10), "route": "intranasal", "dose_mg": 56}
    response = patient.post("/api/v1/patients/me/treatments", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["recorded_by"]["role"] == "patient"


def worked_example(patient, provider_client, days, *, ago=1):
    """The v1 worked example (docs/relief.md) up to day ``days``, which is ``ago`` days before today."""
    day0 = today_of(patient) - timedelta(days=days + ago)
    post_session(provider_client, patient, day0)
    for offset, total in enumerate(WORKED_BASELINE, start=-7):
        post_score(patient, day0 + timedelta(days=offset), total)
    for offset, total in enumerate(WORKED_AFTER[:days], start=1):
        post_score(patient, day0 + timedelta(days=offset), total)
    return day0


def flags_of(provider_client, patient):
    items = provider_client.get(f"/api/v1/patients/{patient.user['id']}/flags").get_json()["items"]
    return {(flag["kind"], flag["status"]) for flag in items}


def test_a_dose_the_patient_records_does_not_close_the_care_teams_wearing_off(patient, provider_client):
    # The doses are recorded yesterday, so their hours have passed whenever the test runs
    # (a completed session cannot start in the future).
    worked_example(patient, provider_client, 20, ago=2)
    assert ("wearing_off", "open") in flags_of(provider_client, patient)
    yesterday = today_of(patient) - timedelta(days=1)

    post_own_session(patient, yesterday)
    assert ("wearing_off", "open") in flags_of(provider_client, patient)  # still the care team's to close

    post_session(provider_client, patient, yesterday, hour=15)
    assert ("wearing_off", "resolved") in flags_of(provider_client, patient)
    assert ("wearing_off", "open") not in flags_of(provider_client, patient)


def test_the_worklist_says_who_booked_the_next_session(patient, provider_client):
    worked_example(patient, provider_client, 10)
    post_own_session(patient, today_of(patient) + timedelta(days=5), status="planned")
    [row] = provider_client.get("/api/v1/patients").get_json()["items"]
    assert row["next_planned_session"] is not None and row["next_planned_by"] == "patient"

    post_session(provider_client, patient, today_of(patient) + timedelta(days=2), status="planned")
    [row] = provider_client.get("/api/v1/patients").get_json()["items"]
    assert row["next_planned_by"] == "care_team"


def test_the_worklist_says_when_the_suggested_session_is_overdue_or_booked_too_late(patient, provider_client):
    worked_example(patient, provider_client, 12)
    today = today_of(patient)
    [row] = provider_client.get("/api/v1/patients").get_json()["items"]
    assert row["status"] == "relief" and row["suggested_session_by"] is not None
    timeline = provider_client.get(f"/api/v1/patients/{patient.user['id']}/timeline").get_json()
    assert (
        row["prediction_basis"] == timeline["assessment"]["prediction_basis"] in ("history", "trend", "prior")
    )
    suggested = date.fromisoformat(row["suggested_session_by"])
    predicted = date.fromisoformat(row["predicted_wear_off_date"])
    assert row["session_due"] == ("overdue" if suggested < today else None)

    post_session(provider_client, patient, max(predicted, today) + timedelta(days=3), status="planned")
    [row] = provider_client.get("/api/v1/patients").get_json()["items"]
    assert row["session_due"] == "booked_after_wear_off"


def test_the_forecast_and_its_reasons_reach_the_care_team_not_the_patient(patient, provider_client):
    worked_example(patient, provider_client, 12)
    pid = patient.user["id"]
    forecast = provider_client.get(f"/api/v1/patients/{pid}/timeline").get_json()["assessment"]["forecast"]
    low, high = (date.fromisoformat(d) for d in forecast["interval_80"])
    assert low <= date.fromisoformat(forecast["predicted_wear_off_date"]) <= high
    assert forecast["why"] and forecast["basis"] in ("history", "trend", "prior")
    own = patient.get("/api/v1/patients/me/timeline").get_json()["assessment"]
    assert own["forecast"] is None
