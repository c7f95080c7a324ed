"""Tickets are made the way users make them: by submitting inspections through the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import to_shape

from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.checklists.services import definition_of
from backend.places.models import Estate
from tests.inspections.conftest import failing, jpeg, passing, sha

_seeds = count(1000)


@pytest.fixture
def upload(client, login) -> Callable[[str], str]:
    """Upload a fresh distinct photo as `username`; returns its hash."""

    def _upload(username: str = "inspector1") -> str:
        data = jpeg(next(_seeds), size=(96, 72))
        response = client.put(f"/api/photos/{sha(data)}", data=data, headers=login(username))
        assert response.status_code in (200, 201), response.json
        return sha(data)

    return _upload


@pytest.fixture
def inspect(client, login, dbsession, upload) -> Callable[..., dict[str, Any]]:
    """Submit an inspection of `estate_code` failing `failures`; returns the inspection JSON."""
    version = dbsession.scalar(
        sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
    )
    definition = definition_of(version)

    def _inspect(
        estate_code: str,
        failures: tuple[str, ...] = (),
        username: str = "inspector1",
        started: datetime | None = None,
        offset_m: float = 0.0,
    ) -> dict[str, Any]:
        estate = dbsession.scalar(sa.select(Estate).where(Estate.code == estate_code))
        point = to_shape(estate.boundary).representative_point()
        where = {"lat": point.y + offset_m / 110_574, "lng": point.x, "accuracy_m": 5.0}
        started = started or datetime.now(UTC) - timedelta(hours=1)
        results = []
        for item in definition.items:
            row: dict[str, Any] = {"item_code": item.code, "answer": passing(item)}
            if item.code in failures:
                row.update(answer=failing(item), note=f"{item.code} 不合格", position=where,
                           photos=[upload(username)])  # fmt: skip
            results.append(row)
        body = {
            "estate_id": estate.id, "checklist_version_id": version.id, "status": "submitted",
            "started_at": started.isoformat(),
            "finished_at": (started + timedelta(minutes=30)).isoformat(),
            "position": where, "results": results,
        }  # fmt: skip
        path = f"/api/inspections/{uuid.uuid4()}"
        response = client.put(path, json=body, headers=login(username))
        assert response.status_code == 201, response.json
        return {**response.json, "_request": {"path": path, "body": body, "username": username}}

    return _inspect


@pytest.fixture
def tickets_of(client, login) -> Callable[[str], list[dict[str, Any]]]:
    def _tickets(inspection_id: str, username: str = "admin") -> list[dict[str, Any]]:
        response = client.get(
            "/api/tickets?page_size=200&sort=-dispatched", headers=login(username)
        )
        return [t for t in response.json if t["inspection_id"] == inspection_id]

    return _tickets


@pytest.fixture
def act(client, login) -> Callable[..., Any]:
    """POST a transition as `username`, with the version that user just read (If-Match)."""

    def _act(ticket_id: int, action: str, username: str, **body: Any):
        headers = login(username)
        current = client.get(f"/api/tickets/{ticket_id}", headers=headers)
        if current.status_code != 200:
            return current
        headers["If-Match"] = current.headers["ETag"]
        return client.post(f"/api/tickets/{ticket_id}/transitions", json={"action": action, **body},
                           headers=headers)  # fmt: skip

    return _act
