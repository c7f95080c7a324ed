"""One case end to end over HTTP, through the headers nginx sets: an inspector's failing
inspection becomes a ticket, the firm rectifies it with a photo, the inspector verifies it."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.inspections.conftest import jpeg

# What nginx's variables hold for a phone at 203.0.113.7 asking https://wuhao.example.cn/.
NGINX_VARIABLES = {
    "$host": "wuhao.example.cn",
    "$proxy_add_x_forwarded_for": "203.0.113.7",
    "$scheme": "https",
    "$server_port": "443",
    "$request_id": "guide0000000000000000000000000001",
}
PHONE = NGINX_VARIABLES["$proxy_add_x_forwarded_for"]


def nginx_headers(nginx_conf: str) -> dict[str, str]:
    """The headers the sample's `location /` sets on the way to gunicorn."""
    location = nginx_conf.split("location / {", 1)[1].split("}", 1)[0]
    headers = {}
    for name, variable in re.findall(r"proxy_set_header\s+(\S+)\s+(\S+);", location):
        headers[name] = NGINX_VARIABLES[variable]
    return headers


@dataclass
class Site:
    """Both instances behind the sample's upstream: requests take turns, as nginx's do."""

    bases: list[str]
    forwarded: dict[str, str]
    password: str
    tokens: dict[str, str] = field(default_factory=dict)
    turn: int = 0

    def call(
        self, method: str, path: str, body: Any = None, user: str | None = None,
        headers: dict[str, str] | None = None, raw: bytes | None = None,
    ) -> tuple[int, dict[str, str], Any]:  # fmt: skip
        self.turn += 1
        base = self.bases[self.turn % len(self.bases)]
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(f"{base}{path}", data=data, method=method)
        request.add_header("Content-Type", "image/jpeg" if raw is not None else "application/json")
        for name, value in {**self.forwarded, **(headers or {})}.items():
            request.add_header(name, value)
        if user:
            request.add_header("Authorization", f"Bearer {self.token(user)}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, answer, got = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, answer, got = error.code, dict(error.headers), error.read()
        return status, answer, json.loads(got) if got else None

    def token(self, user: str) -> str:
        if user not in self.tokens:
            status, _, body = self.call(
                "POST", "/api/auth/login", {"username": user, "password": self.password}
            )
            assert status == 200, (user, body)
            self.tokens[user] = body["token"]
        return self.tokens[user]

    def get(self, path: str, user: str | None = None) -> Any:
        status, _, body = self.call("GET", path, user=user)
        assert status == 200, (path, status, body)
        return body

    def photo(self, user: str, seed: int) -> str:
        data = jpeg(seed, size=(320, 240))
        digest = hashlib.sha256(data).hexdigest()
        status, _, body = self.call("PUT", f"/api/photos/{digest}", user=user, raw=data)
        assert status in (200, 201), body
        return digest

    def act(self, ticket_id: int, action: str, user: str, **body: Any) -> dict:
        status, headers, _ = self.call("GET", f"/api/tickets/{ticket_id}", user=user)
        assert status == 200
        status, _, answer = self.call(
            "POST", f"/api/tickets/{ticket_id}/transitions", {"action": action, **body},
            user=user, headers={"If-Match": headers["ETag"]},
        )  # fmt: skip
        assert status == 200, (action, answer)
        return answer


def _answer(item: dict, fail: bool) -> Any:
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


def one_case(site: Site, admin: str, inspector: str, firm: str, firm_name: str) -> dict:
    """Contract → failing inspection → ticket at the firm → rectified → verified (closed)."""
    (estate,) = site.get("/api/estates", admin)
    firms = site.get("/api/organisations?kind=property_firm", admin)
    firm_id = next(o["id"] for o in firms if o["name"] == firm_name)
    status, _, contract = site.call(
        "POST", "/api/contracts", user=admin,
        body={"estate_id": estate["id"], "firm_id": firm_id,
              "start_date": (date.today() - timedelta(days=30)).isoformat()},
    )  # fmt: skip
    assert status == 201, contract
    assert [e["id"] for e in site.get("/api/estates", inspector)] == [estate["id"]]

    checklist = site.get("/api/checklists/active", inspector)["checklists"][0]
    items = checklist["definition"]["items"]
    failing = next(i for i in items if i["answer"]["type"] == "pass_fail" and i["on_fail"]["photo"])
    lng, lat = estate["centroid"]
    where = {"lat": lat, "lng": lng, "accuracy_m": 6.0}
    results = []
    for item in items:
        row: dict[str, Any] = {"item_code": item["code"], "answer": _answer(item, False)}
        if item is failing:
            row.update(answer=_answer(item, True), note="垃圾桶满溢", position=where,
                       photos=[site.photo(inspector, 1)])  # fmt: skip
        results.append(row)
    started = datetime.now(UTC) - timedelta(minutes=40)
    body = {
        "estate_id": estate["id"], "checklist_version_id": checklist["id"],
        "status": "submitted", "started_at": started.isoformat(),
        "finished_at": (started + timedelta(minutes=30)).isoformat(),
        "position": where, "results": results,
    }  # fmt: skip
    status, _, answer = site.call("PUT", f"/api/inspections/{uuid.uuid4()}", body, inspector)
    assert status == 201, answer

    (ticket,) = site.get("/api/tickets", firm)
    assert ticket["item_code"] == failing["code"] and ticket["state"] == "dispatched"
    site.act(ticket["id"], "accept", firm)
    site.act(ticket["id"], "rectify", firm, photos=[site.photo(firm, 2)], reason="已清运")
    closed = site.act(ticket["id"], "verify", inspector)
    assert closed["state"] == "closed"
    return closed
