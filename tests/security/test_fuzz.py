"""Fuzzing every operation of the OpenAPI document with schemathesis (ASVS 1.x input handling, 4.x API).

Logged in as a patient and as a provider, each operation gets generated
requests, valid and invalid. No answer may be a 5xx, and every answer must
match the status codes, content types and schemas the document declares.
Path parameters are often swapped for real ids, so the fuzzer gets past the
404 of a random UUID and into the handlers.
"""

import os
import tempfile
import uuid
from datetime import date
from unittest import mock

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import DataGenerationMethod
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from diary import create_app
from diary.db_types import utcnow
from diary.extensions import db
from tests.conftest import login
from tests.security.test_access_matrix import ANSWERS
from tests.support.api_client import ApiClient
from tests.support.dates import next_date

EXAMPLES_PER_OPERATION = int(os.environ.get("DIARY_FUZZ_EXAMPLES", "25"))


def invalid_bodies_are_rejected(ctx, response, case):
    """schemathesis' negative_data_rejection, for request bodies only.

    Unknown query parameters are ignored on purpose, as HTTP APIs do (cache
    busters, analytics tags), so an invalid query alone proves nothing.
    """
    if case.meta is not None and case.meta.body is not None and case.meta.body.is_negative:
        return negative_data_rejection(ctx, response, case)
    return None


CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    invalid_bodies_are_rejected,
)
# Logging out or changing the password would end the fuzzer's own session.
SESSION_ENDING = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/me/password")}


def _load_schema():
    """The OpenAPI document, read once from a throwaway app (it does not depend on the data)."""
    with (
        tempfile.TemporaryDirectory() as instance,
        mock.patch.dict(os.environ, {"DIARY_INSTANCE_PATH": instance}),
    ):
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "fuzz"})
        document = app.test_client().get("/api/openapi.json").get_json()
    # Bound to an app so cases go through the WSGI transport; each test passes its own app to call().
    return schemathesis.from_dict(
        document,
        app=app,
        data_generation_methods=[DataGenerationMethod.positive, DataGenerationMethod.negative],
    )


SCHEMA = _load_schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


class Fuzzer:
    """A patient and their provider, and real ids to swap into generated paths."""

    def __init__(self, app, make_patient, role):
        patient = make_patient()
        team = patient.provider_client
        self.email = (patient.user if role == "patient" else team.user)["email"]
        self.client = patient if role == "patient" else team
        treatment = {"status": "planned", "starts_at": f"{next_date(1, 1)}T09:00:00Z", "route": "iv"}
        feed = patient.post("/api/v1/patients/me/calendar-feed").get_json()["url"]
        self.real = {
            "pid": [patient.user["id"]] + (["me"] if role == "patient" else []),
            "entry_id": [
                patient.post("/api/v1/patients/me/entries", json={"answers": ANSWERS}).get_json()["id"]
            ],
            "treatment_id": [
                team.post(f"/api/v1/patients/{patient.user['id']}/treatments", json=treatment).get_json()[
                    "id"
                ]
            ],
            "token": [feed.split("/feeds/")[1].split("/")[0]],
            "flag_id": [_new_flag(app, patient.user["id"])],
        }


def _new_flag(app, patient_id):
    from diary.monitoring.models import Flag

    with app.app_context():
        flag = Flag(
            patient_id=uuid.UUID(patient_id),
            kind="data_gap",
            occurrence="data_gap:fuzz",
            raised_on=date.today(),
            raised_at=utcnow(),
            details={},
        )
        db.session.add(flag)
        db.session.commit()
        return str(flag.id)


@pytest.mark.parametrize("role", ["patient", "provider"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.verbose_name)
def test_fuzz(app, make_patient, operation, role):
    fuzzer = Fuzzer(app, make_patient, role)
    # Where nothing can be made invalid (no parameters, no body), negative draws are rejected, not skipped.
    strategies = [
        operation.as_strategy(data_generation_method=method, skip_on_not_negated=False)
        for method in SCHEMA.data_generation_methods
    ]
    keep_session = (operation.method.upper(), operation.path) in SESSION_ENDING

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,  # no .hypothesis/ examples carried between runs: the data is new each time
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )
    @given(data=st.data())
    def fuzz(data):
        case = data.draw(st.one_of(strategies))
        for name in list(case.path_parameters or {}):
            if name in fuzzer.real and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(fuzzer.real[name]))
        client = login(app, fuzzer.email) if keep_session else fuzzer.client
        response = case.call(
            app=app,
            headers={"X-CSRF-Token": client.token()},
            cookies={"diary_session": client.client.get_cookie("diary_session").value},
        )
        case.validate_response(response, checks=CHECKS)

    fuzz()


@pytest.mark.parametrize(
    "method, path, kwargs",
    [
        ("post", "/api/v1/patients/me/entries", {"json": {"answers": ANSWERS, "note": "a\x00b"}}),
        ("post", "/api/v1/auth/login", {"json": {"email": "x\x00@mail.test", "password": "whatever it is"}}),
        ("get", "/api/v1/patients/me/entries", {"query_string": {"from": "2026-01-01\x00"}}),
        ("get", "/api/v1/me/access-log", {"query_string": {"before\x00": "1"}}),
    ],
)
def test_nul_characters_are_refused_on_both_databases(patient, method, path, kwargs):
    """Found by the fuzzer on PostgreSQL, whose text columns cannot hold NUL: it was a 500."""
    response = getattr(patient, method)(path, **kwargs)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "validation_error"


def _raw_json(text):
    return {"data": text, "headers": {"Content-Type": "application/json"}}


PID = "{pid}"  # the patient's id, filled in per test
# Inputs that answered 500 before (issue 11, item 11): each must be a 400 or 422 in the envelope.
CORPUS = [
    ("patient", "get", "/api/v1/patients/me/entries", {"query_string": {"to": "0001-01-01"}}),
    (
        "patient",
        "get",
        "/api/v1/patients/me/entries",
        {"query_string": {"from": "9999-12-31", "to": "9999-12-31"}},
    ),
    ("provider", "get", f"/api/v1/patients/{PID}/timeline", {"query_string": {"to": "0001-01-01"}}),
    (
        "provider",
        "get",
        f"/api/v1/patients/{PID}/timeline",
        {"query_string": {"from": "9999-12-31", "to": "9999-12-31"}},
    ),
    (
        "patient",
        "post",
        "/api/v1/patients/me/entries",
        {"json": {"answers": ANSWERS, "recorded_at": "0001-01-01T00:00:00+14:00"}},
    ),
    (
        "patient",
        "post",
        "/api/v1/patients/me/entries",
        {"json": {"answers": ANSWERS, "recorded_at": "9999-12-31T23:59:59-14:00"}},
    ),
    (
        "provider",
        "post",
        f"/api/v1/patients/{PID}/treatments",
        {"json": {"status": "planned", "starts_at": "9999-12-31T23:00:00Z", "route": "iv"}},
    ),
    (
        "provider",
        "post",
        f"/api/v1/patients/{PID}/treatments",
        {"json": {"status": "completed", "starts_at": "0001-01-01T00:00:00Z", "route": "iv"}},
    ),
    (
        "patient",
        "post",
        "/api/v1/patients/me/entries",
        _raw_json('{"answers": [1, 1, 1, 1, 1, 1, 1], "note": "\\ud800"}'),
    ),
    (
        "patient",
        "post",
        "/api/v1/patients/me/entries",
        _raw_json('{"answers": [1, 1, 1, 1, 1, 1, 1], "\\udfff": 1}'),
    ),
    (
        "anonymous",
        "post",
        "/api/v1/auth/login",
        _raw_json('{"email": "a\\ud800@mail.test", "password": "whatever it is"}'),
    ),
    ("patient", "post", "/api/v1/patients/me/entries", _raw_json("[" * 5000 + "]" * 5000)),
    (
        "patient",
        "post",
        "/api/v1/patients/me/entries",
        _raw_json('{"answers": ' + "[" * 5000 + "]" * 5000 + "}"),
    ),
    (
        "patient",
        "post",
        "/api/v1/patients/me/entries",
        _raw_json('{"note": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}"),
    ),
    (
        "patient",
        "post",
        "/api/v1/patients/me/entries",
        _raw_json('{"answers": [' + "9" * 5000 + ", 1, 1, 1, 1, 1, 1]}"),
    ),
    ("patient", "patch", "/api/v1/me/settings", _raw_json('{"reminders_enabled": ' + "1" * 5000 + "}")),
]


@pytest.mark.parametrize(
    "who, method, path, kwargs", CORPUS, ids=lambda value: value if isinstance(value, str) else None
)
def test_inputs_that_were_500s_answer_4xx(app, patient, who, method, path, kwargs):
    client = {
        "patient": patient,
        "provider": patient.provider_client,
        "anonymous": ApiClient(app.test_client()),
    }[who]
    response = getattr(client, method)(path.replace(PID, patient.user["id"]), **kwargs)
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] in ("bad_request", "validation_error")
