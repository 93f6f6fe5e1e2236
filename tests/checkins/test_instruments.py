"""The daily and the standard GAD-7 (docs/api.md, "Two instruments") through the API."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from diary import gad7
from tests.checkins.test_checkins import ANSWERS, iso, post_entry
from tests.conftest import config_for_tests

ITEMS = [
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it's hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
]
DAILY = {
    "stem": "Over the last 24 hours, how much of the time have you been bothered by the following problems?",
    "answers": ["Not at all", "Some of the time", "More than half the time", "Nearly all the time"],
}
STANDARD = {
    "stem": "Over the last 2 weeks, how often have you been bothered by the following problems?",
    "answers": ["Not at all", "Several days", "More than half the days", "Nearly every day"],
}
SIDE_EFFECTS = [
    "dizziness",
    "nausea",
    "blurred_vision",
    "dissociation",
    "headache",
    "drowsiness",
    "elevated_blood_pressure",
    "vomiting",
    "anxiety",
    "confusion",
    "numbness",
    "palpitations",
    "urinary",
    "craving",
    "other",
]


@pytest.fixture
def app_config(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(tmp_path / "instance"))
    return config_for_tests(database_url, tmp_path, BACKFILL_DAYS=20)


def noon(day, zone):
    """Noon local on ``day``, or a minute ago for today if noon is still to come."""
    instant = datetime.combine(day, time(12), tzinfo=zone).astimezone(UTC)
    return min(instant, datetime.now(UTC) - timedelta(minutes=1))


def form(client, day=None):
    response = client.get("/api/v1/me/checkin-form", query_string={"date": day.isoformat()} if day else {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_patient_walks_through_fifteen_days(make_patient):
    """Day 0 is the first check-in (standard), days 1..13 daily, day 14 standard again."""
    patient = make_patient(timezone_name="America/Chicago")
    zone = ZoneInfo("America/Chicago")
    today = datetime.now(zone).date()
    days = [today - timedelta(days=14 - n) for n in range(15)]
    expected = ["gad7"] + ["daily"] * 13 + ["gad7"]
    seen = []
    for day, instrument in zip(days, expected, strict=True):
        due = form(patient, day)
        assert due["instrument"] == instrument, day
        assert due["stem"] == (STANDARD if instrument == "gad7" else DAILY)["stem"]
        response = post_entry(patient, recorded_at=iso(noon(day, zone)))
        assert response.status_code == 201, response.get_json()
        entry = response.get_json()
        assert entry["local_date"] == day.isoformat()
        seen.append(entry["instrument"])
    assert seen == expected
    # Done for today: a second check-in today is a daily one.
    assert form(patient)["instrument"] == "daily"

    timeline = patient.get(
        "/api/v1/patients/me/timeline", query_string={"from": days[0].isoformat()}
    ).get_json()
    assert [day["date"] for day in timeline["daily"]] == [day.isoformat() for day in days[1:14]]
    assert [(day["date"], day["instrument"]) for day in timeline["days"]] == [
        (day.isoformat(), instrument) for day, instrument in zip(days, expected, strict=True)
    ]
    assert [day["date"] for day in timeline["standard"]] == [days[0].isoformat(), days[14].isoformat()]


def test_the_forms_carry_the_contracts_words(patient):
    first = form(patient)
    assert first["instrument"] == "gad7"  # the first check-in
    assert (first["stem"], first["answers"], first["items"]) == (STANDARD["stem"], STANDARD["answers"], ITEMS)
    assert first["difficulty"]["question"].startswith("How difficult have these problems made it")
    assert len(first["difficulty"]["answers"]) == 4
    assert [effect["code"] for effect in first["side_effects"]] == SIDE_EFFECTS
    assert first["validated"] is True
    assert post_entry(patient).get_json()["instrument"] == "gad7"
    daily = form(patient)
    assert (daily["instrument"], daily["stem"], daily["answers"], daily["items"]) == (
        "daily",
        DAILY["stem"],
        DAILY["answers"],
        ITEMS,
    )
    assert daily["validated"] is False and "not a diagnosis" in daily["guide"]
    assert [band["name"] for band in daily["bands"]] == ["minimal", "mild", "moderate", "severe"]
    assert daily["bands"][0] == {"name": "minimal", "from": 0, "to": 4, "label": "little or no anxiety"}


@pytest.mark.parametrize("instrument", ["daily", "gad7"])
def test_each_instruments_texts_by_name(patient, provider_client, instrument):
    for client in (patient, provider_client):
        response = client.get(f"/api/v1/checkin-forms/{instrument}")
        assert response.status_code == 200
        assert response.get_json()["answers"] == (DAILY if instrument == "daily" else STANDARD)["answers"]
    assert patient.get("/api/v1/checkin-forms/weekly").status_code == 404


def test_an_explicit_instrument_is_kept(patient):
    assert post_entry(patient, instrument="daily").get_json()["instrument"] == "daily"
    assert form(patient)["instrument"] == "gad7"  # still no standard GAD-7 taken
    assert post_entry(patient, instrument="gad7").get_json()["instrument"] == "gad7"


@pytest.mark.parametrize(
    "body",
    [
        {"instrument": "weekly"},
        {"instrument": None},
        {"instrument": "gad7", "answers": [4, 0, 0, 0, 0, 0, 0]},
        {"instrument": "daily", "answers": [1, 1, 1]},
        {"instrument": "daily", "answers": [1, 1, 1, 1, 1, 1, "2"]},
    ],
)
def test_answers_that_do_not_fit_are_refused(patient, body):
    response = patient.post("/api/v1/patients/me/entries", json={"answers": ANSWERS, **body})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) & {"instrument", "answers"}


def test_an_entry_keeps_its_instrument(patient):
    entry = post_entry(patient).get_json()
    response = patient.patch(f"/api/v1/entries/{entry['id']}", json={"instrument": "daily"})
    assert response.status_code == 422 and "instrument" in response.get_json()["error"]["fields"]
    edited = patient.patch(f"/api/v1/entries/{entry['id']}", json={"answers": [3] * 7}).get_json()
    assert (edited["instrument"], edited["total"]) == ("gad7", 21)


def test_a_backfilled_day_before_the_first_standard_is_daily(patient):
    assert post_entry(patient).get_json()["instrument"] == "gad7"
    yesterday = datetime.now(UTC) - timedelta(days=1)
    assert post_entry(patient, recorded_at=iso(yesterday)).get_json()["instrument"] == "daily"


def test_the_form_needs_a_patient(provider_client, api):
    assert provider_client.get("/api/v1/me/checkin-form").status_code == 403
    assert api.get("/api/v1/me/checkin-form").status_code == 401
    assert api.get("/api/v1/checkin-forms/daily").status_code == 401


def test_the_due_form_says_where_to_turn(app, patient):
    due = form(patient)
    assert due["backfill_days"] == 20 and due["support"] == {
        "clinic": None,
        "crisis": "your local emergency number",
        "crisis_message": gad7.CRISIS_MESSAGE,
    }
    app.config.update(CLINIC_CONTACT="+1 555 0100", CRISIS_LINE="988 (call or text)")
    assert form(patient)["support"] == {
        "clinic": "+1 555 0100",
        "crisis": "988 (call or text)",
        "crisis_message": gad7.CRISIS_MESSAGE,
    }
