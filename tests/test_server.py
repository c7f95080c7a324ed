"""What `make serve` does, for real: migrate, seed, gunicorn with several workers, HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from backend.request_checks import gunicorn_arguments

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, body: dict | None = None, token: str | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def served(tmp_path):
    # A small body limit, so the 413 test need not send megabytes.
    env = {
        **os.environ,
        "WUHAO_INSTANCE_DIR": str(tmp_path),
        "FLASK_APP": "backend",
        "MAX_CONTENT_LENGTH": "1000000",
    }
    env.pop("DATABASE_URL", None)
    steps = (
        ["db", "upgrade"],
        ["checklists", "import", "checklists/wuhao-standard.yaml"],
        ["demo", "seed", "--no-history"],
    )
    for command in steps:
        done = subprocess.run(
            [BIN / "flask", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    port = _free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", *gunicorn_arguments(), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _request(f"{base}/api/health")
            break
        except OSError:
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=10)


def test_gunicorn_serves_health_and_scoped_estates(served):
    status, health = _request(f"{served}/api/health")
    assert status == 200 and health == {"status": "ok", "database": "spatialite"}
    _, login = _request(
        f"{served}/api/auth/login", {"username": "inspector1", "password": "demo12345"}
    )
    _, me = _request(f"{served}/api/me", token=login["token"])
    grid_ids = {g["id"] for g in me["scope"]["grids"]}
    # Several requests so both workers answer; each must know the token (stored in the DB).
    for _ in range(6):
        _, estates = _request(f"{served}/api/estates?page_size=100", token=login["token"])
        assert estates and {e["grid_id"] for e in estates} <= grid_ids


def _raw(base: str, method: str, path: str, headers: dict[str, str], body: bytes = b""):
    """One request over http.client (urllib would refuse some of these before sending)."""
    import http.client
    from urllib.parse import urlsplit

    netloc = urlsplit(base).netloc
    connection = http.client.HTTPConnection(netloc, timeout=10)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(body or None)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def test_size_limits_are_the_apps_json_through_gunicorn(served):
    """Between the app's limits and gunicorn's (raised by GUNICORN_LIMITS) the app answers."""
    from backend.request_checks import MAX_HEADER_FIELD_BYTES, MAX_HEADER_FIELDS, MAX_URL_BYTES

    cases = [
        ("GET", "/api/health?pad=" + "a" * MAX_URL_BYTES, {}, 414, "uri_too_long"),
        ("GET", "/api/health", {"X-Pad": "a" * MAX_HEADER_FIELD_BYTES}, 431, "headers_too_large"),
        (
            "GET",
            "/api/health",
            {f"X-Pad-{i}": "a" for i in range(MAX_HEADER_FIELDS)},
            431,
            "headers_too_large",
        ),
        (
            "POST",
            "/api/auth/login",
            {"Content-Type": "application/json", "Content-Length": "2000000"},
            413,
            "payload_too_large",
        ),
    ]
    for method, path, headers, status, code in cases:
        answered, content_type, raw = _raw(served, method, path, headers, b"{}")
        assert answered == status, (path[:40], answered, raw[:200])
        assert content_type == "application/json"
        body = json.loads(raw)
        assert body["code"] == code and body["status"] == status and body["errors"]
        assert "\u4e00" <= body["message"][0] <= "\u9fff"  # Chinese first
