"""GET /api/v1/patients/{pid}/export.csv (docs/api.md, "Exports")."""

import csv
import io
import re

import pytest

from tests.checkins.test_checkins import iso
from tests.exports.helpers import add_entry, add_session, export_events, hours_ago

ENTRY_HEADER = [
    "local_date",
    "recorded_at",
    *(f"item_{n}" for n in range(1, 8)),
    "total",
    "severity",
    "difficulty",
    "note",
    "side_effects",
    "instrument",
    "instrument_note",
    "safety",
]
TREATMENT_HEADER = [
    "local_date",
    "starts_at",
    "status",
    "route",
    "dose_mg",
    "notes",
    "side_effects",
    "recorded_by",
    "product",
    "mg_per_kg",
    "weight_kg",
    "systolic_before",
    "diastolic_before",
    "heart_rate_before",
    "systolic_after",
    "diastolic_after",
    "heart_rate_after",
    "sedation_moaas",
    "dissociation_cadss6",
    "observation_minutes",
    "discharge_ready",
    "discharge_ready_at",
]
RECORD_BLANK = [""] * 14

AWKWARD = [
    "calm, then restless, then calm",
    'she said "it will pass" and it did',
    "line one\nline two\r\nline three",
    "Übelkeit ein wenig; 眠い 😌 — ça va",
    "",
]
FORMULAS = [
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@cmd|' /C calc'!A0",
    "\tindented",
    "\rcarriage",
    '=HYPERLINK("http://x")',
    # The full-width forms, which a spreadsheet with an East Asian input setting reads as formulas.
    "\uff1d1+1",  # ＝
    "\uff0bSUM(A1:A9)",  # ＋
    "\uff0d2+3",  # －
    "\uff20SUM(A1)",  # ＠
    '\uff1dHYPERLINK("http://x")',
]
# Text that only contains those characters, or starts with another full-width one, is left alone.
NOT_FORMULAS = [
    "felt \uff1d fine, then \uff0b1 worry",
    "1+1=2",
    "a - b",
    "\uff03 tagged",  # ＃
    "\uff08\u7b11\uff09",  # （笑）
]


def rows_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    text = response.get_data().decode("utf-8")
    assert text.startswith("local_date,"), repr(text[:20])  # the header first: no byte order mark
    return list(csv.reader(io.StringIO(text, newline="")))


def test_entries_csv(patient):
    first = add_entry(
        patient,
        recorded_at=iso(hours_ago(30)),
        difficulty=2,
        side_effects=["nausea", "headache"],
        note="fine",
        safety=1,
    )
    second = add_entry(patient, answers=[0] * 7, recorded_at=iso(hours_ago(2)))
    response = patient.get("/api/v1/patients/me/export.csv?kind=entries")
    header, *rows = rows_of(response)
    assert header == ENTRY_HEADER
    # The first check-in is the standard GAD-7; the next one, within 14 days, the daily adaptation.
    assert rows[0] == [
        first["local_date"],
        first["recorded_at"],
        "1",
        "2",
        "0",
        "3",
        "1",
        "1",
        "2",
        "10",
        "moderate",
        "2",
        "fine",
        "nausea; headache",
        "gad7",
        "validated GAD-7, two-week recall",
        "1",
    ]
    assert rows[1] == [
        second["local_date"],
        second["recorded_at"],
        *["0"] * 7,
        "0",
        "minimal",
        "",
        "",
        "",
        "daily",
        "GAD-7 items with a 24-hour frame: an adaptation, not validated",
        "",
    ]
    assert response.get_data().startswith(b"local_date,") and b"\r\n" in response.get_data()


def test_treatments_csv_has_every_session(patient, provider_client):
    pid = patient.user["id"]
    done = add_session(
        provider_client, pid, notes="0.5 mg/kg over 40 min", side_effects=["dissociation"], dose_mg=37.5
    )
    planned = add_session(provider_client, pid, status="planned", dose_mg=None)
    header, *rows = rows_of(patient.get("/api/v1/patients/me/export.csv?kind=treatments"))
    assert header == TREATMENT_HEADER
    assert rows == [
        [
            done["local_date"],
            done["starts_at"],
            "completed",
            "iv",
            "37.5",
            "0.5 mg/kg over 40 min",
            "dissociation",
            "provider",
            *RECORD_BLANK,
        ],
        [planned["local_date"], planned["starts_at"], "planned", "iv", "", "", "", "provider", *RECORD_BLANK],
    ]


def test_the_session_record_and_rated_side_effects_in_the_csv(patient, provider_client):
    pid = patient.user["id"]
    add_session(
        provider_client,
        pid,
        dose_mg=35,
        weight_kg=70,
        product="esketamine",
        systolic_before=128,
        diastolic_before=82,
        sedation_moaas=5,
        discharge_ready=False,
        side_effects=["nausea", "headache"],
        side_effect_severity={"nausea": "mild"},
    )
    header, row = rows_of(patient.get("/api/v1/patients/me/export.csv?kind=treatments"))
    cells = dict(zip(header, row, strict=True))
    assert cells["side_effects"] == "nausea (mild); headache"
    assert (cells["product"], cells["mg_per_kg"], cells["weight_kg"]) == ("esketamine", "0.5", "70")
    assert (cells["systolic_before"], cells["diastolic_before"], cells["systolic_after"]) == ("128", "82", "")
    assert (cells["sedation_moaas"], cells["discharge_ready"], cells["discharge_ready_at"]) == ("5", "no", "")


def test_awkward_notes_round_trip(patient):
    for hours, note in enumerate(AWKWARD, start=1):
        add_entry(patient, recorded_at=iso(hours_ago(hours)), note=note)
    _, *rows = rows_of(patient.get("/api/v1/patients/me/export.csv?kind=entries"))
    assert sorted(row[ENTRY_HEADER.index("note")] for row in rows) == sorted(AWKWARD)
    assert all(len(row) == len(ENTRY_HEADER) for row in rows)


@pytest.mark.parametrize("formula", FORMULAS)
def test_formulas_are_neutralised(patient, formula):
    add_entry(patient, note=formula)
    patient.post(
        "/api/v1/patients/me/treatments",
        json={"status": "planned", "starts_at": iso(hours_ago(-48)), "route": "oral", "notes": formula},
    )
    _, entry = rows_of(patient.get("/api/v1/patients/me/export.csv?kind=entries"))
    _, session = rows_of(patient.get("/api/v1/patients/me/export.csv?kind=treatments"))
    assert entry[ENTRY_HEADER.index("note")] == "'" + formula
    assert session[TREATMENT_HEADER.index("notes")] == "'" + formula


@pytest.mark.parametrize("text", NOT_FORMULAS)
def test_text_that_is_no_formula_is_left_alone(patient, text):
    add_entry(patient, note=text)
    _, entry = rows_of(patient.get("/api/v1/patients/me/export.csv?kind=entries"))
    assert entry[ENTRY_HEADER.index("note")] == text


def test_dates_and_numbers_are_left_alone(patient):
    entry = add_entry(patient, note="2026-11-27 was a good day", difficulty=0)
    _, row = rows_of(patient.get("/api/v1/patients/me/export.csv?kind=entries"))
    assert row[0] == entry["local_date"] and row[1] == entry["recorded_at"]
    assert row[ENTRY_HEADER.index("note")] == "2026-11-27 was a good day"
    assert row[ENTRY_HEADER.index("difficulty")] == "0"


@pytest.mark.parametrize("kind", ["entries", "treatments"])
def test_filename_carries_no_name_or_health_data(make_patient, kind):
    patient = make_patient(name="Zelda Quill")
    add_entry(patient, note="secret")
    response = patient.get(f"/api/v1/patients/me/export.csv?kind={kind}")
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(rf'attachment; filename="afterglow-{kind}-\d{{4}}-\d{{2}}-\d{{2}}\.csv"', disposition)
    assert "Zelda" not in disposition and "Quill" not in disposition
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", ["", "?kind=", "?kind=notes", "?kind=ENTRIES"])
def test_missing_or_invalid_kind_is_422(patient, query):
    response = patient.get(f"/api/v1/patients/me/export.csv{query}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and "kind" in error["fields"]


@pytest.mark.parametrize("kind", ["entries", "treatments"])
def test_csv_export_is_audited(app, patient, provider_client, kind):
    pid = patient.user["id"]
    assert patient.get(f"/api/v1/patients/me/export.csv?kind={kind}").status_code == 200
    assert provider_client.get(f"/api/v1/patients/{pid}/export.csv?kind={kind}").status_code == 200
    assert export_events(app, pid) == [("patient", f"export:{kind}.csv"), ("provider", f"export:{kind}.csv")]
