"""Structured request logs and security events, with no health data, emails or tokens (ASVS 16.2, 16.3)."""
import io
import json
import logging

import pytest

from diary.observability import JsonFormatter
from tests.conftest import PASSWORD
from tests.support.api_client import ApiClient

NOTE = "my chest was tight all evening"


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("diary.request", "diary.security")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def requests_logged(lines):
    return [line for line in lines if line["logger"] == "diary.request"]


def security_events(lines):
    return [line for line in lines if line["logger"] == "diary.security"]


def test_a_request_line_has_the_route_template_not_the_path(patient, log_lines):
    pid = patient.user["id"]
    patient.get(f"/api/v1/patients/{pid}/entries?from=2026-01-01")
    line = requests_logged(log_lines())[-1]
    assert line["route"] == "/api/v1/patients/<pid>/entries"
    assert line["method"] == "GET" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and len(line["request_id"]) >= 16
    assert line["user_id"] == pid
    assert pid not in json.dumps({k: v for k, v in line.items() if k != "user_id"}) and "2026-01-01" not in json.dumps(line)


def test_request_id_is_echoed_and_kept_only_when_safe(client, log_lines):
    given = client.get("/healthz", headers={"X-Request-ID": "edge-1234.abc"})
    assert given.headers["X-Request-ID"] == "edge-1234.abc"
    assert requests_logged(log_lines())[-1]["request_id"] == "edge-1234.abc"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" injected {"a": 1}'})
    assert forged.headers["X-Request-ID"] != 'x" injected {"a": 1}' and len(forged.headers["X-Request-ID"]) == 32


def test_no_health_data_emails_or_tokens_in_any_log(app, patient, provider, log_lines, caplog):
    caplog.set_level(logging.DEBUG)
    patient.post("/api/v1/patients/me/entries", json={"answers": [3, 3, 3, 3, 3, 3, 3], "note": NOTE})
    patient.provider_client.get(f"/api/v1/patients/{patient.user['id']}/entries")
    stranger = ApiClient(app.test_client())
    stranger.post("/api/v1/auth/login", json={"email": provider["email"], "password": "a wrong password"})
    stranger.post("/api/v1/auth/login", json={"email": "nobody@clinic.test", "password": PASSWORD})
    everything = json.dumps(log_lines()) + caplog.text
    cookie = patient.client.get_cookie("diary_session").value
    for secret in (NOTE, provider["email"], "nobody@clinic.test", PASSWORD, "a wrong password", patient.csrf, cookie):
        assert secret not in everything, secret
    assert '"severe"' not in everything


def test_failed_logins_are_security_events(app, provider, log_lines):
    client = ApiClient(app.test_client())
    for _ in range(6):
        client.post("/api/v1/auth/login", json={"email": provider["email"], "password": "a wrong password"})
    events = [line["event"] for line in security_events(log_lines())]
    assert events.count("login_failed") == 5 and events[-1] == "rate_limited"
    failed = next(line for line in security_events(log_lines()) if line["event"] == "login_failed")
    assert failed["level"] == "warning" and failed["ip"] == "127.0.0.1" and failed["route"] == "/api/v1/auth/login"
    assert provider["email"] not in json.dumps(security_events(log_lines()))


def test_authorisation_failures_are_security_events(api, patient, make_patient, log_lines):
    stranger = make_patient()
    stranger.get(f"/api/v1/patients/{patient.user['id']}/entries")  # 404, but logged as a denial
    patient.post("/api/v1/invites", json={})  # a patient may not invite
    api.get("/api/v1/me/settings")  # anonymous
    patient.post("/api/v1/me/settings", json={}, csrf=False)  # no CSRF header: refused before routing
    events = [(line["event"], line.get("code")) for line in security_events(log_lines())]
    assert ("access_denied", None) in events
    assert ("forbidden_role", None) in events
    assert ("authentication_failed", "unauthenticated") in events
    assert ("csrf_failed", None) in events


def test_successful_authentication_is_logged_too(app, provider, log_lines):
    client = ApiClient(app.test_client())
    client.post("/api/v1/auth/login", json={"email": provider["email"], "password": PASSWORD})
    client.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "a much longer new passphrase"})
    client.post("/api/v1/auth/logout")
    events = {line["event"]: line for line in security_events(log_lines())}
    assert events["login_succeeded"]["reason"] == "password" and events["login_succeeded"]["user_id"] == provider["id"]
    assert events["password_changed"]["user_id"] == provider["id"]
    assert events["logout"]["user_id"] == provider["id"]
