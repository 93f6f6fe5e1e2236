"""Structured request logs and security events, with no health data, emails or tokens (ASVS 16.2, 16.3)."""

import io
import json
import logging
import threading

import pytest
import requests
from sqlalchemy.exc import ProgrammingError
from werkzeug.serving import make_server

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
    assert pid not in json.dumps(
        {k: v for k, v in line.items() if k != "user_id"}
    ) and "2026-01-01" not in json.dumps(line)


def test_request_id_is_echoed_and_kept_only_when_safe(client, log_lines):
    given = client.get("/healthz", headers={"X-Request-ID": "edge-1234.abc"})
    assert given.headers["X-Request-ID"] == "edge-1234.abc"
    assert requests_logged(log_lines())[-1]["request_id"] == "edge-1234.abc"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" injected {"a": 1}'})
    assert (
        forged.headers["X-Request-ID"] != 'x" injected {"a": 1}' and len(forged.headers["X-Request-ID"]) == 32
    )


def test_no_health_data_emails_or_tokens_in_any_log(app, patient, provider, log_lines, caplog):
    caplog.set_level(logging.DEBUG)
    patient.post("/api/v1/patients/me/entries", json={"answers": [3, 3, 3, 3, 3, 3, 3], "note": NOTE})
    patient.provider_client.get(f"/api/v1/patients/{patient.user['id']}/entries")
    stranger = ApiClient(app.test_client())
    stranger.post("/api/v1/auth/login", json={"email": provider["email"], "password": "a wrong password"})
    stranger.post("/api/v1/auth/login", json={"email": "nobody@clinic.test", "password": PASSWORD})
    everything = json.dumps(log_lines()) + caplog.text
    cookie = patient.client.get_cookie("diary_session").value
    for secret in (
        NOTE,
        provider["email"],
        "nobody@clinic.test",
        PASSWORD,
        "a wrong password",
        patient.csrf,
        cookie,
    ):
        assert secret not in everything, secret
    assert '"severe"' not in everything


def test_failed_logins_are_security_events(app, provider, log_lines):
    client = ApiClient(app.test_client())
    for _ in range(6):
        client.post("/api/v1/auth/login", json={"email": provider["email"], "password": "a wrong password"})
    events = [line["event"] for line in security_events(log_lines())]
    assert events.count("login_failed") == 5 and events[-1] == "rate_limited"
    failed = next(line for line in security_events(log_lines()) if line["event"] == "login_failed")
    assert (
        failed["level"] == "warning"
        and failed["ip"] == "127.0.0.1"
        and failed["route"] == "/api/v1/auth/login"
    )
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
    client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a much longer new passphrase"},
    )
    client.post("/api/v1/auth/logout")
    events = {line["event"]: line for line in security_events(log_lines())}
    assert (
        events["login_succeeded"]["reason"] == "password"
        and events["login_succeeded"]["user_id"] == provider["id"]
    )
    assert events["password_changed"]["user_id"] == provider["id"]
    assert events["logout"]["user_id"] == provider["id"]


@pytest.fixture
def server_output():
    """What the app's own JSON handler on the "diary" logger writes (stderr in a server)."""
    [handler] = [h for h in logging.getLogger("diary").handlers if getattr(h, "_diary_json", False)]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_an_unhandled_exception_is_one_json_line_with_its_type_and_no_sql(app, server_output):
    statement = "SELECT note FROM entries WHERE email = %(email)s"

    @app.get("/api/v1/test-only/boom")
    def boom():
        raise ProgrammingError(statement, {"email": "pat@mail.test"}, Exception("relation does not exist"))

    response = app.test_client().get("/api/v1/test-only/boom", headers={"X-Request-ID": "boom-1"})
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    lines = [json.loads(line) for line in server_output.getvalue().splitlines()]  # every line is JSON
    [error] = [line for line in lines if line["level"] == "error"]
    assert error["exception"] == "ProgrammingError" and error["request_id"] == "boom-1"
    assert error["logger"] == "diary.errors"
    for leak in ("SELECT", "pat@mail.test", "relation does not exist", "Traceback"):
        assert leak not in server_output.getvalue()
    assert [line["event"] for line in lines if line["logger"] == "diary.request"] == [
        "request"
    ]  # written once


def test_the_request_log_never_prints_a_feed_token(app, patient, server_output, caplog):
    caplog.set_level(logging.DEBUG, logger="werkzeug")
    feed = patient.post("/api/v1/patients/me/calendar-feed").get_json()["url"]
    token = feed.split("/feeds/")[1].split("/")[0]
    server = make_server("127.0.0.1", 0, app, threaded=True)  # werkzeug's own handler, access log and all
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        path = feed.split("127.0.0.1:5000", 1)[1]
        answer = requests.get(f"http://127.0.0.1:{server.server_port}{path}", timeout=30)
        assert answer.status_code == 200
        requests.get(f"http://127.0.0.1:{server.server_port}/api/v1/feeds/{token}x/sessions.ics", timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    server_side = [
        record.getMessage() for record in caplog.records if record.name.split(".")[0] in ("werkzeug", "diary")
    ]
    everything = server_output.getvalue() + "\n".join(server_side)
    assert "/api/v1/feeds/<token>/sessions.ics" in server_output.getvalue()
    assert token not in everything
