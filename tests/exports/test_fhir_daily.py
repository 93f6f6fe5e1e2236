"""The daily check-in in FHIR (docs/api.md, "Two instruments"): the app's own Questionnaire
``gad7-daily`` at its canonical URL, derived from LOINC 69737-5, and its own codes.
A daily check-in carries no LOINC code at all; only the standard GAD-7 does."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from diary import gad7
from tests.checkins.test_checkins import iso
from tests.exports.helpers import add_entry, hours_ago
from tests.exports.test_fhir import bundle_of, by_type, validate

BASE_URL = "http://127.0.0.1:5000"  # tests/conftest.py's DIARY_BASE_URL
QUESTIONNAIRE_URL = f"{BASE_URL}/api/v1/fhir/Questionnaire/gad7-daily"
CODE_SYSTEM_URL = f"{BASE_URL}/api/v1/fhir/CodeSystem/gad7-daily"
DAILY_ANSWERS = ["Not at all", "Some of the time", "More than half the time", "Nearly all the time"]


@pytest.fixture
def mixed(patient):
    """A standard GAD-7 (the first check-in) and two daily ones after it."""
    standard = add_entry(patient, answers=[2] * 7, recorded_at=iso(hours_ago(60)), difficulty=1)
    daily = [
        add_entry(
            patient, answers=[0, 1, 2, 3, 0, 1, 2], recorded_at=iso(hours_ago(30)), difficulty=3, note="ok"
        ),
        add_entry(patient, answers=[3, 2, 1, 0, 3, 2, 1], recorded_at=iso(hours_ago(2))),
    ]
    assert standard["instrument"] == "gad7" and {entry["instrument"] for entry in daily} == {"daily"}
    return standard, daily


def test_the_questionnaire_is_served_at_its_canonical_url(api):
    response = api.get("/api/v1/fhir/Questionnaire/gad7-daily")  # a definition: no login needed
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    questionnaire = response.get_json(force=True)
    validate(Questionnaire, questionnaire)
    assert questionnaire["url"] == QUESTIONNAIRE_URL and questionnaire["id"] == "gad7-daily"
    assert questionnaire["derivedFrom"] == ["http://loinc.org/q/69737-5"]
    assert "adaptation, not validated" in questionnaire["description"]
    choices = [
        item
        for item in questionnaire["item"]
        if item["type"] == "choice" and item["linkId"].startswith("item-")
    ]
    assert [item["text"] for item in choices] == [item.text for item in gad7.ITEMS]
    for item in choices:
        codings = [option["valueCoding"] for option in item["answerOption"]]
        assert [coding["display"] for coding in codings] == DAILY_ANSWERS
        assert {coding["system"] for coding in codings} == {CODE_SYSTEM_URL}
    assert questionnaire["item"][0] == {
        "linkId": "stem",
        "type": "display",
        "text": gad7.DAILY_INSTRUMENT.stem,
    }


def test_the_code_system_holds_every_daily_code(api):
    response = api.get("/api/v1/fhir/CodeSystem/gad7-daily")
    assert response.status_code == 200
    system = response.get_json(force=True)
    validate(CodeSystem, system)
    assert system["url"] == CODE_SYSTEM_URL
    questionnaire = api.get("/api/v1/fhir/Questionnaire/gad7-daily").get_json(force=True)
    used = {
        option["valueCoding"]["code"]
        for item in questionnaire["item"]
        for option in item.get("answerOption", [])
    }
    assert used | {"total-score"} == {concept["code"] for concept in system["concept"]}


def test_daily_entries_answer_the_apps_questionnaire_without_loinc(patient, mixed):
    standard, daily = mixed
    body = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    validate(Bundle, body)
    responses = {resource["id"]: resource for resource in by_type(body, "QuestionnaireResponse")}
    observations = {
        resource["derivedFrom"][0]["reference"]: resource for resource in by_type(body, "Observation")
    }
    assert responses[standard["id"]]["questionnaire"] == "http://loinc.org/q/69737-5"
    assert observations[f"urn:uuid:{standard['id']}"]["code"]["coding"][0]["code"] == "70274-6"
    for entry in daily:
        response, observation = responses[entry["id"]], observations[f"urn:uuid:{entry['id']}"]
        validate(QuestionnaireResponse, response)
        validate(Observation, observation)
        assert response["questionnaire"] == f"{QUESTIONNAIRE_URL}|1"
        assert "loinc" not in json.dumps(response).lower() and "loinc" not in json.dumps(observation).lower()
        items = {item["linkId"]: item for item in response["item"]}
        for number, value in enumerate(entry["answers"], start=1):
            coding = items[f"item-{number}"]["answer"][0]["valueCoding"]
            assert (coding["system"], coding["display"]) == (CODE_SYSTEM_URL, DAILY_ANSWERS[value])
        assert items["total"]["answer"] == [{"valueInteger": entry["total"]}]
        assert observation["code"]["coding"] == [
            {"system": CODE_SYSTEM_URL, "code": "total-score", "display": gad7.DAILY_TOTAL_TITLE}
        ]
        assert observation["valueInteger"] == entry["total"]
        assert "not validated" in observation["interpretation"][0]["text"]
    assert "difficulty" in {item["linkId"] for item in responses[daily[0]["id"]]["item"]}
