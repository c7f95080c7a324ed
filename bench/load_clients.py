"""Client processes for bench/load_faults.py: phones syncing inspections, firms moving tickets,
supervisors looking at the map. Each runs bounded loops until its deadline and reports every
request (kind, status, latency, Retry-After) and every write the server acknowledged (2xx).

Clients behave as the phone does: on 503 or a dropped connection they wait (Retry-After, capped
so the run stays short) and send the same request again under the same id.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image

PASSWORD = "demo12345"
# The demo city (Dalian, 中山区 and around): wide enough to hold every estate.
BBOX = "121.3,38.7,122.0,39.2"
RETRY_CAP_S = 1.0  # the phone honours Retry-After; the bench caps it to keep the run short
SETUP_S = 120.0  # signing in and fetching the checklist happen before the clock starts
GRACE_S = 15.0  # an operation begun before the deadline may finish its retries this long after


SETUP_CLOCK = float("inf")  # requests before the start get -inf times: not part of the load
Start = Callable[["Http"], float]  # wait for every client to be ready; returns the deadline


@dataclass
class Outcome:
    """What one client saw. `requests`: (kind, status, seconds, has Retry-After, started at)."""

    role: str
    requests: list[tuple[str, int, float, bool, float]] = field(default_factory=list)
    inspections: dict[str, list[str]] = field(default_factory=dict)  # uuid → failed item codes
    photos: list[str] = field(default_factory=list)
    transitions: list[tuple[int, str]] = field(default_factory=list)
    resends: int = 0
    resend_failures: list[str] = field(default_factory=list)
    retries: int = 0
    unexpected: list[str] = field(default_factory=list)


class Http:
    def __init__(self, port: int, outcome: Outcome, t0: float) -> None:
        self.port, self.outcome, self.t0 = port, outcome, t0
        self.connection: http.client.HTTPConnection | None = None
        self.token = ""

    def call(
        self, kind: str, method: str, path: str, body: Any = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], Any]:
        """One request; status 0 when the connection broke (a killed worker, a reset)."""
        sent = dict(headers or {})
        if isinstance(body, bytes):
            sent.setdefault("Content-Type", "image/jpeg")
        elif body is not None:
            body = json.dumps(body, ensure_ascii=False).encode()
            sent["Content-Type"] = "application/json"
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        started = time.monotonic()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            raw = response.read()
            status, got = response.status, {k.lower(): v for k, v in response.getheaders()}
            if response.will_close:
                self._drop()
        except (OSError, http.client.HTTPException):
            self._drop()
            status, got, raw = 0, {}, b""
        elapsed = time.monotonic() - started
        self.outcome.requests.append(
            (kind, status, elapsed, "retry-after" in got, started - self.t0)
        )
        data: Any = raw
        if got.get("content-type", "").startswith("application/json") and raw:
            data = json.loads(raw)
        return status, got, data

    def _drop(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def retrying(
        self,
        deadline: float,
        kind: str,
        method: str,
        path: str,
        body: Any = None,
        headers: dict | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        """Send until the server answers something other than 503 / a broken connection."""
        while True:
            status, got, data = self.call(kind, method, path, body, headers)
            if status not in (0, 503) or time.monotonic() > deadline + GRACE_S:
                return status, got, data
            self.outcome.retries += 1
            wait = float(got.get("retry-after", "0.2") or 0.2)
            time.sleep(min(wait, RETRY_CAP_S) * random.uniform(0.5, 1.0))

    def login(self, username: str, deadline: float) -> None:
        status, _, data = self.retrying(
            deadline,
            "login",
            "POST",
            "/api/auth/login",
            {"username": username, "password": PASSWORD},
        )
        if status != 200:
            raise RuntimeError(f"{username} could not log in: {status} {data!r}")
        self.token = data["token"]


def fresh_jpeg(rng: random.Random) -> bytes:
    """A small picture no one has uploaded before (random pixels → a new SHA-256)."""
    image = Image.frombytes("RGB", (48, 36), rng.randbytes(48 * 36 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _ok(status: int) -> bool:
    return 200 <= status < 300


def _upload(http: Http, deadline: float, data: bytes) -> bool:
    sha = hashlib.sha256(data).hexdigest()
    status, _, body = http.retrying(deadline, "photo_put", "PUT", f"/api/photos/{sha}", data)
    if _ok(status):
        http.outcome.photos.append(sha)
        return True
    http.outcome.unexpected.append(f"photo {status} {body!r}"[:300])
    return False


def inspector(username: str, port: int, start: Start, seed: int) -> Outcome:
    from backend.checklists.definition import parse_definition
    from tests.inspections.conftest import failing, passing

    rng = random.Random(seed)
    outcome = Outcome(f"inspector:{username}")
    http = Http(port, outcome, SETUP_CLOCK)
    http.login(username, time.monotonic() + SETUP_S)
    setup = time.monotonic() + SETUP_S
    _, _, active = http.retrying(setup, "checklist", "GET", "/api/checklists/active")
    checklist = active["checklists"][0]
    items = parse_definition(checklist["definition"]).items
    _, _, estates = http.retrying(setup, "estates", "GET", "/api/estates?page_size=100")
    deadline = start(http)
    while time.monotonic() < deadline:
        estate = rng.choice(estates)
        lng, lat = estate["centroid"]
        where = {"lat": lat, "lng": lng, "accuracy_m": 8.0}
        failed = set(rng.sample([i.code for i in items], 2))
        photos: dict[str, bytes] = {}
        results = []
        for item in items:
            row: dict[str, Any] = {"item_code": item.code, "answer": passing(item)}
            if item.code in failed:
                data = fresh_jpeg(rng)
                sha = hashlib.sha256(data).hexdigest()
                photos[sha] = data
                row.update(
                    answer=failing(item), note="负载测试发现问题", position=where, photos=[sha]
                )
            results.append(row)
        started = datetime.now(UTC) - timedelta(minutes=30)
        body = {
            "estate_id": estate["id"],
            "checklist_version_id": checklist["id"],
            "status": "submitted",
            "started_at": started.isoformat(),
            "finished_at": (started + timedelta(minutes=25)).isoformat(),
            "position": where,
            "results": results,
        }
        uid = str(uuid.uuid4())
        path = f"/api/inspections/{uid}"
        status, _, data = http.retrying(deadline, "inspection_put", "PUT", path, body)
        if not _ok(status):
            outcome.unexpected.append(f"inspection {status} {data!r}"[:300])
            continue
        outcome.inspections[uid] = sorted(failed)
        # A phone that lost the answer sends the same inspection again, sometimes five times
        # (always the first one, so every run has some).
        if len(outcome.inspections) == 1 or rng.random() < 0.25:
            for _ in range(4):
                outcome.resends += 1
                again, _, _ = http.retrying(deadline, "inspection_resend", "PUT", path, body)
                if again != 200:
                    outcome.resend_failures.append(f"{uid}: {again}")
        for sha in data.get("missing_photos", []):
            _upload(http, deadline, photos[sha])
    return outcome


def firm(username: str, port: int, start: Start, seed: int) -> Outcome:
    """Accept dispatched tickets and rectify accepted ones (with a fresh after-photo)."""
    rng = random.Random(seed)
    outcome = Outcome(f"firm:{username}")
    http = Http(port, outcome, SETUP_CLOCK)
    http.login(username, time.monotonic() + SETUP_S)
    deadline = start(http)
    while time.monotonic() < deadline:
        status, _, inbox = http.call(
            "ticket_list", "GET", "/api/tickets?state=dispatched&state=accepted&page_size=20"
        )
        if status != 200 or not inbox:
            outcome.retries += status in (0, 503)
            time.sleep(0.2)
            continue
        summary = rng.choice(inbox)
        status, got, ticket = http.call("ticket_get", "GET", f"/api/tickets/{summary['id']}")
        if status != 200:
            outcome.retries += status in (0, 503)
            continue
        body: dict[str, Any] = {"action": "accept"}
        if ticket["state"] == "accepted":
            data = fresh_jpeg(rng)
            if not _upload(http, deadline, data):
                continue
            body = {"action": "rectify", "photos": [hashlib.sha256(data).hexdigest()]}
        elif ticket["state"] != "dispatched":
            continue
        status, _, answer = http.retrying(
            deadline,
            "transition",
            "POST",
            f"/api/tickets/{ticket['id']}/transitions",
            body,
            {"If-Match": got["etag"]},
        )
        if _ok(status):
            outcome.transitions.append((ticket["id"], body["action"]))
        elif status not in (409, 412):  # a retry after a commit whose answer was lost: stale
            outcome.unexpected.append(f"transition {status} {answer!r}"[:300])
    return outcome


def supervisor(username: str, port: int, start: Start, seed: int) -> Outcome:
    rng = random.Random(seed)
    outcome = Outcome(f"map:{username}")
    http = Http(port, outcome, SETUP_CLOCK)
    http.login(username, time.monotonic() + SETUP_S)
    deadline = start(http)
    while time.monotonic() < deadline:
        zoom = rng.choice((11, 13, 16))
        status, _, data = http.call(
            "map_tickets", "GET", f"/api/map/tickets?bbox={BBOX}&zoom={zoom}"
        )
        if status not in (0, 200, 503):
            outcome.unexpected.append(f"map {status} {data!r}"[:300])
        if status in (0, 503):
            outcome.retries += 1
            time.sleep(0.2)
    return outcome


ROLES = {"inspector": inspector, "firm": firm, "supervisor": supervisor}
# Client i plays CAST[i % len(CAST)]: phones, firms and a supervisor at once.
CAST = [
    ("inspector", "inspector1"),
    ("firm", "firm1"),
    ("supervisor", "supervisor1"),
    ("inspector", "inspector2"),
    ("firm", "firm2"),
    ("inspector", "inspector1"),
]


def run_client(index: int, port: int, duration: float, barrier: Any, queue: Any) -> None:
    """Process entry point. Every client signs in first; the clock starts when all are ready
    (time.monotonic() is system-wide on Linux, so all processes share the start)."""
    role, username = CAST[index % len(CAST)]

    def start(http: Http) -> float:
        barrier.wait(timeout=SETUP_S)
        http.t0 = time.monotonic()
        return http.t0 + duration

    try:
        outcome = ROLES[role](username, port, start, seed=index * 7919 + os.getpid())
    except Exception as error:  # reported, never hidden: the parent fails the run
        outcome = Outcome(f"{role}:{username}", unexpected=[f"client crashed: {error!r}"])
        barrier.abort()
    queue.put(outcome)
