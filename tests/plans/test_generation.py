"""Generation is idempotent, assigns the grid's inspectors, and a change never rewrites history."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from click.testing import CliRunner

from backend.accounts.models import User
from backend.checklists.calendar import SHANGHAI
from backend.plans.generation import generate
from backend.plans.models import PlanVersion, task_assignees
from tests.plans.conftest import local_days, task_rows


def _user_id(dbsession, username: str) -> int:
    return dbsession.scalar(sa.select(User.id).where(User.username == username))


def test_generating_again_makes_nothing_new(client, login, dbsession, plan_body, estate_id):
    body = plan_body(estate_ids=[estate_id("E001"), estate_id("E006")])
    plan_id = client.post("/api/plans", json=body, headers=login("admin")).json["id"]
    made = len(task_rows(dbsession, plan_id))
    assert made == 14  # 7 working days in the first 14 days, two estates
    assert generate(14) == 0
    assert generate(21) == 10  # 5 more working days each
    assert generate(21) == 0
    tasks = task_rows(dbsession, plan_id)
    assert len(tasks) == 24
    assert len({(t.estate_id, t.opens_at) for t in tasks}) == 24
    inspector1 = _user_id(dbsession, "inspector1")
    links = dbsession.execute(sa.select(task_assignees)).all()
    assert sorted(link.task_id for link in links) == sorted(t.id for t in tasks)
    assert {link.user_id for link in links} == {inspector1}  # the grids' inspector, once


def test_the_cli_generates_for_the_horizon(app, client, login, dbsession, plan_body):
    plan_id = client.post("/api/plans", json=plan_body(), headers=login("admin")).json["id"]
    runner = CliRunner()
    from backend.plans.cli import plans_cli

    with app.app_context():
        result = runner.invoke(plans_cli, ["generate", "--horizon-days", "21"])
    assert result.exit_code == 0, result.output
    assert "5 task(s) created" in result.output
    assert len(task_rows(dbsession, plan_id)) == 12
    bad = runner.invoke(plans_cli, ["generate", "--horizon-days", "-1"])
    assert bad.exit_code == 2


def test_explicit_assignees_replace_the_grids_inspectors(client, login, dbsession, plan_body):
    inspector2 = _user_id(dbsession, "inspector2")
    plan_id = client.post(
        "/api/plans", json=plan_body(assignee_ids=[inspector2]), headers=login("admin")
    ).json["id"]
    tasks = task_rows(dbsession, plan_id)
    assert {user.id for t in tasks for user in t.assignees} == {inspector2}
    assert len(client.get("/api/tasks?on=2025-01-20", headers=login("inspector2")).json) == 1
    assert client.get("/api/tasks?on=2025-01-20", headers=login("inspector1")).json == []


def test_a_change_applies_from_its_date_and_keeps_the_past(
    client, login, dbsession, plan_body, frozen_clock
):
    headers = login("admin")
    plan_id = client.post("/api/plans", json=plan_body(), headers=headers).json["id"]
    before = {
        t.id: (t.plan_version_id, t.opens_at, t.closes_at) for t in task_rows(dbsession, plan_id)
    }
    frozen_clock(datetime(2025, 1, 21, 18, tzinfo=SHANGHAI))
    rules = {k: v for k, v in plan_body().items() if k not in ("name", "checklist_id")}
    rules.update(effective_from="2025-01-23", every_n=2, window_days=2, grace_days=1)
    response = client.post(f"/api/plans/{plan_id}/versions", json=rules, headers=headers)
    assert response.status_code == 201, response.json
    first, second = response.json["versions"]
    assert (first["effective_from"], first["effective_to"]) == ("2025-01-20", "2025-01-22")
    assert (second["effective_from"], second["effective_to"]) == ("2025-01-23", None)
    tasks = task_rows(dbsession, plan_id)
    kept = [t for t in tasks if t.opens_at < datetime(2025, 1, 23, tzinfo=SHANGHAI)]
    # The 20th, 21st and 22nd keep their rows and their rules.
    assert {t.id: (t.plan_version_id, t.opens_at, t.closes_at) for t in kept} == {
        k: v for k, v in before.items() if v[1] < datetime(2025, 1, 23, tzinfo=SHANGHAI)
    }
    assert len(kept) == 3
    new = [t for t in tasks if t not in kept]
    assert {t.plan_version_id for t in new} == {second["id"]}
    # Every 2 working days from the 23rd: 23 (23, 24), 26 (26 调休, 27), then 春节 until 4 Feb.
    assert local_days(new) == [date(2025, 1, 23), date(2025, 1, 26)]
    assert new[1].closes_at == datetime(2025, 1, 28, tzinfo=SHANGHAI)
    assert new[1].grace_until == datetime(2025, 2, 6, tzinfo=SHANGHAI)  # 5 Feb, after 春节
    versions = dbsession.scalars(sa.select(PlanVersion).where(PlanVersion.plan_id == plan_id))
    assert len(list(versions)) == 2
