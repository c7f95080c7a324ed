"""Impossible plans, places outside the caller's scope and overlaps: 422 naming the field, and
nothing changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.plans.models import Plan, PlanVersion, Task


def _counts(dbsession) -> tuple[int, ...]:
    return tuple(
        dbsession.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Plan, PlanVersion, Task)
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"every_n": 0}, "every_n"),  # zero frequency
        ({"every_n": 2, "window_days": 3}, "window_days"),  # window longer than the period
        ({"schedule": "weekly", "weekdays": [0, 2], "window_days": 3}, "window_days"),
        ({"schedule": "weekly", "weekdays": []}, "weekdays"),
        ({"schedule": "monthly", "window_days": 20}, "window_days"),
        ({"checklist_id": 999_999}, "checklist_id"),
        ({"effective_from": "2024-12-31"}, "effective_from"),  # before today: history
        ({"effective_from": "2099-01-01"}, "effective_from"),  # beyond any calendar
        ({"effective_to": "2025-01-19"}, "effective_to"),  # before it starts
        ({"effective_from": "2025-02-30"}, "effective_from"),  # no such date
        ({"area_kind": "grid", "area_id": 999_999}, "area_id"),  # unknown area
        ({"area_kind": "street", "area_id": None}, "area_id"),
        ({"estate_ids": [999_999]}, "estate_ids"),
        ({"assignee_ids": [1]}, "assignee_ids"),  # the admin is no inspector
        ({"grace_days": -1}, "grace_days"),
    ],
)
def test_impossible_plans_are_refused(client, login, dbsession, plan_body, overrides, field):
    before = _counts(dbsession)
    response = client.post("/api/plans", json=plan_body(**overrides), headers=login("admin"))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert _counts(dbsession) == before


def test_estates_and_areas_outside_the_district_are_refused(
    client, login, dbsession, plan_body, estate_id
):
    headers = login("supervisor1")  # 中山区; E009 is in 西岗区 (district 2)
    before = _counts(dbsession)
    outside = client.post(
        "/api/plans", json=plan_body(estate_ids=[estate_id("E009")]), headers=headers
    )
    assert outside.status_code == 422 and "estate_ids" in outside.json["errors"]
    district = client.post(
        "/api/plans", json=plan_body(area_kind="district", area_id=2), headers=headers
    )
    assert district.status_code == 422 and "area_id" in district.json["errors"]
    inspector2 = dbsession.scalar(sa.text("SELECT id FROM users WHERE username = 'inspector2'"))
    theirs = client.post("/api/plans", json=plan_body(assignee_ids=[inspector2]), headers=headers)
    assert theirs.status_code == 422 and "assignee_ids" in theirs.json["errors"]  # 西岗区's
    assert _counts(dbsession) == before
    mine = client.post(
        "/api/plans", json=plan_body(area_kind="district", area_id=1), headers=headers
    )
    assert mine.status_code == 201, mine.json
    assert mine.json["district_id"] == 1


def test_a_second_plan_for_the_same_estate_and_checklist_is_refused(
    client, login, dbsession, plan_body, estate_id
):
    headers = login("admin")
    assert client.post("/api/plans", json=plan_body(), headers=headers).status_code == 201
    before = _counts(dbsession)
    # The grid holds E001, which the first plan already covers.
    grid = dbsession.scalar(sa.text("SELECT grid_id FROM estates WHERE code = 'E001'"))
    for body, field in (
        (plan_body(), "estate_ids"),
        (plan_body(area_kind="grid", area_id=grid, estate_ids=None), "area_id"),
    ):
        response = client.post("/api/plans", json=body, headers=headers)
        assert response.status_code == 422, response.json
        assert field in response.json["errors"], response.json
    assert _counts(dbsession) == before
    # A later start does not help while the first is open-ended.
    later = plan_body(
        effective_from="2025-06-02", estate_ids=[estate_id("E001"), estate_id("E002")]
    )
    assert client.post("/api/plans", json=later, headers=headers).status_code == 422
    other = plan_body(estate_ids=[estate_id("E002")])
    assert client.post("/api/plans", json=other, headers=headers).status_code == 201


@pytest.mark.parametrize(
    ("user", "status"), [("street1", 403), ("inspector1", 403), ("firm1", 403)]
)
def test_only_admins_and_district_supervisors_manage_plans(
    client, login, dbsession, plan_body, user, status
):
    before = _counts(dbsession)
    response = client.post("/api/plans", json=plan_body(), headers=login(user))
    assert response.status_code == status, response.json
    assert _counts(dbsession) == before


def test_a_change_may_not_rewrite_the_past(client, login, dbsession, plan_body):
    headers = login("admin")
    plan_id = client.post("/api/plans", json=plan_body(), headers=headers).json["id"]
    before = _counts(dbsession)
    rules = {k: v for k, v in plan_body().items() if k not in ("name", "checklist_id")}
    for day in ("2025-01-19", "2025-01-20"):  # yesterday, today
        response = client.post(
            f"/api/plans/{plan_id}/versions", json={**rules, "effective_from": day}, headers=headers
        )
        assert response.status_code == 422 and "effective_from" in response.json["errors"]
    assert _counts(dbsession) == before
    assert client.post("/api/plans/999999/versions", json=rules, headers=headers).status_code == 404
