"""Sync of one inspection with a full checklist (58 results) and 10 photos to a real gunicorn on
loopback: total time and bytes, first sync and an idempotent repeat, SpatiaLite and PostGIS.

    .venv/bin/python bench/sync_inspection.py [--runs 5] [--db spatialite,postgis]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from tests.inspections.conftest import failing, passing  # noqa: E402
from tests.photos.images import phone_jpeg  # noqa: E402

LOGIN = json.dumps({"username": "inspector1", "password": "demo12345"}).encode()


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.sent = self.received = 0
        self.token = ""

    def request(
        self, method: str, path: str, body: bytes | None = None, kind: str = "application/json"
    ):
        headers = {"Content-Type": kind}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        self.sent += (
            len(body or b"") + len(path) + sum(len(k) + len(v) + 4 for k, v in headers.items())
        )
        self.received += len(data) + sum(len(k) + len(v) + 4 for k, v in response.getheaders())
        return response.status, data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    for command in (
        ["db", "upgrade"],
        ["checklists", "import", "checklists/wuhao-standard.yaml"],
        ["demo", "seed"],
    ):
        subprocess.run(
            [BIN / "flask", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    port = _free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    return server, port


def _photos() -> list[bytes]:
    # What the PWA uploads: phone pictures already downscaled to ~2000 px on the phone.
    return [phone_jpeg((2000, 1500), seed=100 + i, quality=85) for i in range(10)]


def _body(client: Client) -> tuple[dict, list[str]]:
    _, data = client.request("GET", "/api/checklists/active")
    checklist = json.loads(data)["checklists"][0]
    from backend.checklists.definition import parse_definition

    definition = parse_definition(checklist["definition"])
    _, data = client.request("GET", "/api/estates?with_geometry=false&page_size=1")
    estate = json.loads(data)[0]
    lng, lat = estate["centroid"]
    started = datetime.now(UTC) - timedelta(minutes=50)
    results, hashes = [], []
    photos = iter(_photos())
    for index, item in enumerate(definition.items):
        row = {"item_code": item.code, "answer": passing(item)}
        if index % 6 == 0 and len(hashes) < 10:
            photo = next(photos)
            hashes.append(hashlib.sha256(photo).hexdigest())
            row.update(
                answer=failing(item),
                note="现场发现问题,已拍照",
                photos=[hashes[-1]],
                position={"lat": lat, "lng": lng, "accuracy_m": 6.0},
            )
            _photo_cache[hashes[-1]] = photo
        results.append(row)
    body = {
        "estate_id": estate["id"],
        "checklist_version_id": checklist["id"],
        "status": "submitted",
        "started_at": started.isoformat(),
        "finished_at": (started + timedelta(minutes=45)).isoformat(),
        "position": {"lat": lat, "lng": lng, "accuracy_m": 8.0},
        "results": results,
    }
    return body, hashes


_photo_cache: dict[str, bytes] = {}


def sync_once(port: int, body: dict, hashes: list[str]) -> dict[str, float]:
    client = Client(port)
    status, data = client.request("POST", "/api/auth/login", LOGIN)
    client.token = json.loads(data)["token"]
    client.sent = client.received = 0
    uid = str(uuid.uuid4())
    encoded = json.dumps(body, ensure_ascii=False).encode()
    start = time.perf_counter()
    status, data = client.request("PUT", f"/api/inspections/{uid}", encoded)
    assert status == 201, data
    for sha in json.loads(data)["missing_photos"]:
        status, _ = client.request("PUT", f"/api/photos/{sha}", _photo_cache[sha], "image/jpeg")
        assert status in (200, 201)
    first = time.perf_counter() - start
    first_bytes = (client.sent, client.received)
    start = time.perf_counter()
    status, _ = client.request("PUT", f"/api/inspections/{uid}", encoded)
    assert status == 200
    repeat = time.perf_counter() - start
    return {
        "first_s": first,
        "repeat_s": repeat,
        "sent": first_bytes[0],
        "received": first_bytes[1],
    }


def bench(leg: str, runs: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"wuhao-bench-{leg}-"))
    env = {
        **os.environ,
        "WUHAO_INSTANCE_DIR": str(workdir),
        "FLASK_APP": "backend",
        "SPATIALITE_LIBRARY_PATH": "mod_spatialite",
    }
    cluster = None
    if leg == "postgis":
        from tests.pg_cluster import start_cluster

        cluster = start_cluster(port=55433)
        env["DATABASE_URL"] = cluster.create_database("bench")
    server, port = _serve(env)
    try:
        probe = Client(port)
        _, data = probe.request("POST", "/api/auth/login", LOGIN)
        probe.token = json.loads(data)["token"]
        body, hashes = _body(probe)
        figures = []
        for run in range(runs):
            if run:  # fresh photos each run, or the server would already have them
                body, hashes = _body(probe)
                for row, new in zip(
                    [r for r in body["results"] if r.get("photos")], hashes, strict=True
                ):
                    row["photos"] = [new]
            figures.append(sync_once(port, body, hashes))
        first = [f["first_s"] for f in figures]
        repeat = [f["repeat_s"] for f in figures]
        print(f"{leg:10} results={len(body['results'])} photos={len(hashes)} runs={runs}")
        median, best = statistics.median(first) * 1000, min(first) * 1000
        again = statistics.median(repeat) * 1000
        up, down = figures[0]["sent"] / 1024, figures[0]["received"] / 1024
        print(
            f"  first sync (inspection + 10 photos): median {median:7.0f} ms   min {best:7.0f} ms"
        )
        print(f"  identical repeat of the inspection:  median {again:7.0f} ms")
        print(f"  bytes up {up:8.0f} KiB   down {down:6.0f} KiB")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if cluster is not None:
            cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", default="spatialite,postgis")
    args = parser.parse_args()
    for leg in args.db.split(","):
        bench(leg.strip(), args.runs)


if __name__ == "__main__":
    main()
