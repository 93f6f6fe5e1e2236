"""The log warns, once, when the default DIARY_BASE_URL builds links while the app is served elsewhere."""

import logging

import pytest

from diary.baseurl import same_place


def warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "diary.config"]


def test_a_request_from_elsewhere_warns_once_that_links_point_to_the_default(app, caplog):
    app.config["BASE_URL"] = "http://127.0.0.1:5000"
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="diary.config"):
        client.get("/healthz", base_url="http://127.0.0.1:5000")
        assert warnings(caplog) == []
        client.get("/healthz", base_url="https://diary.clinic.example")
        client.get("/healthz", base_url="https://other.clinic.example")
    [line] = warnings(caplog)
    assert "DIARY_BASE_URL" in line and "https://diary.clinic.example" in line


def test_a_base_url_that_was_set_is_trusted(app, caplog):
    app.config["BASE_URL"] = "https://diary.clinic.example"
    with caplog.at_level(logging.WARNING, logger="diary.config"):
        app.test_client().get("/healthz", base_url="http://10.0.0.5:8000")
    assert warnings(caplog) == []


@pytest.mark.parametrize(
    ("host", "scheme", "same"),
    [
        ("127.0.0.1:5000", "http", True),
        ("localhost:5000", "http", True),
        ("localhost:8000", "http", False),
        ("diary.clinic.example", "https", False),
        ("192.168.1.20:5000", "http", False),
    ],
)
def test_what_counts_as_the_same_place(host, scheme, same):
    assert same_place(host, scheme, "http://127.0.0.1:5000") is same
