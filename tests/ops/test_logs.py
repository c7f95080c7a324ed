"""What an operator reads: gunicorn's access and error lines, as gunicorn.conf.py formats them.

Behind a proxy (PROXY_FIX_HOPS=1) the access line names the client's real address, every line
has its time, and one request's id is in its access line, in the app's own log lines and in the
answer's X-Request-Id.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(url: str, headers: dict[str, str], body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    if data:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_lines_carry_time_real_client_and_request_id(tmp_path: Path) -> None:
    env = {**os.environ, "WUHAO_INSTANCE_DIR": str(tmp_path), "FLASK_APP": "backend",
           "PROXY_FIX_HOPS": "1"}  # fmt: skip
    env.pop("DATABASE_URL", None)
    for command in (["db", "upgrade"], ["demo", "seed", "--no-history"]):
        subprocess.run([BIN / "flask", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=180)  # fmt: skip
    port = _free_port()
    out, err = tmp_path / "access.log", tmp_path / "error.log"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(
            [BIN / "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=stdout, stderr=stderr,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    _call(f"{base}/api/health", {})
                    break
                except OSError:
                    assert time.monotonic() < deadline, err.read_text()
                    time.sleep(0.2)
            proxy = {"X-Forwarded-For": "203.0.113.9", "X-Request-Id": "nginx-req-0001"}
            status, headers = _call(
                f"{base}/api/auth/login", proxy, {"username": "nobody\u202e", "password": "x" * 9}
            )
            assert status == 401 and headers["X-Request-Id"] == "nginx-req-0001"
            # Without a trusted token of its own, a request gets a fresh id.
            status, headers = _call(f"{base}/api/health", {"X-Request-Id": "bad id!"})
            assert status == 200 and re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-Id"])
        finally:
            server.terminate()
            server.wait(timeout=10)
    access = out.read_text().splitlines()
    (login_line,) = [line for line in access if "/api/auth/login" in line]
    assert re.match(r"^\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] 203\.0\.113\.9 ", login_line)
    assert " 401 " in login_line and "rid=nginx-req-0001" in login_line
    errors = err.read_text().splitlines()
    assert errors and all(STAMP.match(line) for line in errors if line.strip()), errors
    (refused,) = [line for line in errors if "sign-in refused" in line]
    assert "rid=nginx-req-0001" in refused and "WARNING" in refused
    # A control character is refused before sign-in (422); a bidi override is text, so it is
    # logged, quoted, never raw (it would turn the rest of the line around on a terminal).
    assert "\u202e" not in refused and "'nobody\\u202e'" in refused
