"""A patient's diary as a FHIR R4 Bundle of type ``collection``. Pure: plain values in, a dict out.

Every resource has ``fullUrl`` ``urn:uuid:<id>`` and every reference points at one
of those, so the bundle stands on its own. Codes come from :mod:`diary.gad7`.
"""
import uuid

from .. import gad7
from ..localtime import utc_text

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# R4's extension for the score of a coded answer (R5 renamed it itemWeight).
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
UUID_IDENTIFIER = "urn:ietf:rfc:3986"

PROCEDURE_TEXT = "Ketamine treatment session"
ROUTE_NAMES = {
    "iv": "intravenous",
    "intranasal": "intranasal",
    "intramuscular": "intramuscular",
    "subcutaneous": "subcutaneous",
    "oral": "oral",
    "sublingual": "sublingual",
}

# The total Observation of a check-in gets an id of its own, stable across exports.
_TOTAL_NAMESPACE = uuid.UUID("4f1f4d36-3c1e-4c8e-9a57-6e0a2d1b7c11")


def urn(value) -> str:
    return f"urn:uuid:{value}"


def total_observation_id(entry_id) -> uuid.UUID:
    return uuid.uuid5(_TOTAL_NAMESPACE, str(entry_id))


def _entry(resource):
    return {"fullUrl": urn(resource["id"]), "resource": resource}


def _loinc(code, display):
    return {"system": gad7.LOINC_SYSTEM, "code": code, "display": display}


def _coded_answer(answer):
    coding = _loinc(answer.loinc, answer.label)
    coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": answer.value}]
    return {"valueCoding": coding}


def patient_resource(patient):
    return {
        "resourceType": "Patient",
        "id": str(patient.id),
        "identifier": [{"system": UUID_IDENTIFIER, "value": urn(patient.id)}],
        "name": [{"text": patient.name}],
    }


def questionnaire_response(entry, subject):
    items = [
        {"linkId": item.loinc, "text": item.text, "answer": [_coded_answer(gad7.ANSWERS[value])]}
        for item, value in zip(gad7.ITEMS, entry.answers, strict=True)
    ]
    items.append({"linkId": gad7.TOTAL_LOINC, "text": "Total score", "answer": [{"valueInteger": entry.total}]})
    if entry.difficulty is not None:
        items.append(
            {
                "linkId": gad7.DIFFICULTY_LOINC,
                "text": gad7.DIFFICULTY_QUESTION,
                "answer": [_coded_answer(gad7.DIFFICULTY_ANSWERS[entry.difficulty])],
            }
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(entry.id),
        "identifier": {"system": UUID_IDENTIFIER, "value": urn(entry.id)},
        "questionnaire": gad7.PANEL_QUESTIONNAIRE,
        "status": "completed",
        "subject": subject,
        "authored": utc_text(entry.recorded_at),
        "item": items,
    }


def _entry_notes(entry):
    notes = []
    if entry.note:
        notes.append({"text": entry.note})
    if entry.side_effects:
        notes.append({"text": "Side effects reported: " + ", ".join(entry.side_effects)})
    return notes


def total_observation(entry, subject):
    observation = {
        "resourceType": "Observation",
        "id": str(total_observation_id(entry.id)),
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [_loinc(gad7.TOTAL_LOINC, gad7.TOTAL_TITLE)], "text": "GAD-7 total score"},
        "subject": subject,
        "effectiveDateTime": utc_text(entry.recorded_at),
        "valueInteger": entry.total,
        "interpretation": [{"text": f"{entry.severity} (GAD-7 severity band)"}],
        "derivedFrom": [{"reference": urn(entry.id)}],
    }
    notes = _entry_notes(entry)
    if notes:
        observation["note"] = notes
    return observation


def procedure(treatment, subject):
    details = f"Route: {ROUTE_NAMES.get(treatment.route, treatment.route)}."
    if treatment.dose_mg is not None:
        details += f" Dose: {treatment.dose_mg:g} mg."
    notes = [{"text": details}]
    if treatment.side_effects:
        notes.append({"text": "Side effects: " + ", ".join(treatment.side_effects)})
    if treatment.notes:
        notes.append({"text": treatment.notes})
    return {
        "resourceType": "Procedure",
        "id": str(treatment.id),
        "status": "completed",
        "code": {"text": PROCEDURE_TEXT},
        "subject": subject,
        "performedDateTime": utc_text(treatment.starts_at),
        "note": notes,
    }


def bundle(patient, entries, completed_sessions, *, bundle_id, now) -> dict:
    """The Bundle: the Patient; per check-in a QuestionnaireResponse and its total;
    per completed session a Procedure."""
    subject = {"reference": urn(patient.id)}
    resources = [patient_resource(patient)]
    for entry in entries:
        resources.append(questionnaire_response(entry, subject))
        resources.append(total_observation(entry, subject))
    resources.extend(procedure(treatment, subject) for treatment in completed_sessions)
    return {
        "resourceType": "Bundle",
        "id": str(bundle_id),
        "type": "collection",
        "timestamp": utc_text(now),
        "entry": [_entry(resource) for resource in resources],
    }
