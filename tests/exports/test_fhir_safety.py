"""The safety answer in the FHIR export: the PHQ-9's item 9 (LOINC 44260-8) as an Observation."""

from fhir.resources.R4B.observation import Observation

from diary import gad7
from tests.checkins.test_checkins import iso
from tests.exports.helpers import add_entry, hours_ago
from tests.exports.test_fhir import ANSWER_CODES, LOINC, ORDINAL, bundle_of, by_type, validate


def safety_observations(body):
    return [o for o in by_type(body, "Observation") if o["code"]["coding"][0]["code"] == gad7.SAFETY_LOINC]


def test_each_safety_answer_is_an_observation_of_phq9_item_9(patient):
    asked = [
        add_entry(patient, instrument="gad7", safety=value, recorded_at=iso(hours_ago(10 + 20 * value)))
        for value in (0, 2)
    ]
    add_entry(patient, instrument="daily")  # not asked: nothing
    add_entry(patient, instrument="gad7", recorded_at=iso(hours_ago(100)))  # left unanswered: nothing
    body = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    observations = {o["derivedFrom"][0]["reference"]: o for o in safety_observations(body)}
    assert len(observations) == 2
    for entry in asked:
        observation = observations[f"urn:uuid:{entry['id']}"]
        validate(Observation, observation)
        code, display = ANSWER_CODES[entry["safety"]]
        assert observation["code"]["coding"][0] == {
            "system": LOINC,
            "code": "44260-8",
            "display": gad7.SAFETY_TITLE,
        }
        coding = observation["valueCodeableConcept"]["coding"][0]
        assert (coding["system"], coding["code"], coding["display"]) == (LOINC, code, display)
        assert coding["extension"] == [{"url": ORDINAL, "valueDecimal": entry["safety"]}]
        assert observation["effectiveDateTime"] == entry["recorded_at"]
    # not a GAD-7 item: the panel's response holds the seven items, the total and the difficulty only
    for response in by_type(body, "QuestionnaireResponse"):
        assert gad7.SAFETY_LOINC not in {item["linkId"] for item in response["item"]}
    again = bundle_of(patient.get("/api/v1/patients/me/fhir"))
    assert {o["id"] for o in safety_observations(again)} == {o["id"] for o in observations.values()}
