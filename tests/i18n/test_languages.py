"""A language per person (docs/i18n.md): from the invite, else the browser at registration,
else English; changed in Settings (patients) or with PATCH /me (anyone)."""

import uuid

from tests.conftest import PASSWORD
from tests.support.api_client import ApiClient


def _register(app, invite_code, accept_language=None):
    client = ApiClient(app.test_client())
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.post(
        "/api/v1/auth/register",
        json={
            "invite_code": invite_code,
            "email": f"pat-{uuid.uuid4().hex[:8]}@mail.test",
            "password": PASSWORD,
            "name": "Pat",
            "timezone": "America/Chicago",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    return client, response.get_json()["user"]


def test_the_invite_language_wins_over_the_browser(app, provider_client):
    code = provider_client.post("/api/v1/invites", json={"language": "es"}).get_json()["code"]
    _, user = _register(app, code, accept_language="en-US,en;q=0.9")
    assert user["language"] == "es"


def test_without_one_the_browser_decides_else_english(app, provider_client):
    spanish = provider_client.post("/api/v1/invites", json={}).get_json()["code"]
    _, user = _register(app, spanish, accept_language="es-MX,es;q=0.9,en;q=0.5")
    assert user["language"] == "es"
    other = provider_client.post("/api/v1/invites", json={}).get_json()["code"]
    _, user = _register(app, other, accept_language="de-DE,fr;q=0.8")
    assert user["language"] == "en"
    plain = provider_client.post("/api/v1/invites", json={}).get_json()["code"]
    _, user = _register(app, plain)
    assert user["language"] == "en"


def test_an_unknown_invite_language_is_refused(provider_client):
    response = provider_client.post("/api/v1/invites", json={"language": "fr"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"language"}


def test_a_patient_changes_language_in_settings(patient):
    assert patient.get("/api/v1/auth/session").get_json()["user"]["language"] == "en"
    body = patient.patch("/api/v1/me/settings", json={"language": "es"}).get_json()
    assert body["language"] == "es"
    assert patient.get("/api/v1/me/settings").get_json()["language"] == "es"
    assert patient.get("/api/v1/auth/session").get_json()["user"]["language"] == "es"
    refused = patient.patch("/api/v1/me/settings", json={"language": "xx"})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "validation_error"
    assert patient.get("/api/v1/me/settings").get_json()["language"] == "es"  # nothing changed


def test_staff_change_their_own_language(provider_client):
    response = provider_client.patch("/api/v1/me", json={"language": "es"})
    assert response.status_code == 200 and response.get_json()["language"] == "es"
    assert provider_client.get("/api/v1/auth/session").get_json()["user"]["language"] == "es"
    assert provider_client.patch("/api/v1/me", json={"language": "qps"}).status_code == 422
    assert provider_client.patch("/api/v1/me", json={"language": "es"}, csrf=False).status_code == 403


def test_patch_me_needs_a_login(api):
    response = api.patch("/api/v1/me", json={"language": "es"})
    assert response.status_code == 401


def test_error_messages_follow_the_reader_code_unchanged(app, api, patient):
    spanish = api.get("/api/v1/nothing-here", headers={"Accept-Language": "es-MX"})
    assert spanish.status_code == 404
    assert spanish.get_json()["error"] == {"code": "not_found", "message": "No se encontró."}
    patient.patch("/api/v1/me/settings", json={"language": "es"})
    # A logged-in person's own language wins over what the browser says.
    own = patient.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert own.get_json()["error"]["message"] == "No se encontró."


def test_the_pwa_catalogue(api):
    body = api.get("/api/v1/i18n/es").get_json()
    assert body["language"] == "es" and isinstance(body["messages"], dict) and body["version"]
    assert api.get("/api/v1/i18n/fr").status_code == 404
    pseudo = api.get("/api/v1/i18n/qps").get_json()["messages"]
    assert len(pseudo) > 500  # every PWA text
    assert all((text if isinstance(text, str) else text[0]).startswith("⟦") for text in pseudo.values())


def test_a_kept_catalogue_is_not_sent_again(api):
    first = api.get("/api/v1/i18n/es")
    version = first.get_json()["version"]
    assert first.headers["ETag"] == f'"{version}"'
    again = api.get("/api/v1/i18n/es", headers={"If-None-Match": f'"{version}"'})
    assert again.status_code == 304 and again.get_data() == b""
    stale = api.get("/api/v1/i18n/es", headers={"If-None-Match": '"0000000000000000"'})
    assert stale.status_code == 200 and stale.get_json()["version"] == version
