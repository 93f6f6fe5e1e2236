"""The session record in the FHIR export: Observations with LOINC codes where LOINC has them,
the app's code system for the MOAA/S and the CADSS-6, each part of the session's Procedure."""

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.procedure import Procedure

from tests.exports.helpers import add_session, hours_ago
from tests.exports.test_fhir import bundle_of, by_type, validate
from tests.treatments.test_session_record import RECORD

LOINC = "http://loinc.org"


def codes(observation):
    return [(coding["system"], coding["code"]) for coding in observation["code"]["coding"]]


def test_the_session_record_becomes_observations_linked_to_the_session(patient, provider_client):
    pid = patient.user["id"]
    stored = add_session(provider_client, pid, starts_at=hours_ago(5), **RECORD)
    body = bundle_of(provider_client.get(f"/api/v1/patients/{pid}/fhir"))
    validate(Bundle, body)
    (procedure,) = by_type(body, "Procedure")
    validate(Procedure, procedure)
    assert "Product: racemic ketamine." in procedure["note"][0]["text"]
    assert "0.5 mg/kg (70 kg)" in procedure["note"][0]["text"]
    observations = by_type(body, "Observation")
    for observation in observations:
        validate(Observation, observation)
        assert observation["partOf"] == [{"reference": f"urn:uuid:{stored['id']}"}]
        assert observation["subject"] == {"reference": f"urn:uuid:{pid}"}
    by_code = {}
    for observation in observations:
        by_code.setdefault(codes(observation)[0], []).append(observation)
    panels = by_code[(LOINC, "85354-9")]
    assert [
        {c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in panel["component"]}
        for panel in panels
    ] == [{"8480-6": 128, "8462-4": 82}, {"8480-6": 142, "8462-4": 90}]
    assert all(c["valueQuantity"]["code"] == "mm[Hg]" for p in panels for c in p["component"])
    assert [o["valueQuantity"]["value"] for o in by_code[(LOINC, "8867-4")]] == [72, 80]
    (weight,) = by_code[(LOINC, "29463-7")]
    assert weight["valueQuantity"] == {
        "value": 70,
        "unit": "kg",
        "system": "http://unitsofmeasure.org",
        "code": "kg",
    }
    ratings = {code: found[0] for (system, code), found in by_code.items() if system != LOINC}
    assert {code: obs["valueInteger"] for code, obs in ratings.items()} == {"moaas": 4, "cadss6": 7}
    system = ratings["moaas"]["code"]["coding"][0]["system"]
    assert system.endswith("/api/v1/fhir/CodeSystem/session-ratings")
    served = provider_client.get("/api/v1/fhir/CodeSystem/session-ratings").get_json(force=True)
    validate(CodeSystem, served)
    assert served["url"] == system and {c["code"] for c in served["concept"]} == {"moaas", "cadss6"}


def test_a_session_without_a_record_has_no_observations(patient, provider_client):
    pid = patient.user["id"]
    add_session(provider_client, pid, starts_at=hours_ago(5))
    body = bundle_of(provider_client.get(f"/api/v1/patients/{pid}/fhir"))
    assert by_type(body, "Observation") == []


def test_rated_side_effects_keep_their_severity(patient, provider_client):
    pid = patient.user["id"]
    add_session(
        provider_client,
        pid,
        starts_at=hours_ago(5),
        side_effects=["nausea", "headache"],
        side_effect_severity={"nausea": "moderate"},
    )
    (procedure,) = by_type(bundle_of(provider_client.get(f"/api/v1/patients/{pid}/fhir")), "Procedure")
    assert {"text": "Side effects: nausea (moderate), headache"} in procedure["note"]
