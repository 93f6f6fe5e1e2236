"""A QuestionnaireResponse carries the language it was answered in (docs/instruments.md, FHIR R4
Resource.language); its answers keep their codes whatever the language."""

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from diary import gad7, gad7_texts
from tests.checkins.test_checkins import iso
from tests.exports.helpers import add_entry, hours_ago
from tests.exports.test_fhir import (
    ANSWER_CODES,
    DIFFICULTY_CODES,
    ITEM_CODES,
    LOINC,
    bundle_of,
    by_type,
    validate,
)

ANSWERS = [0, 1, 2, 3, 0, 1, 2]
ES = gad7_texts.SPANISH_TEXTS


def responses(client):
    body = bundle_of(client.get("/api/v1/patients/me/fhir"))
    found = by_type(body, "QuestionnaireResponse")
    for resource in found:
        validate(QuestionnaireResponse, resource)
    return {resource["id"]: resource for resource in found}


def test_a_spanish_patients_responses_are_in_spanish_with_the_same_codes(make_patient):
    patient = make_patient(language="es")
    standard = add_entry(
        patient, answers=ANSWERS, difficulty=2, instrument="gad7", recorded_at=iso(hours_ago(5))
    )
    daily = add_entry(
        patient, answers=ANSWERS, difficulty=1, instrument="daily", recorded_at=iso(hours_ago(2))
    )
    found = responses(patient)

    response = found[standard["id"]]
    assert response["language"] == "es"
    items = {item["linkId"]: item for item in response["item"]}
    for code, text, value in zip(ITEM_CODES, ES.items, ANSWERS, strict=True):
        assert items[code]["text"] == text
        coding = items[code]["answer"][0]["valueCoding"]
        # The code and its code system's display: LOINC's, not a translation of it.
        assert (coding["system"], coding["code"], coding["display"]) == (LOINC, *ANSWER_CODES[value])
    assert items["70274-6"]["text"] == "Puntuación total"
    assert items["69722-7"]["text"] == ES.difficulty_question
    assert items["69722-7"]["answer"][0]["valueCoding"]["code"] == DIFFICULTY_CODES[2]

    response = found[daily["id"]]
    assert response["language"] == "es"
    items = {item["linkId"]: item for item in response["item"]}
    assert [items[f"item-{n}"]["text"] for n in range(1, 8)] == list(ES.items)
    assert [items[f"item-{n}"]["answer"][0]["valueCoding"]["code"] for n in range(1, 8)] == [
        gad7.DAILY_INSTRUMENT.answers[value].code for value in ANSWERS
    ]


def test_an_english_patients_responses_say_english(patient):
    entry = add_entry(patient, answers=ANSWERS, instrument="gad7")
    response = responses(patient)[entry["id"]]
    assert response["language"] == "en"
    assert [item["text"] for item in response["item"][:7]] == [item.text for item in gad7.ITEMS]


def test_a_response_keeps_its_language_after_the_patient_changes_theirs(make_patient):
    patient = make_patient(language="es")
    entry = add_entry(patient, answers=ANSWERS, instrument="gad7")
    assert patient.patch("/api/v1/me", json={"language": "en"}).status_code == 200
    assert responses(patient)[entry["id"]]["language"] == "es"
