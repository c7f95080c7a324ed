"""GET /api/plans/{id}/tasks: a plan's tasks over a period with their derived states, scoped as
viewing the plan is; bad dates are a 422 naming the field."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from backend.checklists.calendar import SHANGHAI
from tests.plans.test_fulfilment import inspect  # noqa: F401  (the fixture)

PERIOD = "from=2025-01-20&to=2025-01-31"


def _at(day: int, hour: int) -> datetime:
    return datetime(2025, 1, day, hour, tzinfo=SHANGHAI)


def _plan(client, login, body) -> int:
    response = client.post("/api/plans", json=body, headers=login("admin"))
    assert response.status_code == 201, response.json
    return response.json["id"]


def _tasks(client, login, plan_id: int, query: str = PERIOD, user: str = "admin"):
    return client.get(f"/api/plans/{plan_id}/tasks?{query}", headers=login(user))


def test_tasks_show_their_states_assignees_and_inspection(
    client,
    login,
    plan_body,
    inspect,  # noqa: F811  (the fixture imported above)
    frozen_clock,
):
    plan_id = _plan(client, login, plan_body(grace_days=1))
    frozen_clock(_at(20, 10))
    on_time = inspect("inspector1", _at(20, 9))  # the 20th's window
    frozen_clock(_at(22, 10))
    late = inspect("inspector1", _at(22, 9))  # in the 21st's grace: done late
    frozen_clock(_at(24, 10))  # the 22nd's grace ended at midnight: missed

    response = _tasks(client, login, plan_id)
    assert response.status_code == 200, response.json
    rows = response.json
    by_day = {row["first_day"]: row for row in rows}
    states = {day: (row["state"], row["inspection_id"]) for day, row in by_day.items()}
    assert states["2025-01-20"] == ("done", on_time)
    assert states["2025-01-21"] == ("done_late", late)
    assert states["2025-01-22"] == ("missed", None)
    assert states["2025-01-23"] == ("due", None)  # in its grace
    assert states["2025-01-24"] == ("due", None)  # in its window
    assert states["2025-01-27"] == ("upcoming", None)
    # 春节: no task from 28 January; Sunday the 26th is a 调休 working day.
    assert "2025-01-28" not in by_day and "2025-01-26" in by_day
    first = by_day["2025-01-20"]
    assert first["estate_code"] == "E001" and first["estate_name"]
    assert first["last_day"] == "2025-01-20" and first["grace_last_day"] == "2025-01-21"
    assert [a["username"] for a in first["assignees"]] == ["inspector1"]
    assert [row["first_day"] for row in rows] == sorted(row["first_day"] for row in rows)


def test_the_period_limits_the_tasks_and_pages(client, login, plan_body):
    plan_id = _plan(client, login, plan_body())
    week = _tasks(client, login, plan_id, "from=2025-01-21&to=2025-01-22")
    assert [row["first_day"] for row in week.json] == ["2025-01-21", "2025-01-22"]
    paged = _tasks(client, login, plan_id, f"{PERIOD}&page_size=2&page=2")
    assert paged.status_code == 200
    assert json.loads(paged.headers["X-Pagination"])["total"] == 7  # 20–24, 26, 27
    assert [row["first_day"] for row in paged.json] == ["2025-01-22", "2025-01-23"]
    default = _tasks(client, login, plan_id, "")  # this month (January 2025)
    assert {row["first_day"] for row in default.json} == {row["first_day"] for row in _tasks(
        client, login, plan_id, "from=2025-01-01&to=2025-01-31").json}  # fmt: skip
    assert len(default.json) == 7  # 20–24, 26, 27


def test_scope_is_that_of_the_plan(client, login, plan_body, estate_id):
    mine = _plan(client, login, plan_body())  # E001, 中山区
    theirs = _plan(client, login, plan_body(estate_ids=[estate_id("E009")]))  # 西岗区
    assert _tasks(client, login, mine, user="supervisor1").status_code == 200
    refused = _tasks(client, login, theirs, user="supervisor1")
    assert refused.status_code == 404 and refused.json["code"]
    assert _tasks(client, login, mine, user="street1").status_code == 403
    assert _tasks(client, login, mine, user="inspector1").status_code == 403
    assert _tasks(client, login, 999_999).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2025-02-30", "from"),
        ("to=tomorrow", "to"),
        ("from=2025-01-31&to=2025-01-01", "to"),
        ("from=2025-01-01&to=2026-06-30", "to"),
        ("page=0", "page"),
    ],
)
def test_bad_dates_are_refused_naming_the_field(client, login, plan_body, query, field):
    plan_id = _plan(client, login, plan_body())
    response = _tasks(client, login, plan_id, query)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_ending_a_plan_removes_only_the_tasks_after_its_last_day(client, login, plan_body):
    plan_id = _plan(client, login, plan_body())
    days = lambda: [r["first_day"] for r in _tasks(client, login, plan_id).json]  # noqa: E731
    assert days()[-2:] == ["2025-01-26", "2025-01-27"]
    ended = client.post(
        f"/api/plans/{plan_id}/end", json={"last_day": "2025-01-22"}, headers=login("admin")
    )
    assert ended.status_code == 200, ended.json
    assert ended.json["versions"][-1]["effective_to"] == "2025-01-22"
    assert days() == ["2025-01-20", "2025-01-21", "2025-01-22"]
    # Before today (the past keeps its tasks) is refused naming the field; nothing changes.
    early = client.post(
        f"/api/plans/{plan_id}/end", json={"last_day": "2025-01-19"}, headers=login("admin")
    )
    assert early.status_code == 422 and "last_day" in early.json["errors"], early.json
    assert days() == ["2025-01-20", "2025-01-21", "2025-01-22"]
    # A later day extends it again.
    later = client.post(
        f"/api/plans/{plan_id}/end", json={"last_day": "2025-01-24"}, headers=login("admin")
    )
    assert later.status_code == 200
    assert days() == ["2025-01-20", "2025-01-21", "2025-01-22", "2025-01-23", "2025-01-24"]
    theirs = client.post(
        f"/api/plans/{plan_id}/end", json={"last_day": "2025-01-24"}, headers=login("street1")
    )
    assert theirs.status_code == 403
