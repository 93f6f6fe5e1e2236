"""The safety question (docs/instruments.md, "The safety question"): on the form, in the POST."""

import uuid

import pytest

from config import Config
from diary import gad7
from tests.checkins.test_checkins import post_entry

QUESTION = "Thoughts that you would be better off dead, or of hurting yourself in some way"
ANSWERS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]


def form(client):
    response = client.get("/api/v1/me/checkin-form")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_standard_form_asks_the_phq9_item_9_in_its_published_wording(patient):
    safety = form(patient)["safety"]
    assert form(patient)["instrument"] == "gad7"
    assert safety["question"] == QUESTION and safety["answers"] == ANSWERS
    assert safety["crisis"] == {"message": gad7.CRISIS_MESSAGE, "line": "your local emergency number"}
    assert gad7.SAFETY_LOINC == "44260-8"


def test_the_daily_form_does_not_ask_it(patient):
    assert post_entry(patient, instrument="gad7", safety=0).status_code == 201
    daily = form(patient)
    assert daily["instrument"] == "daily" and daily["safety"] is None


@pytest.mark.parametrize("instrument", ["daily", None])
def test_a_safety_answer_with_the_daily_form_is_refused_in_the_envelope(patient, instrument):
    assert post_entry(patient, instrument="gad7").status_code == 201  # the next one due is daily
    body = {"safety": 1} | ({"instrument": instrument} if instrument else {})
    response = post_entry(patient, **body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and "safety" in error["fields"]


@pytest.mark.parametrize("value", [-1, 4, "2", 1.5, True])
def test_a_safety_answer_is_a_whole_number_from_0_to_3(patient, value):
    response = post_entry(patient, instrument="gad7", safety=value)
    assert response.status_code == 422
    assert "safety" in response.get_json()["error"]["fields"]


def test_an_answer_above_0_brings_crisis_help_in_the_201(patient, app):
    app.config.update(CRISIS_LINE="988 (call or text)")
    response = post_entry(patient, instrument="gad7", safety=1)
    assert response.status_code == 201
    entry = response.get_json()
    assert entry["safety"] == 1
    assert entry["crisis"] == {"message": gad7.CRISIS_MESSAGE, "line": "988 (call or text)"}


def test_no_crisis_help_for_not_at_all_or_no_answer(patient):
    first = post_entry(patient, instrument="gad7", safety=0).get_json()
    assert first["safety"] == 0 and first["crisis"] is None
    second = post_entry(patient, instrument="gad7").get_json()
    assert second["safety"] is None and second["crisis"] is None


def test_a_retry_is_answered_200_with_the_crisis_help_again(patient):
    entry_id = str(uuid.uuid4())
    first = post_entry(patient, id=entry_id, instrument="gad7", safety=3)
    # the outbox's retry leaves out the instrument: the form due now is daily, yet it is a replay
    again = post_entry(patient, id=entry_id, safety=3, recorded_at=first.get_json()["recorded_at"])
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["crisis"] == first.get_json()["crisis"] is not None
    other = post_entry(patient, id=entry_id, instrument="gad7", safety=2)
    assert other.status_code == 409


def test_the_safety_answer_is_stored_and_read_back_but_cannot_be_changed(patient):
    entry = post_entry(patient, instrument="gad7", safety=2).get_json()
    [listed] = patient.get("/api/v1/patients/me/entries").get_json()["items"]
    assert listed["safety"] == 2 and "crisis" not in listed
    response = patient.patch(f"/api/v1/entries/{entry['id']}", json={"safety": 0})
    assert response.status_code == 422


def test_a_clinic_can_turn_the_question_off(patient, app):
    app.config.update(SAFETY_QUESTION=False)
    current = form(patient)
    assert current["instrument"] == "gad7" and current["safety"] is None
    response = post_entry(patient, instrument="gad7", safety=1)
    assert response.status_code == 422 and "safety" in response.get_json()["error"]["fields"]
    assert post_entry(patient, instrument="gad7").status_code == 201


def test_the_setting_reads_off_from_the_environment(monkeypatch):
    monkeypatch.setenv("DIARY_SAFETY_QUESTION", "off")
    assert Config().SAFETY_QUESTION is False
    monkeypatch.delenv("DIARY_SAFETY_QUESTION")
    assert Config().SAFETY_QUESTION is True
