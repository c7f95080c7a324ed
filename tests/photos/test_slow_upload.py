"""A slow phone uplink against a real gunicorn: a 300 KB photo trickles in over the resumable
upload protocol for longer than the worker timeout, and no worker is killed.

(Issue: at 16 kbit/s a 300 KB photo outlasted the 30 s worker timeout; the sync worker was
killed and the phone sent the whole photo again and again.)"""

from __future__ import annotations

import base64
import hashlib
import socket
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.support import LiveServer, start_server
from tests.photos.images import phone_jpeg

WORKER_TIMEOUT_S = 30
PIECES = 12
PAUSE_S = 3.0  # 12 pieces, one every 3 s: about 33 s for the body, past the 30 s timeout


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    instance = tmp_path_factory.mktemp("slow-instance")
    # One worker and the 30 s timeout: if a slow body could block or kill the worker,
    # this is where it would show.
    server = start_server(
        instance, workers=1, environment={"GUNICORN_TIMEOUT": str(WORKER_TIMEOUT_S)}
    )
    yield server, instance / "gunicorn.log"
    server.stop()


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _slow_patch(base: str, location: str, token: str, body: bytes) -> tuple[int, dict[str, str]]:
    """PATCH the whole photo as one chunk, a piece every PAUSE_S seconds, over a raw socket."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    head = (
        f"PATCH {location} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
        f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    step = -(-len(body) // PIECES)
    with socket.create_connection((host, int(port)), timeout=120) as sock:
        sock.sendall(head)
        for start in range(0, len(body), step):
            time.sleep(PAUSE_S)
            sock.sendall(body[start : start + step])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    lines = answer.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers


def test_a_slow_body_outlasts_the_worker_timeout_without_killing_the_worker(slow_server):
    server, log = slow_server
    photo = phone_jpeg((1050, 790), seed=7)
    assert 250_000 <= len(photo) <= 350_000
    sha = hashlib.sha256(photo).hexdigest()
    status, headers, body = server.call(
        "POST",
        "/api/photos/uploads",
        user="inspector1",
        headers={
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(len(photo)),
            "Upload-Metadata": f"sha256 {_b64(sha)},filetype {_b64('image/jpeg')}",
        },
    )
    assert status == 201, body
    started = time.monotonic()
    with ThreadPoolExecutor(1) as pool:
        upload = pool.submit(
            _slow_patch, server.base, headers["Location"], server.token("inspector1"), photo
        )
        time.sleep(2 * PAUSE_S)
        # Meanwhile the only worker still answers others at once.
        asked = time.monotonic()
        assert server.call("GET", "/api/health")[0] == 200
        assert time.monotonic() - asked < 2.0
        status, answer = upload.result(timeout=180)
    took = time.monotonic() - started
    assert took > WORKER_TIMEOUT_S
    assert status == 204 and answer["X-Photo-Stored"] == "created", answer
    assert answer["Upload-Offset"] == str(len(photo))
    # The photo is stored and served.
    assert server.call("HEAD", f"/api/photos/{sha}", user="inspector1")[0] == 200
    text = log.read_text(errors="replace")
    assert "WORKER TIMEOUT" not in text and "Worker was sent SIGKILL" not in text, text[-3000:]
    assert "gthread" in text  # the worker model of gunicorn.conf.py
