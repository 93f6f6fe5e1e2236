"""GET /api/v1/patients/{pid}/fhir: a FHIR R4 Bundle (docs/api.md, "Exports").

fhir.resources 8 models R5 by default and ships R4B, not R4; R4B (4.3) keeps R4's
shapes for every resource used here, so the bundle is validated as R4B.
"""

import re

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from diary import gad7
from tests.checkins.test_checkins import iso
from tests.exports.helpers import add_entry, add_session, export_events, hours_ago

LOINC = "http://loinc.org"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_CODES = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"]
ANSWER_CODES = {
    0: ("LA6568-5", "Not at all"),
    1: ("LA6569-3", "Several days"),
    2: ("LA6570-1", "More than half the days"),
    3: ("LA6571-9", "Nearly every day"),
}
DIFFICULTY_CODES = {0: "LA6572-7", 1: "LA6573-5", 2: "LA6575-0", 3: "LA6574-3"}
MODELS = {
    "Patient": Patient,
    "QuestionnaireResponse": QuestionnaireResponse,
    "Observation": Observation,
    "Procedure": Procedure,
}
# Each check-in uses every answer at least once across the items; difficulty runs 0..3 and absent.
CHECKINS = [
    ([0, 1, 2, 3, 0, 1, 2], 0),
    ([3, 2, 1, 0, 3, 2, 1], 1),
    ([1, 1, 1, 1, 1, 1, 1], 2),
    ([2, 2, 2, 2, 2, 2, 2], 3),
    ([0] * 7, None),
]


def validate(model, data):
    """pydantic 2 (fhir.resources 8) or 1 (fhir.resources 7, which pyproject still allows)."""
    return model.model_validate(data) if hasattr(model, "model_validate") else model.parse_obj(data)


@pytest.fixture
def diary(patient, provider_client):
    """Five check-ins, two completed sessions and a planned one."""
    pid = patient.user["id"]
    entries = [
        add_entry(
            patient,
            answers=answers,
            difficulty=difficulty,
            recorded_at=iso(hours_ago(10 * (index + 1))),
            note=f"day {index}",
            instrument="gad7",
        )
        for index, (answers, difficulty) in enumerate(CHECKINS)
    ]
    sessions = [
        add_session(provider_client, pid, starts_at=hours_ago(100), dose_mg=35, notes="0.5 mg/kg"),
        add_session(patient, pid, starts_at=hours_ago(20), route="intranasal", dose_mg=56),
    ]
    planned = add_session(provider_client, pid, status="planned")
    return {"pid": pid, "entries": entries, "sessions": sessions, "planned": planned}


def bundle_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/fhir+json"
    return response.get_json(force=True)


def by_type(bundle, resource_type):
    return [
        entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == resource_type
    ]


def test_bundle_validates_as_r4(patient, diary):
    body = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    bundle = validate(Bundle, body)
    assert bundle.type == "collection"
    for entry in body["entry"]:
        resource = entry["resource"]
        validate(MODELS[resource["resourceType"]], resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    counts = {name: len(by_type(body, name)) for name in MODELS}
    assert counts == {"Patient": 1, "QuestionnaireResponse": 5, "Observation": 5, "Procedure": 2}


def test_references_stay_inside_the_bundle(patient, diary):
    body = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    full_urls = {entry["fullUrl"] for entry in body["entry"]}
    assert len(full_urls) == len(body["entry"])
    references = re.findall(
        r'"reference":\s*"([^"]+)"', patient.get("/api/v1/patients/me/fhir").get_data(as_text=True)
    )
    assert references and set(references) <= full_urls


def test_patient(make_patient):
    patient = make_patient(name="Robin Vale")
    body = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    [resource] = by_type(body, "Patient")
    assert resource["id"] == patient.user["id"] and resource["name"] == [{"text": "Robin Vale"}]
    assert "telecom" not in resource


def test_questionnaire_responses_carry_every_code(patient, diary):
    body = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    responses = {resource["id"]: resource for resource in by_type(body, "QuestionnaireResponse")}
    seen_answers, seen_difficulty = set(), set()
    for entry, (answers, difficulty) in zip(diary["entries"], CHECKINS, strict=True):
        response = responses[entry["id"]]
        assert response["status"] == "completed"
        assert response["questionnaire"] == "http://loinc.org/q/69737-5"
        assert response["authored"] == entry["recorded_at"]
        assert response["subject"] == {"reference": f"urn:uuid:{diary['pid']}"}
        items = {item["linkId"]: item for item in response["item"]}
        expected_links = ITEM_CODES + ["70274-6"] + (["69722-7"] if difficulty is not None else [])
        assert [item["linkId"] for item in response["item"]] == expected_links
        for code, value, text in zip(ITEM_CODES, answers, (item.text for item in gad7.ITEMS), strict=True):
            [answer] = items[code]["answer"]
            coding = answer["valueCoding"]
            assert (coding["system"], coding["code"], coding["display"]) == (LOINC, *ANSWER_CODES[value])
            assert coding["extension"] == [{"url": ORDINAL, "valueDecimal": value}]
            assert items[code]["text"] == text
            seen_answers.add(coding["code"])
        assert items["70274-6"]["answer"] == [{"valueInteger": sum(answers)}]
        if difficulty is not None:
            coding = items["69722-7"]["answer"][0]["valueCoding"]
            assert (coding["system"], coding["code"], coding["display"]) == (
                LOINC,
                DIFFICULTY_CODES[difficulty],
                gad7.DIFFICULTY_LABELS[difficulty],
            )
            assert coding["extension"] == [{"url": ORDINAL, "valueDecimal": difficulty}]
            seen_difficulty.add(coding["code"])
    assert seen_answers == {code for code, _ in ANSWER_CODES.values()}
    assert seen_difficulty == set(DIFFICULTY_CODES.values())


def test_total_observations(patient, diary):
    body = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    observations = by_type(body, "Observation")
    by_response = {observation["derivedFrom"][0]["reference"]: observation for observation in observations}
    for entry in diary["entries"]:
        observation = by_response[f"urn:uuid:{entry['id']}"]
        assert observation["status"] == "final"
        assert observation["category"][0]["coding"][0] == {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
        assert (
            observation["code"]["coding"][0]["system"] == LOINC
            and observation["code"]["coding"][0]["code"] == "70274-6"
        )
        assert observation["valueInteger"] == entry["total"]
        assert observation["effectiveDateTime"] == entry["recorded_at"]
        assert observation["subject"] == {"reference": f"urn:uuid:{diary['pid']}"}
        assert observation["id"] != entry["id"]


def test_observation_ids_are_stable(patient, diary):
    first = {
        resource["id"]
        for resource in by_type(bundle_of(patient.get("/api/v1/patients/me/fhir")), "Observation")
    }
    again = {
        resource["id"]
        for resource in by_type(bundle_of(patient.get("/api/v1/patients/me/fhir")), "Observation")
    }
    assert first == again


def test_procedures_for_completed_sessions_only(patient, diary):
    body = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    procedures = {resource["id"]: resource for resource in by_type(body, "Procedure")}
    assert set(procedures) == {session["id"] for session in diary["sessions"]}
    assert diary["planned"]["id"] not in procedures
    iv, nasal = (procedures[session["id"]] for session in diary["sessions"])
    for procedure, session in ((iv, diary["sessions"][0]), (nasal, diary["sessions"][1])):
        assert procedure["status"] == "completed"
        assert procedure["code"] == {"text": "Ketamine treatment session"}
        assert procedure["performedDateTime"] == session["starts_at"]
        assert procedure["subject"] == {"reference": f"urn:uuid:{diary['pid']}"}
    assert iv["note"][0]["text"] == "Route: intravenous. Dose: 35 mg."
    assert {"text": "0.5 mg/kg"} in iv["note"]
    assert nasal["note"][0]["text"] == "Route: intranasal. Dose: 56 mg."


def test_codes_come_from_gad7():
    standard = gad7.STANDARD_INSTRUMENT
    assert [item.loinc for item in gad7.ITEMS] == ITEM_CODES
    assert {answer.value: (answer.code, answer.label) for answer in standard.answers} == ANSWER_CODES
    assert {answer.value: answer.code for answer in standard.difficulty_answers} == DIFFICULTY_CODES
    assert [answer.label for answer in standard.difficulty_answers] == list(gad7.DIFFICULTY_LABELS)


def test_empty_diary_is_a_valid_bundle(patient):
    body = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    validate(Bundle, body)
    assert [entry["resource"]["resourceType"] for entry in body["entry"]] == ["Patient"]


def test_fhir_export_is_audited_and_downloadable(app, patient, provider_client):
    response = provider_client.get(f"/api/v1/patients/{patient.user['id']}/fhir")
    assert re.fullmatch(
        r'attachment; filename="afterglow-fhir-\d{4}-\d{2}-\d{2}\.json"',
        response.headers["Content-Disposition"],
    )
    assert export_events(app, patient.user["id"]) == [("provider", "export:fhir")]
