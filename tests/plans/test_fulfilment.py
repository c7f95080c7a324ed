"""An inspection fulfils a task only when the right person inspected the right estate, on site,
captured inside the window (or its grace), and reached the server in time."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import to_shape

from backend.checklists.calendar import SHANGHAI
from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.checklists.services import definition_of
from backend.places.models import Estate
from tests.inspections.conftest import passing
from tests.plans.conftest import task_rows


@pytest.fixture
def inspect(client, login, dbsession):
    """inspect(user, captured, far=False) submits a passing inspection of E001."""
    version = dbsession.scalar(
        sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
    )
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "E001"))
    point = to_shape(estate.boundary).representative_point()
    results = [{"item_code": i.code, "answer": passing(i)} for i in definition_of(version).items]

    def _inspect(user: str, captured: datetime, far: bool = False) -> str:
        position = {"lat": point.y + (0.05 if far else 0), "lng": point.x, "accuracy_m": 8.0}
        inspection_id = str(uuid.uuid4())
        body = {
            "estate_id": estate.id,
            "checklist_version_id": version.id,
            "status": "submitted",
            "started_at": captured.isoformat(),
            "finished_at": (captured + timedelta(minutes=30)).isoformat(),
            "position": position,
            "results": results,
        }
        response = client.put(f"/api/inspections/{inspection_id}", json=body, headers=login(user))
        assert response.status_code == 201, response.json
        return inspection_id

    return _inspect


def _at(day: int, hour: int = 9, month: int = 1) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=SHANGHAI)


def _plan(client, login, body) -> int:
    response = client.post("/api/plans", json=body, headers=login("admin"))
    assert response.status_code == 201, response.json
    return response.json["id"]


def _states(client, login, user: str, day: str) -> list[tuple[str, str | None]]:
    response = client.get(f"/api/tasks?on={day}", headers=login(user))
    assert response.status_code == 200, response.json
    return [(t["state"], t["inspection_id"]) for t in response.json]


def test_the_assigned_inspector_on_site_in_the_window_fulfils_it(
    client, login, dbsession, plan_body, inspect, frozen_clock
):
    _plan(client, login, plan_body())
    assert _states(client, login, "inspector1", "2025-01-20") == [("due", None)]
    assert _states(client, login, "inspector1", "2025-01-21") == [("upcoming", None)]
    assert _states(client, login, "inspector2", "2025-01-20") == []
    frozen_clock(_at(20, 10))
    done = inspect("inspector1", _at(20, 9))
    assert _states(client, login, "inspector1", "2025-01-20") == [("done", done)]
    # One inspection, one task: the next day's still waits.
    assert _states(client, login, "inspector1", "2025-01-21") == [("upcoming", None)]


def test_someone_neither_assigned_nor_covering_the_grid_fulfils_nothing(
    client, login, plan_body, inspect, frozen_clock
):
    _plan(client, login, plan_body())
    frozen_clock(_at(20, 10))
    inspect("supervisor1", _at(20, 9))  # may inspect E001, but is no inspector of its grid
    assert _states(client, login, "inspector1", "2025-01-20") == [("due", None)]


def test_an_inspection_outside_the_boundary_fulfils_nothing(
    client, login, plan_body, inspect, frozen_clock
):
    _plan(client, login, plan_body())
    frozen_clock(_at(20, 10))
    inspect("inspector1", _at(20, 9), far=True)  # 5.5 km away, flagged outside_estate
    assert _states(client, login, "inspector1", "2025-01-20") == [("due", None)]


def test_a_capture_outside_the_window_fulfils_nothing(
    client, login, dbsession, plan_body, inspect, frozen_clock
):
    plan_id = _plan(client, login, plan_body(every_n=3))  # windows on the 20th, 23rd, 27th
    frozen_clock(_at(21, 10))
    inspect("inspector1", _at(21, 9))
    assert {t.inspection_id for t in task_rows(dbsession, plan_id)} == {None}
    frozen_clock(_at(22, 10))
    assert _states(client, login, "inspector1", "2025-01-20") == [("missed", None)]


def test_late_within_the_grace_counts_as_done_late(client, login, plan_body, inspect, frozen_clock):
    _plan(client, login, plan_body(every_n=3, grace_days=1))
    frozen_clock(_at(21, 10))
    late = inspect("inspector1", _at(21, 9))
    assert _states(client, login, "inspector1", "2025-01-20") == [("done_late", late)]


def test_an_offline_inspection_counts_by_capture_time_within_the_sync_days(
    client, login, plan_body, inspect, frozen_clock
):
    _plan(client, login, plan_body(every_n=3))
    frozen_clock(_at(22, 10))
    assert _states(client, login, "inspector1", "2025-01-20") == [("missed", None)]
    # Captured on the 20th, received six days after the window closed (PLANS_LATE_SYNC_DAYS 7).
    frozen_clock(_at(27, 10))
    synced = inspect("inspector1", _at(20, 9))
    assert _states(client, login, "inspector1", "2025-01-20") == [("done", synced)]


def test_an_offline_inspection_after_the_sync_days_counts_for_nothing(
    client, login, plan_body, inspect, frozen_clock
):
    _plan(client, login, plan_body(every_n=5, window_days=1))
    frozen_clock(_at(29, 10))  # eight days after the window closed on the 21st at midnight
    inspect("inspector1", _at(20, 9))
    assert _states(client, login, "inspector1", "2025-01-20") == [("missed", None)]
