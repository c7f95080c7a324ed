"""Tickets for the browser tests, made the way users make them: an inspector submits a failing
inspection (with a photo) through the API, for an estate the firm manages."""

from __future__ import annotations

import hashlib
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.browser.support import LiveServer


def put_photo(server: LiveServer, user: str, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    request = urllib.request.Request(f"{server.base}/api/photos/{digest}", data=data, method="PUT")
    request.add_header("Content-Type", "image/jpeg")
    request.add_header("Authorization", f"Bearer {server.token(user)}")
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status in (200, 201)
    return digest


def api_answer(item: dict, fail: bool) -> Any:
    spec = item["answer"]
    if spec["type"] == "pass_fail":
        return "fail" if fail else "pass"
    if spec["type"] == "choice":
        return next(o["value"] for o in spec["options"] if o["passes"] != fail)
    if fail:
        value = spec["pass_max"] + 1 if spec.get("pass_max") is not None else spec["pass_min"] - 1
    else:
        value = spec["pass_min"] if spec.get("pass_min") is not None else (spec.get("min") or 0)
    return int(value) if spec.get("integer") else value


def shared_estate(server: LiveServer, inspector: str, firm: str) -> dict:
    """An estate in the inspector's grids that the firm manages today."""
    mine = {e["id"] for e in server.get("/api/estates?page_size=500", firm)}
    return next(e for e in server.get("/api/estates?page_size=500", inspector) if e["id"] in mine)


def failing_inspection(
    server: LiveServer,
    estate: dict,
    failures: int = 1,
    inspector: str = "inspector1",
    seed: int = 0,
    at: tuple[float, float] | None = None,
) -> list[dict]:
    """Submit an inspection of `estate` failing `failures` photo items, each found at `at`
    ([lng, lat]; the estate's centroid by default); returns their tickets."""
    from tests.photos.images import phone_jpeg

    checklist = server.get("/api/checklists/active", inspector)["checklists"][0]
    items = checklist["definition"]["items"]
    # Items with an open ticket at this estate would only count a recurrence: pick others.
    states = "&".join(
        f"state={s}" for s in ("dispatched", "accepted", "rectified", "rework", "disputed")
    )
    busy = {
        t["item_code"]
        for t in server.get(
            f"/api/tickets?page_size=200&estate_id={estate['id']}&{states}", "admin"
        )
    }
    failing = [
        i
        for i in items
        if i["answer"]["type"] == "pass_fail" and i["on_fail"]["photo"] and i["code"] not in busy
    ][:failures]
    lng, lat = at or estate["centroid"]
    where = {"lat": lat, "lng": lng, "accuracy_m": 6.0}
    results = []
    for item in items:
        row: dict[str, Any] = {"item_code": item["code"], "answer": api_answer(item, False)}
        if item in failing:
            photo = phone_jpeg((1200, 900), seed=seed + len(results) + 50)
            row.update(
                answer=api_answer(item, True),
                note=f"{item['title']['zh']}:现场发现问题",
                position=where,
                photos=[put_photo(server, inspector, photo)],
            )
        results.append(row)
    started = datetime.now(UTC) - timedelta(minutes=40)
    inspection_id = str(uuid.uuid4())
    body = {
        "estate_id": estate["id"],
        "checklist_version_id": checklist["id"],
        "status": "submitted",
        "started_at": started.isoformat(),
        "finished_at": (started + timedelta(minutes=30)).isoformat(),
        "position": where,
        "results": results,
    }
    status, _, answer = server.call("PUT", f"/api/inspections/{inspection_id}", body, inspector)
    assert status == 201, answer
    tickets = server.get("/api/tickets?page_size=200&sort=-dispatched", "admin")
    made = [t for t in tickets if t["inspection_id"] == inspection_id]
    assert len(made) == failures, made
    return sorted(made, key=lambda t: [i["code"] for i in failing].index(t["item_code"]))


def act(server: LiveServer, ticket_id: int, action: str, user: str, **body: Any) -> dict:
    """A transition through the API, with the version `user` just read."""
    status, headers, _ = server.call("GET", f"/api/tickets/{ticket_id}", user=user)
    assert status == 200
    status, _, answer = server.call(
        "POST",
        f"/api/tickets/{ticket_id}/transitions",
        {"action": action, **body},
        user=user,
        headers={"If-Match": headers["ETag"]},
    )
    assert status == 200, answer
    return answer
