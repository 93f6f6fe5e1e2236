"""A patient's diary as a FHIR R4 Bundle of type ``collection``. Pure: plain values in, a dict out.

Every resource has ``fullUrl`` ``urn:uuid:<id>`` and every reference points at one
of those, so the bundle stands on its own. Codes come from :mod:`diary.gad7`:
a standard GAD-7 carries LOINC's panel, item, answer and total codes; a daily
check-in (an adaptation, not validated) answers the app's own Questionnaire
``gad7-daily`` (derived from the LOINC form, served at its canonical URL) with
the app's own codes, and never a LOINC code.

A QuestionnaireResponse is in the language the patient answered in: its
``language`` (FHIR R4 Resource.language, the entry's ``"en"`` or ``"es"``) and
its items' texts, as the patient read them. Codes never change with the
language, and a coding's ``display`` is its code system's (LOINC's, or the app's
English CodeSystem), so that a validator checking displays finds them.
"""

import uuid

from .. import gad7, gad7_texts
from ..localtime import utc_text
from .fhirsession import procedure_details, session_observations

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
    "other": "other",
}

# The total Observation of a check-in gets an id of its own, stable across exports.
_TOTAL_NAMESPACE = uuid.UUID("4f1f4d36-3c1e-4c8e-9a57-6e0a2d1b7c11")
# So does the safety answer's (the PHQ-9's item 9).
_SAFETY_NAMESPACE = uuid.UUID("9b0c6e51-2f7a-4d0e-8c1b-3a5e7d2f6b94")


def urn(value) -> str:
    return f"urn:uuid:{value}"


def total_observation_id(entry_id) -> uuid.UUID:
    return uuid.uuid5(_TOTAL_NAMESPACE, str(entry_id))


def _entry(resource):
    return {"fullUrl": urn(resource["id"]), "resource": resource}


def _loinc(code, display):
    return {"system": gad7.LOINC_SYSTEM, "code": code, "display": display}


def daily_urls(base_url) -> tuple[str, str]:
    """The canonical URLs of the daily Questionnaire and of its code system."""
    return base_url + gad7.DAILY_QUESTIONNAIRE_PATH, base_url + gad7.DAILY_CODE_SYSTEM_PATH


def _coding(answer, system):
    coding = {"system": system, "code": answer.code, "display": answer.label}
    coding["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": answer.value}]
    return coding


def _coded_answer(answer, system=gad7.LOINC_SYSTEM):
    return {"valueCoding": _coding(answer, system)}


def patient_resource(patient):
    return {
        "resourceType": "Patient",
        "id": str(patient.id),
        "identifier": [{"system": UUID_IDENTIFIER, "value": urn(patient.id)}],
        "name": [{"text": patient.name}],
    }


def _standard_items(entry):
    spec, texts = gad7.STANDARD_INSTRUMENT, gad7_texts.texts(entry.language)
    items = [
        {"linkId": item.loinc, "text": text, "answer": [_coded_answer(spec.answers[value])]}
        for item, text, value in zip(gad7.ITEMS, texts.items, entry.answers, strict=True)
    ]
    items.append(
        {"linkId": gad7.TOTAL_LOINC, "text": texts.total_label, "answer": [{"valueInteger": entry.total}]}
    )
    if entry.difficulty is not None:
        items.append(
            {
                "linkId": gad7.DIFFICULTY_LOINC,
                "text": texts.difficulty_question,
                "answer": [_coded_answer(spec.difficulty_answers[entry.difficulty])],
            }
        )
    return items


def _daily_items(entry, system):
    spec, texts = gad7.DAILY_INSTRUMENT, gad7_texts.texts(entry.language)
    items = [
        {
            "linkId": f"item-{item.number}",
            "text": text,
            "answer": [_coded_answer(spec.answers[value], system)],
        }
        for item, text, value in zip(gad7.ITEMS, texts.items, entry.answers, strict=True)
    ]
    items.append({"linkId": "total", "text": texts.total_label, "answer": [{"valueInteger": entry.total}]})
    if entry.difficulty is not None:
        items.append(
            {
                "linkId": "difficulty",
                "text": texts.difficulty_question,
                "answer": [_coded_answer(spec.difficulty_answers[entry.difficulty], system)],
            }
        )
    return items


def questionnaire_response(entry, subject, base_url):
    if entry.instrument == gad7.STANDARD:
        questionnaire, items = gad7.PANEL_QUESTIONNAIRE, _standard_items(entry)
    else:
        canonical, system = daily_urls(base_url)
        questionnaire, items = f"{canonical}|{gad7.DAILY_VERSION}", _daily_items(entry, system)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(entry.id),
        # The language the patient read the questions in (the app's "en" or "es", BCP-47).
        "language": gad7_texts.texts(entry.language).language,
        "identifier": {"system": UUID_IDENTIFIER, "value": urn(entry.id)},
        "questionnaire": questionnaire,
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
        notes.append({"text": "Side effects reported: " + side_effect_text(entry)})
    return notes


def total_observation(entry, subject, base_url):
    if entry.instrument == gad7.STANDARD:
        code = {"coding": [_loinc(gad7.TOTAL_LOINC, gad7.TOTAL_TITLE)], "text": "GAD-7 total score"}
        interpretation = f"{entry.severity} (GAD-7 severity band)"
    else:
        system = daily_urls(base_url)[1]
        code = {
            "coding": [{"system": system, "code": gad7.DAILY_TOTAL_CODE, "display": gad7.DAILY_TOTAL_TITLE}],
            "text": gad7.DAILY_TOTAL_TITLE,
        }
        interpretation = f"{entry.severity} (GAD-7 severity band, a guide only: {gad7.ADAPTATION_CAVEAT})"
    observation = {
        "resourceType": "Observation",
        "id": str(total_observation_id(entry.id)),
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": code,
        "subject": subject,
        "effectiveDateTime": utc_text(entry.recorded_at),
        "valueInteger": entry.total,
        "interpretation": [{"text": interpretation}],
        "derivedFrom": [{"reference": urn(entry.id)}],
    }
    notes = _entry_notes(entry)
    if notes:
        observation["note"] = notes
    return observation


def safety_observation(entry, subject):
    """The answer to the safety question as what it is, the PHQ-9's item 9 (LOINC 44260-8),
    coded from LL358-3 like the GAD-7's answers, derived from the check-in's response. Not a
    GAD-7 item: it stays out of the QuestionnaireResponse of the GAD-7 panel."""
    answer = gad7.SAFETY_ANSWERS[entry.safety]
    return {
        "resourceType": "Observation",
        "id": str(uuid.uuid5(_SAFETY_NAMESPACE, str(entry.id))),
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [_loinc(gad7.SAFETY_LOINC, gad7.SAFETY_TITLE)], "text": gad7.SAFETY_QUESTION},
        "subject": subject,
        "effectiveDateTime": utc_text(entry.recorded_at),
        "valueCodeableConcept": {"coding": [_coding(answer, gad7.LOINC_SYSTEM)], "text": answer.label},
        "derivedFrom": [{"reference": urn(entry.id)}],
    }


def _answer_options(answers, system):
    return [{"valueCoding": _coding(answer, system)} for answer in answers]


def daily_questionnaire(base_url):
    """The app's own Questionnaire for the daily check-in, as served at its canonical URL."""
    canonical, system = daily_urls(base_url)
    spec = gad7.DAILY_INSTRUMENT
    items = [{"linkId": "stem", "type": "display", "text": spec.stem}]
    items += [
        {
            "linkId": f"item-{item.number}",
            "type": "choice",
            "required": True,
            "text": item.text,
            "answerOption": _answer_options(spec.answers, system),
        }
        for item in gad7.ITEMS
    ]
    items.append(
        {
            "linkId": "total",
            "type": "integer",
            "readOnly": True,
            "text": "Total score (sum of the seven answers, 0 to 21)",
        }
    )
    items.append(
        {
            "linkId": "difficulty",
            "type": "choice",
            "required": False,
            "text": gad7.DIFFICULTY_QUESTION,
            "answerOption": _answer_options(spec.difficulty_answers, system),
        }
    )
    return {
        "resourceType": "Questionnaire",
        "id": gad7.DAILY_QUESTIONNAIRE_ID,
        "url": canonical,
        "version": gad7.DAILY_VERSION,
        "name": "GAD7Daily",
        "title": spec.title,
        "status": "active",
        "experimental": False,
        "subjectType": ["Patient"],
        "derivedFrom": [gad7.PANEL_QUESTIONNAIRE],
        "description": (
            "The seven GAD-7 items (Spitzer et al. 2006) asked about the last 24 hours, answered by how much of the "
            f"time. An {gad7.ADAPTATION_CAVEAT}: its scores are not comparable with the standard GAD-7 "
            f"(LOINC {gad7.PANEL_LOINC}), and its severity bands are a guide only."
        ),
        "item": items,
    }


def daily_code_system(base_url):
    """The codes of the daily Questionnaire's answers and of its total score."""
    system = daily_urls(base_url)[1]
    spec = gad7.DAILY_INSTRUMENT
    concepts = [
        {"code": answer.code, "display": answer.label} for answer in (*spec.answers, *spec.difficulty_answers)
    ]
    concepts.append({"code": gad7.DAILY_TOTAL_CODE, "display": gad7.DAILY_TOTAL_TITLE})
    return {
        "resourceType": "CodeSystem",
        "id": gad7.DAILY_QUESTIONNAIRE_ID,
        "url": system,
        "version": gad7.DAILY_VERSION,
        "name": "GAD7DailyCodes",
        "title": f"Codes of the GAD-7 daily check-in ({gad7.ADAPTATION_CAVEAT})",
        "status": "active",
        "content": "complete",
        "caseSensitive": True,
        "concept": concepts,
    }


def side_effect_text(record) -> str:
    """``nausea (mild), headache``: the codes, each with its severity when rated."""
    severity = record.side_effect_severity or {}
    return ", ".join(
        f"{code} ({severity[code]})" if code in severity else code for code in record.side_effects
    )


def procedure(treatment, subject):
    details = f"Route: {ROUTE_NAMES.get(treatment.route, treatment.route)}."
    if treatment.dose_mg is not None:
        details += f" Dose: {treatment.dose_mg:g} mg."
    notes = [{"text": " ".join([details, *procedure_details(treatment)])}]
    if treatment.side_effects:
        notes.append({"text": "Side effects: " + side_effect_text(treatment)})
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


def bundle(patient, entries, completed_sessions, *, bundle_id, now, base_url) -> dict:
    """The Bundle: the Patient; per check-in a QuestionnaireResponse and its total (and
    the safety answer, when it was asked); per completed session a Procedure and the
    Observations of its record (fhirsession.py)."""
    subject = {"reference": urn(patient.id)}
    resources = [patient_resource(patient)]
    for entry in entries:
        resources.append(questionnaire_response(entry, subject, base_url))
        resources.append(total_observation(entry, subject, base_url))
        if entry.safety is not None:
            resources.append(safety_observation(entry, subject))
    for treatment in completed_sessions:
        resources.append(procedure(treatment, subject))
        resources.extend(session_observations(treatment, subject, base_url))
    return {
        "resourceType": "Bundle",
        "id": str(bundle_id),
        "type": "collection",
        "timestamp": utc_text(now),
        "entry": [_entry(resource) for resource in resources],
    }
