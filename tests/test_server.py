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
    env = {**os.environ, "WUHAO_INSTANCE_DIR": str(tmp_path), "FLASK_APP": "backend"}
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
        [BIN / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
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
