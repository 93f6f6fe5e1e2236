"""Serving the PWA's files: only the app itself, never the tooling beside it in frontend/;
versioned asset URLs cached for a year, the shell and service worker revalidated."""

import importlib.util
import re
import socket

import pytest

from diary import web

OUTSIDE_THE_ALLOWLIST = [
    "/js/../tools/shell_check.py",
    "/js/%2e%2e/tools/shell_check.py",
    "/css/..%2ftools/shell_check.py",
    "/js//../tools/shell_check.py",
    "/vendor/../package.json",
    "/icons/./../tools/make_icons.py",
    "/tools/shell_check.py",
    "/js/../../diary/__init__.py",
]


def test_the_app_files_are_served(client):
    assert client.get("/").status_code == 200
    assert client.get("/sw.js").status_code == 200
    assert client.get("/manifest.webmanifest").status_code == 200


@pytest.mark.parametrize("path", OUTSIDE_THE_ALLOWLIST)
def test_paths_leaving_the_public_folders_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"shell_check" not in response.data and b"SHELL" not in response.data


def raw_get(url, path):
    """A GET with the path exactly as given: no client normalises the dot segments away."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_a_raw_request_with_dot_segments_is_404(live_server):
    assert raw_get(live_server.url, "/js/app.js").startswith(b"HTTP/1.1 200")
    for path in OUTSIDE_THE_ALLOWLIST[:4]:
        answer = raw_get(live_server.url, path)
        assert answer.startswith(b"HTTP/1.1 404"), (path, answer[:200])
        assert b"SHELL" not in answer


SHELL_CHECK = web.FRONTEND / "tools" / "shell_check.py"


def shell_check():
    spec = importlib.util.spec_from_file_location("shell_check", SHELL_CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def current_version(app):
    with app.app_context():
        return web.version()


def test_the_version_is_the_content_hash_the_service_worker_is_checked_against(app):
    assert current_version(app) == shell_check().content_hash()


def test_the_shell_links_every_asset_by_its_versioned_url(app, client):
    version = current_version(app)
    shell = client.get("/")
    assert shell.headers["Cache-Control"] == "no-cache"
    html = shell.get_data(as_text=True)
    linked = re.findall(r'\s(?:href|src)="([^"#]+)"', html)
    assets = [url for url in linked if url != "manifest.webmanifest"]
    assert f'src="v/{version}/js/app.js"' in html and assets
    for url in assets:
        assert url.startswith(f"v/{version}/"), url
        response = client.get("/" + url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url


def test_a_versioned_asset_is_the_file_and_immutable_only_at_the_current_version(app, client):
    version = current_version(app)
    body = (web.FRONTEND / "js" / "app.js").read_bytes()
    current = client.get(f"/v/{version}/js/app.js")
    assert current.get_data() == body and "immutable" in current.headers["Cache-Control"]
    for stale in ("/v/000000000000/js/app.js", "/js/app.js"):
        response = client.get(stale)
        assert response.get_data() == body and response.headers["Cache-Control"] == "no-cache", stale
    assert client.get(f"/v/{version}/tools/shell_check.py").status_code == 404
    assert client.get(f"/v/{version}/../diary/web.py").status_code == 404


def test_the_service_worker_precaches_by_the_versioned_names(app, client):
    version = current_version(app)
    sw = client.get("/sw.js")
    assert sw.headers["Cache-Control"] == "no-cache"
    source = sw.get_data(as_text=True)
    assert f"const CACHE_VERSION = '{version}';" in source
    assert "`v/${CACHE_VERSION}/${path}`" in source  # the shell list, by the names the page loads


def test_gzip_and_a_304_for_a_versioned_asset(app, client):
    url = f"/v/{current_version(app)}/css/app.css"
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    again = client.get(url, headers={"If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304


def test_a_new_secret_key_is_written_once_whole_and_private(tmp_path):
    from diary import _create_key_file

    key_file = tmp_path / "instance" / "secret_key"
    _create_key_file(key_file)
    first = key_file.read_text()
    _create_key_file(key_file)  # a second worker starting at the same moment keeps the first key
    assert key_file.read_text() == first and len(first) == 64
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert [path.name for path in key_file.parent.iterdir()] == ["secret_key"]  # no temporary left
