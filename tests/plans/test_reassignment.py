"""Reassigning inspectors moves open tasks to the grid's inspectors now; done and missed tasks
keep who had them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from backend.accounts.models import User
from backend.checklists.calendar import SHANGHAI
from backend.places.models import Estate
from backend.plans.models import Task
from tests.plans.conftest import task_rows


def _assignees(dbsession, plan_id: int) -> dict[str, set[str]]:
    return {
        t.opens_at.astimezone(SHANGHAI).date().isoformat(): {u.username for u in t.assignees}
        for t in task_rows(dbsession, plan_id)
    }


def test_open_tasks_follow_the_grid_and_the_past_stays(
    client, login, dbsession, plan_body, frozen_clock
):
    admin = login("admin")
    plan_id = client.post("/api/plans", json=plan_body(), headers=admin).json["id"]
    users = {u.username: u for u in dbsession.scalars(sa.select(User))}
    grid = dbsession.scalar(sa.select(Estate.grid_id).where(Estate.code == "E001"))
    # The 20th is done by inspector1, the 21st missed; now is the 22nd at noon.
    first = task_rows(dbsession, plan_id)[0]
    dbsession.execute(
        sa.update(Task)
        .where(Task.id == first.id)
        .values(fulfilled_at=datetime(2025, 1, 20, 9, tzinfo=SHANGHAI))
    )
    frozen_clock(datetime(2025, 1, 22, 12, tzinfo=SHANGHAI))
    admin = login("admin")

    inspector2 = users["inspector2"]
    grids = [g.id for g in inspector2.grids] + [grid]
    response = client.patch(f"/api/users/{inspector2.id}", json={"grid_ids": grids}, headers=admin)
    assert response.status_code == 200, response.json
    now = _assignees(dbsession, plan_id)
    assert now["2025-01-20"] == {"inspector1"}  # done
    assert now["2025-01-21"] == {"inspector1"}  # missed
    assert now["2025-01-22"] == {"inspector1", "inspector2"}  # due today
    assert now["2025-01-27"] == {"inspector1", "inspector2"}  # upcoming

    inspector1 = users["inspector1"]
    keep = [g.id for g in inspector1.grids if g.id != grid]
    response = client.patch(f"/api/users/{inspector1.id}", json={"grid_ids": keep}, headers=admin)
    assert response.status_code == 200, response.json
    now = _assignees(dbsession, plan_id)
    assert now["2025-01-20"] == now["2025-01-21"] == {"inspector1"}
    assert now["2025-01-22"] == now["2025-01-27"] == {"inspector2"}
    tasks = client.get("/api/tasks?on=2025-01-22", headers=login("inspector2")).json
    assert [(t["state"], t["assignee_ids"]) for t in tasks] == [("due", [inspector2.id])]


def test_an_estate_moved_to_another_grid_takes_its_open_tasks_along(
    client, login, dbsession, plan_body
):
    from shapely.geometry import box, mapping

    admin = login("admin")
    plan_id = client.post("/api/plans", json=plan_body(), headers=admin).json["id"]
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "E001"))
    old_grid, street_id = estate.grid_id, estate.street_id
    far = mapping(box(121.6380, 38.9300, 121.6395, 38.9310))
    body = {"code": "G-PLAN-01", "name": "计划网格", "street_id": street_id, "geometry": far}
    new_grid = client.post("/api/grids", json=body, headers=admin).json["id"]
    user = {"username": "planman1", "password": "plan-pass-1", "role": "inspector",
            "grid_ids": [new_grid]}  # fmt: skip
    assert client.post("/api/users", json=user, headers=admin).status_code == 201
    # Redraw: the old grid away from E001, the new one over the whole street.
    client.patch(f"/api/grids/{old_grid}", json={"geometry": far}, headers=admin)
    street_box = mapping(box(121.619, 38.905, 121.640, 38.934))
    moved = client.patch(f"/api/grids/{new_grid}", json={"geometry": street_box}, headers=admin)
    assert moved.status_code == 200, moved.json
    assert set(_assignees(dbsession, plan_id)["2025-01-21"]) == {"planman1"}
