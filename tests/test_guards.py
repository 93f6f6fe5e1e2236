"""Request guards: text no database can store (NUL, lone surrogates) and JSON nobody should parse."""

import pytest

from diary.guards import MAX_JSON_DEPTH
from tests.security.test_access_matrix import ANSWERS


def post_raw(client, text, path="/api/v1/patients/me/entries"):
    return client.post(path, data=text, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize(
    "text, field",
    [
        ('{"answers": [1, 1, 1, 1, 1, 1, 1], "note": "tight \\ud800 chest"}', "note"),
        ('{"answers": [1, 1, 1, 1, 1, 1, 1], "side_effects": ["\\udc00"]}', "side_effects"),
    ],
)
def test_a_lone_surrogate_is_a_422_on_its_field(patient, text, field):
    response = post_raw(patient, text)
    assert response.status_code == 422
    assert "surrogate" in response.get_json()["error"]["fields"][field][0]


def test_a_lone_surrogate_in_a_login_email_is_a_422(api):
    response = post_raw(
        api, '{"email": "a\\ud800@mail.test", "password": "whatever it is"}', "/api/v1/auth/login"
    )
    assert response.status_code == 422 and "email" in response.get_json()["error"]["fields"]


def test_a_surrogate_pair_is_a_character_like_any_other(patient):
    response = post_raw(patient, '{"answers": [1, 1, 1, 1, 1, 1, 1], "note": "calm \\ud83d\\ude0a"}')
    assert response.status_code == 201 and response.get_json()["note"] == "calm \U0001f60a"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 900, 5000])
def test_json_nested_too_deep_is_a_400(patient, depth):
    response = post_raw(patient, '{"note": ' + "[" * depth + "]" * depth + "}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_json_nested_as_deep_as_allowed_reaches_the_schema(patient):
    depth = MAX_JSON_DEPTH - 1
    response = post_raw(patient, '{"note": ' + "[" * depth + "]" * depth + "}")
    assert response.status_code == 422 and "note" in response.get_json()["error"]["fields"]


def test_an_integer_of_5000_digits_is_a_400(patient):
    response = post_raw(patient, '{"answers": [' + "9" * 5000 + ", 1, 1, 1, 1, 1, 1]}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_a_long_integer_python_can_read_is_a_422(patient):
    response = patient.post("/api/v1/patients/me/entries", json={"answers": [10**300] + ANSWERS[1:]})
    assert response.status_code == 422
