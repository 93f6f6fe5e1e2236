"""Security headers on every response (ASVS 3.4.x, 14.3.2)."""

import pytest

from diary import create_app

PAGES = [
    "/",
    "/healthz",
    "/api/openapi.json",
    "/api/v1/auth/session",
    "/api/v1/me/settings",
    "/api/v1/nowhere",
    "/no-such-file.js",
]


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert not any("'unsafe-inline'" in values or "'unsafe-eval'" in values for values in directives.values())
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain http: HSTS would be meaningless


def test_the_pwa_assets_carry_only_what_a_subresource_uses(client):
    shell = client.get("/").get_data(as_text=True)
    script = shell.split('src="', 1)[1].split('"', 1)[0]
    assert script.startswith("v/") and script.endswith(".js")
    asset = client.get("/" + script)
    assert asset.status_code == 200
    assert csp_directives(asset)["script-src"] == ["'self'"]  # kept: cheap, and harmless if opened
    assert asset.headers["X-Content-Type-Options"] == "nosniff"
    assert asset.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    for name in ("Permissions-Policy", "X-Frame-Options", "Cross-Origin-Opener-Policy"):
        assert name not in asset.headers  # only a page reads them
        assert name in client.get("/sw.js").headers and name in client.get("/").headers


def test_csp_lets_the_pwa_work(client):
    directives = csp_directives(client.get("/"))
    for name in ("default-src", "style-src", "connect-src", "worker-src", "manifest-src"):
        assert directives[name] == ["'self'"], name
    assert set(directives["img-src"]) == {"'self'", "data:", "blob:"}


def test_permissions_policy_blocks_devices_but_not_notifications(client):
    policy = client.get("/").headers["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert not {"notifications", "push", "push-notifications"} & set(features)


def test_api_responses_are_never_cached(patient):
    for response in (
        patient.get("/api/v1/me/settings"),
        patient.get("/api/v1/nowhere"),
        patient.post("/api/v1/me/settings", json={}),
    ):
        assert response.headers["Cache-Control"] == "no-store"
    assert "no-store" not in patient.get("/").headers["Cache-Control"]  # the shell is revalidated, not banned


def test_hsts_when_served_over_https(app_config, monkeypatch):
    monkeypatch.setenv("DIARY_BASE_URL", "https://diary.example")
    app = create_app({**app_config, "BASE_URL": "https://diary.example"})
    response = app.test_client().get("/api/v1/auth/session", base_url="https://diary.example")
    hsts = response.headers["Strict-Transport-Security"]
    assert "max-age=63072000" in hsts and "includeSubDomains" in hsts
