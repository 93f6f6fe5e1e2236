"""Serving the PWA's files: only the app itself, never the tooling beside it in frontend/."""
import socket

import pytest

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
