"""GET /api/tasks (今日任务) takes the same number of SQL statements for one task or many: the
assignees are read with the tasks, not per task (an inspector with a city's worth of estates
must not wait for one query per row)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from backend.accounts.models import User
from backend.accounts.services import scope_of
from backend.checklists.calendar import SHANGHAI
from backend.database import db
from backend.plans import generation
from backend.plans.schemas import TaskSchema
from tests.tickets.conftest import inspect, upload  # noqa: F401

MANY = ("E002", "E003", "E004", "E005", "E006", "E007", "E008")  # inspector1's other estates


def _listed(client, headers: dict[str, str]) -> tuple[int, list[dict[str, Any]]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/api/tasks?on=2025-01-20", headers=headers)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.json
    return len(seen), response.json


def test_the_query_count_does_not_grow_with_the_tasks(
    client, login, dbsession, plan_body, estate_id
):
    admin = login("admin")
    users = dict(dbsession.execute(sa.select(User.username, User.id)).all())
    made = client.post("/api/plans", json=plan_body(), headers=admin)  # E001: its grid's inspector
    assert made.status_code == 201, made.json
    callers = {name: login(name) for name in ("inspector1", "inspector2", "supervisor1")}
    few = {name: _listed(client, headers) for name, headers in callers.items()}
    assert [len(tasks) for _, tasks in few.values()] == [1, 0, 1]

    # Seven more estates, each task shared by both inspectors (listed in id order).
    shared = plan_body(
        estate_ids=[estate_id(code) for code in MANY],
        assignee_ids=[users["inspector2"], users["inspector1"]],
    )
    made = client.post("/api/plans", json=shared, headers=admin)
    assert made.status_code == 201, made.json
    many = {name: _listed(client, headers) for name, headers in callers.items()}
    assert [len(tasks) for _, tasks in many.values()] == [8, 7, 8]
    for name in callers:
        assert many[name][0] == few[name][0], (name, few[name][0], many[name][0])

    tasks = many["inspector1"][1]
    both = sorted([users["inspector1"], users["inspector2"]])
    assert [t["assignee_ids"] for t in tasks].count(both) == 7
    assert [t["assignee_ids"] for t in tasks].count([users["inspector1"]]) == 1
    assert {t["state"] for t in tasks} == {"due"}
    assert set(tasks[0]) == {
        "id", "plan_id", "estate_id", "checklist_id", "opens_at", "closes_at", "grace_until",
        "state", "inspection_id", "fulfilled_at", "assignee_ids",
    }  # fmt: skip


def test_the_answer_is_what_the_task_schema_dumps(
    client,
    login,
    dbsession,
    plan_body,
    estate_id,
    inspect,  # noqa: F811
    frozen_clock,
):
    """The tasks are encoded by hand (tasks_json): the same JSON, key order included, as
    TaskSchema gives, for done tasks (inspection id, fulfilment time) and open ones."""
    users = dict(dbsession.execute(sa.select(User.username, User.id)).all())
    body = plan_body(
        estate_ids=[estate_id(code) for code in ("E001", *MANY)],
        assignee_ids=[users["inspector2"], users["inspector1"]],
    )
    assert client.post("/api/plans", json=body, headers=login("admin")).status_code == 201
    frozen_clock(datetime(2025, 1, 20, 10, tzinfo=SHANGHAI))
    done = inspect("E001", started=datetime(2025, 1, 20, 9, tzinfo=SHANGHAI))
    for name in ("inspector1", "supervisor1"):
        response = client.get("/api/tasks?on=2025-01-20", headers=login(name))
        assert response.status_code == 200, response.json
        user = dbsession.get(User, users[name])
        rows = generation.tasks_on(date(2025, 1, 20), user, scope_of(user))
        expected = TaskSchema(many=True).dump(rows)
        assert [list(t.items()) for t in response.json] == [list(t.items()) for t in expected]
        states = {t["state"]: t for t in response.json}
        assert states["done"]["inspection_id"] == done["id"]
        assert states["done"]["fulfilled_at"] is not None and states["due"]["fulfilled_at"] is None
