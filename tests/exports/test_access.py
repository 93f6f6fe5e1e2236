"""Who may export whose diary (docs/api.md, "Conventions" and "Exports")."""

import pytest

from tests.conftest import login
from tests.exports.helpers import add_entry, export_events

EXPORTS = {
    "entries.csv": ("export.csv?kind=entries", "text/csv", "export:entries.csv"),
    "treatments.csv": ("export.csv?kind=treatments", "text/csv", "export:treatments.csv"),
    "fhir": ("fhir", "application/fhir+json", "export:fhir"),
    "sessions.ics": ("sessions.ics", "text/calendar", "export:sessions.ics"),
}


@pytest.fixture(params=sorted(EXPORTS))
def export(request):
    return EXPORTS[request.param]


def test_the_patient_exports_their_own(app, patient, export):
    path, media_type, resource = export
    add_entry(patient)
    for pid in ("me", patient.user["id"]):
        response = patient.get(f"/api/v1/patients/{pid}/{path}")
        assert response.status_code == 200 and response.mimetype == media_type
    assert export_events(app, patient.user["id"]) == [("patient", resource)] * 2


def test_the_care_team_exports(app, patient, provider_client, export):
    path, media_type, resource = export
    response = provider_client.get(f"/api/v1/patients/{patient.user['id']}/{path}")
    assert response.status_code == 200 and response.mimetype == media_type
    assert export_events(app, patient.user["id"]) == [("provider", resource)]


def test_another_patient_gets_404(app, patient, make_patient, export):
    path, _, _ = export
    other = make_patient(patient.provider)  # even on the same care team
    response = other.get(f"/api/v1/patients/{patient.user['id']}/{path}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert export_events(app, patient.user["id"]) == []


def test_another_provider_gets_404(app, patient, make_provider, export):
    path, _, _ = export
    stranger = make_provider()
    client = login(app, stranger["email"], stranger["password"])
    response = client.get(f"/api/v1/patients/{patient.user['id']}/{path}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert export_events(app, patient.user["id"]) == []


@pytest.mark.parametrize("pid", ["me", "not-a-uuid", "00000000-0000-4000-8000-000000000000"])
def test_provider_without_a_patient_gets_404(provider_client, export, pid):
    path, _, _ = export
    assert provider_client.get(f"/api/v1/patients/{pid}/{path}").status_code == 404


def test_anonymous_gets_401(api, patient, export):
    path, _, _ = export
    response = api.get(f"/api/v1/patients/{patient.user['id']}/{path}")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthenticated"
