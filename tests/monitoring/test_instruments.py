"""The relief engine reads daily scores; a standard GAD-7 before the first session is the
intake baseline when too few days were logged before treatment (docs/api.md, "Two instruments")."""

import pytest

from tests.checkins.test_checkins import iso
from tests.exports.helpers import add_entry, add_session, hours_ago

STANDARD_15 = [3, 3, 3, 3, 3, 0, 0]


def assessment(client, pid="me"):
    return client.get(f"/api/v1/patients/{pid}/timeline").get_json()["assessment"]


@pytest.mark.parametrize("instrument", ["gad7", "daily"])
def test_a_standard_gad7_before_the_first_session_is_the_intake_baseline(
    patient, provider_client, instrument
):
    add_entry(patient, answers=STANDARD_15, recorded_at=iso(hours_ago(60)), instrument=instrument)
    # daily, said: left to what is due it is a standard GAD-7 (none taken yet), and whether
    # it falls before the session's local day depends on the hour the test runs
    add_entry(patient, answers=[1] * 7, recorded_at=iso(hours_ago(40)), instrument="daily")
    add_session(provider_client, patient.user["id"], starts_at=hours_ago(30))
    result = assessment(patient)
    if instrument == "gad7":
        assert result["baseline"] == 15 and "baseline_from_intake" in result["notices"]
        assert result["baseline_source"] == "gad7"  # no daily run-in: the standard GAD-7 stands in
    else:  # two daily days are too few for a baseline, and no standard GAD-7 stands in
        assert result["baseline"] is None and "no_baseline" in result["notices"]


def test_the_clinicians_intake_baseline_comes_first(patient, provider_client):
    pid = patient.user["id"]
    add_entry(patient, answers=STANDARD_15, recorded_at=iso(hours_ago(60)))
    add_session(provider_client, pid, starts_at=hours_ago(30))
    assert provider_client.patch(f"/api/v1/patients/{pid}", json={"intake_baseline": 18}).status_code == 200
    assert assessment(provider_client, pid)["baseline"] == 18


def test_a_standard_gad7_after_the_session_is_no_baseline_and_no_daily_score(patient, provider_client):
    add_session(provider_client, patient.user["id"], starts_at=hours_ago(50))
    entry = add_entry(patient, answers=STANDARD_15, recorded_at=iso(hours_ago(20)))
    assert entry["instrument"] == "gad7"
    result = assessment(patient)
    assert result["baseline"] is None and result["current"] is None
    timeline = patient.get("/api/v1/patients/me/timeline").get_json()
    assert timeline["daily"] == [] and [day["score"] for day in timeline["standard"]] == [15]
    # The contract's days hold every check-in, the standard one too.
    assert [(day["score"], day["instrument"]) for day in timeline["days"]] == [(15, "gad7")]


def test_timeline_days_hold_every_check_in_and_each_instrument_keeps_its_own_series(patient):
    # The first check-in is the standard one: it is on the timeline at once
    # (docs/api.md, "Relief monitoring").
    first = add_entry(patient, answers=STANDARD_15)
    assert first["instrument"] == "gad7"
    days = patient.get("/api/v1/patients/me/timeline").get_json()["days"]
    assert [(day["date"], day["score"], day["instrument"]) for day in days] == [
        (first["local_date"], 15, "gad7")
    ]
    # A daily check-in and then a standard one on one date: the latest is the day's score.
    patient_today = first["local_date"]
    daily = add_entry(patient, answers=[1] * 7, instrument="daily")
    later = add_entry(patient, answers=[2] * 7, instrument="gad7")
    assert daily["local_date"] == later["local_date"] == patient_today
    timeline = patient.get("/api/v1/patients/me/timeline").get_json()
    assert timeline["days"] == [
        {"date": patient_today, "score": 14, "severity": "moderate", "entries": 3, "instrument": "gad7"}
    ]
    assert timeline["daily"] == [{"date": patient_today, "score": 7, "severity": "mild", "entries": 1}]
    assert timeline["standard"] == [
        {"date": patient_today, "score": 14, "severity": "moderate", "entries": 2}
    ]
