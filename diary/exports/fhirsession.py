"""A session's record as FHIR R4 Observations, each ``partOf`` the session's Procedure. Pure.

Vital signs follow the R4 vital-signs profile: blood pressure is one Observation (LOINC
85354-9) with its systolic (8480-6) and diastolic (8462-4) components; heart rate is 8867-4,
body weight 29463-7. The MOAA/S and the CADSS-6 have no LOINC code: they carry the app's own
code system (``session-ratings``, served at its canonical URL; docs/instruments.md).
"""

import uuid
from datetime import timedelta

from .. import gad7
from ..localtime import utc_text

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
UCUM = "http://unitsofmeasure.org"
RATINGS_ID = "session-ratings"
RATINGS_PATH = f"/api/v1/fhir/CodeSystem/{RATINGS_ID}"
RATINGS = {
    "moaas": (
        "sedation_moaas",
        "Modified Observer's Assessment of Alertness/Sedation (MOAA/S), 0-5 (Chernik 1990)",
    ),
    "cadss6": (
        "dissociation_cadss6",
        "Clinician-Administered Dissociative States Scale, 6-item short form (CADSS-6), 0-24 "
        "(Rodrigues 2021); not validated in this app",
    ),
}
_NAMESPACE = uuid.UUID("0b6f1a0e-5d0a-4a53-9d0c-2b8f6d3e7a41")
MOMENTS = {"before": "Before the dose", "after": "After the dose"}


def _loinc(code, display):
    return {"system": gad7.LOINC_SYSTEM, "code": code, "display": display}


def _quantity(value, unit, code):
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _category(code, display):
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code, "display": display}]}]


VITAL_SIGNS = _category("vital-signs", "Vital Signs")
SURVEY = _category("survey", "Survey")


def _after(treatment):
    """When the after-dose measurements were taken, as well as the record says."""
    if treatment.discharge_ready_at is not None:
        return treatment.discharge_ready_at
    return treatment.starts_at + timedelta(minutes=treatment.observation_minutes or 0)


def _observation(treatment, subject, name, code, category, **value):
    return {
        "resourceType": "Observation",
        "id": str(uuid.uuid5(_NAMESPACE, f"{treatment.id}:{name}")),
        "status": "final",
        "category": category,
        "code": code,
        "subject": subject,
        "partOf": [{"reference": f"urn:uuid:{treatment.id}"}],
        **value,
    }


def _vitals(treatment, subject, moment):
    at = utc_text(treatment.starts_at if moment == "before" else _after(treatment))
    note = [{"text": MOMENTS[moment]}]
    systolic, diastolic = getattr(treatment, f"systolic_{moment}"), getattr(treatment, f"diastolic_{moment}")
    components = [
        {"code": {"coding": [_loinc(code, display)]}, "valueQuantity": _quantity(value, "mmHg", "mm[Hg]")}
        for code, display, value in (
            ("8480-6", "Systolic blood pressure", systolic),
            ("8462-4", "Diastolic blood pressure", diastolic),
        )
        if value is not None
    ]
    if components:
        code = {"coding": [_loinc("85354-9", "Blood pressure panel with all children optional")]}
        code["text"] = f"Blood pressure, {MOMENTS[moment].lower()}"
        yield _observation(
            treatment,
            subject,
            f"bp:{moment}",
            code,
            VITAL_SIGNS,
            effectiveDateTime=at,
            component=components,
            note=note,
        )
    rate = getattr(treatment, f"heart_rate_{moment}")
    if rate is not None:
        code = {"coding": [_loinc("8867-4", "Heart rate")], "text": f"Heart rate, {MOMENTS[moment].lower()}"}
        yield _observation(
            treatment,
            subject,
            f"hr:{moment}",
            code,
            VITAL_SIGNS,
            effectiveDateTime=at,
            valueQuantity=_quantity(rate, "beats/minute", "/min"),
            note=note,
        )


def session_observations(treatment, subject, base_url) -> list[dict]:
    """The Observations of one completed session's record (none when nothing was measured)."""
    observations = [*_vitals(treatment, subject, "before"), *_vitals(treatment, subject, "after")]
    at = utc_text(treatment.starts_at)
    if treatment.weight_kg is not None:
        code = {"coding": [_loinc("29463-7", "Body weight")]}
        observations.append(
            _observation(
                treatment,
                subject,
                "weight",
                code,
                VITAL_SIGNS,
                effectiveDateTime=at,
                valueQuantity=_quantity(treatment.weight_kg, "kg", "kg"),
            )
        )
    system = base_url + RATINGS_PATH
    for code, (name, display) in RATINGS.items():
        value = getattr(treatment, name)
        if value is not None:
            concept = {"coding": [{"system": system, "code": code, "display": display}], "text": display}
            observations.append(
                _observation(
                    treatment,
                    subject,
                    code,
                    concept,
                    SURVEY,
                    effectiveDateTime=utc_text(_after(treatment)),
                    valueInteger=value,
                )
            )
    return observations


def ratings_code_system(base_url) -> dict:
    """The app's codes for the session's ratings that LOINC has no code for."""
    return {
        "resourceType": "CodeSystem",
        "id": RATINGS_ID,
        "url": base_url + RATINGS_PATH,
        "version": "1",
        "name": "AfterglowSessionRatings",
        "title": "Ratings of a ketamine session that have no LOINC code",
        "status": "active",
        "content": "complete",
        "caseSensitive": True,
        "concept": [{"code": code, "display": display} for code, (_, display) in RATINGS.items()],
    }


def procedure_details(treatment) -> list[str]:
    """The session record's lines for the Procedure's notes: product, dose per kg, observation."""
    lines = []
    if treatment.product:
        lines.append(
            "Product: "
            + ("racemic ketamine" if treatment.product == "racemic_ketamine" else "esketamine")
            + "."
        )
    if treatment.mg_per_kg is not None:
        lines.append(f"Dose per body weight: {treatment.mg_per_kg:g} mg/kg ({treatment.weight_kg:g} kg).")
    if treatment.observation_minutes is not None:
        lines.append(f"Observed for {treatment.observation_minutes} minutes after the dose.")
    if treatment.discharge_ready is not None:
        ready = "Ready to go home" if treatment.discharge_ready else "Not yet ready to go home"
        at = f" at {utc_text(treatment.discharge_ready_at)}" if treatment.discharge_ready_at else ""
        lines.append(f"{ready}{at}.")
    return lines
