"""The error envelope for every route, OpenAPI and health (docs/api.md, "Errors", "Service routes")."""

from diary import create_app


def test_unknown_api_route_is_404_in_the_envelope(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_wrong_method_is_405_in_the_envelope(client):
    response = client.get("/api/v1/auth/login")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_unexpected_errors_are_500_without_a_traceback(app, client):
    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {"code": "internal_error", "message": "Something went wrong on our side."}
    }
    assert b"secret internals" not in response.data and b"Traceback" not in response.data


def test_openapi_documents_every_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.replace("<uuid:", "{").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert "requestBody" in login and "200" in login["responses"]


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_healthz_503_when_the_database_is_down(app_config):
    unreachable = {
        **app_config,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
    }
    response = create_app(unreachable).test_client().get("/healthz")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0  # a load balancer or monitor knows when to ask again


def test_a_locked_sqlite_database_answers_503_with_retry_after(app, client):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    @app.get("/api/v1/locked")
    def locked():
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))

    response = client.get("/api/v1/locked")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "service_unavailable"
