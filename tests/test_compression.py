"""API JSON goes out compressed, except a response that carries the CSRF token (BREACH)."""

import gzip
import json
import uuid

import brotli
import pytest
from backports import zstd  # Flask-Compress's own zstd (the standard library has it from Python 3.14)

from tests.conftest import PASSWORD
from tests.support.api_client import ApiClient

EVERY_ENCODING = {"Accept-Encoding": "zstd, br, gzip, deflate"}


@pytest.fixture
def app_config(app_config):
    # Compress even the smallest body, so only the CSRF rule can keep one uncompressed.
    return {**app_config, "COMPRESS_MIN_SIZE": 0}


def test_api_json_is_compressed_for_a_client_that_accepts_it(patient, provider_client):
    plain = provider_client.get("/api/v1/patients")
    packed = provider_client.get("/api/v1/patients", headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert json.loads(gzip.decompress(packed.get_data())) == plain.get_json()
    assert provider_client.get("/api/v1/patients", headers=EVERY_ENCODING).headers["Content-Encoding"] in (
        "zstd",
        "br",
    )


def test_no_response_that_carries_the_csrf_token_is_compressed(app, make_provider):
    provider = make_provider()
    anonymous = app.test_client()
    answers = {"session": anonymous.get("/api/v1/auth/session", headers=EVERY_ENCODING)}
    token = answers["session"].get_json()["csrf_token"]
    answers["login"] = anonymous.post(
        "/api/v1/auth/login",
        json={"email": provider["email"], "password": PASSWORD},
        headers={**EVERY_ENCODING, "X-CSRF-Token": token},
    )
    answers["logged-in session"] = anonymous.get("/api/v1/auth/session", headers=EVERY_ENCODING)
    client = ApiClient(anonymous)
    answers["invite"] = client.post(
        "/api/v1/invites", json={}, headers=EVERY_ENCODING
    )  # no token in it: compressed
    code = json.loads(_decoded(answers["invite"]))["code"]
    newcomer = ApiClient(app.test_client())
    answers["register"] = newcomer.post(
        "/api/v1/auth/register",
        json={
            "invite_code": code,
            "email": f"new-{uuid.uuid4().hex[:6]}@mail.test",
            "password": PASSWORD,
            "name": "New Comer",
            "timezone": "UTC",
        },
        headers=EVERY_ENCODING,
    )
    assert answers.pop("invite").headers["Content-Encoding"] in ("zstd", "br")
    for name, response in answers.items():
        assert response.status_code in (200, 201), (name, response.status_code)
        assert "Content-Encoding" not in response.headers, name
        assert response.get_json()["csrf_token"], name


def test_a_client_that_accepts_no_encoding_gets_plain_json(patient, provider_client):
    response = provider_client.get("/api/v1/patients", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["items"]


def _decoded(response):
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "zstd":
        return zstd.decompress(data)
    return gzip.decompress(data) if encoding == "gzip" else data
