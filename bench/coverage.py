"""Plans and coverage at city scale on PostGIS: 5,000 estates, a weekly plan per estate, a year of
tasks (~260k rows); generation time for the year and for a nightly run, then the coverage report
(/api/reports/coverage through the HTTP stack, real bearer tokens) for one district and one month
(supervisor1) and for the whole city and the year (admin), p50/p95; and 今日任务 (GET /api/tasks)
p50/p95 and its SQL statements for a few inspectors (the demo's two, whose grids hold a sixth of
the city's estates each, and one with the 40 estates of a typical round) and a district
supervisor, on the year's last day.

    .venv/bin/python bench/coverage.py [--quick] [--runs 20]

Uses DATABASE_URL (an empty PostGIS database) if set, else a throwaway cluster
(tests/pg_cluster.py). Estates from bench/seed_city.py (given the demo grid of their street, so
default assignees exist); plans are written directly (one version each: weekly on one weekday,
window 3 working days, grace 2), then `generation.generate` makes the tasks with the clock pinned
at the year's start. Fulfilment is simulated in SQL: 70% on time, 15% late, the rest missed or
still open. The typical inspector (`bench_inspector`) is named by the plans of 40 estates.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed_city  # noqa: E402
from bench.map_query import prepared_app  # noqa: E402

FULL = {"estates": 5000, "runs": 20}
QUICK = {"estates": 100, "runs": 3}
YEAR_START = date(2025, 3, 3)  # a Monday; the year ends 364 days later (a Monday)
PASSWORD = "demo12345"
TYPICAL = 40  # estates on the typical inspector's round
TASK_USERS = ("inspector1", "inspector2", "bench_inspector", "supervisor1")


def _at(day: date, hour: int = 8) -> datetime:
    from backend.checklists.calendar import SHANGHAI

    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _typical_inspector() -> int:
    """An inspector of a demo grid whose estates carry no bench plan (the bench estates go to
    the first grid of their street); the plans of the first TYPICAL estates name them."""
    from backend.accounts.models import Role
    from backend.accounts.services import UserSpec, create_user
    from backend.database import db
    from backend.places.models import Grid

    grid = db.session.scalar(sa.select(Grid.id).where(Grid.code == "G-210202001-02"))
    spec = UserSpec("bench_inspector", PASSWORD, Role.inspector, grid_ids=[grid])
    return create_user(spec).id


def _plans(checklist_id: int) -> int:
    """One plan per bench estate (codes C…), weekly on a weekday picked by its id."""
    from backend.database import db
    from backend.places.models import Estate
    from backend.plans.models import AreaKind, Plan, PlanVersion, ScheduleKind

    typical = _typical_inspector()
    estates = db.session.scalars(
        sa.select(Estate.id).where(Estate.code.like("C%")).order_by(Estate.id)
    ).all()
    for n, estate_id in enumerate(estates):
        plan = Plan(name=f"巡查 {estate_id}", checklist_id=checklist_id)
        db.session.add(plan)
        db.session.add(
            PlanVersion(
                plan=plan,
                effective_from=YEAR_START,
                area_kind=AreaKind.estates,
                estate_ids=[estate_id],
                schedule=ScheduleKind.weekly,
                weekdays=[estate_id % 5],
                window_days=3,
                grace_days=2,
                assignee_ids=[typical] if n < TYPICAL else None,
            )
        )
    db.session.flush()
    return len(estates)


def _fulfil(now: datetime) -> None:
    """Past tasks: 70% done on time, 15% late (inside grace), 15% left alone."""
    from backend.database import db

    db.session.execute(sa.text("SELECT setseed(0.3)"))
    db.session.execute(
        sa.text(
            "UPDATE tasks SET fulfilled_at = CASE WHEN r < 0.70 THEN opens_at + interval '5 hours'"
            " ELSE closes_at + interval '3 hours' END "
            "FROM (SELECT id AS tid, random() AS r FROM tasks WHERE grace_until < :now) x "
            "WHERE tasks.id = x.tid AND x.r < 0.85"
        ),
        {"now": now},
    )


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[
        min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    ]


def _timed(call: Callable[[], Any], runs: int) -> dict[str, float]:
    call()  # warm: the first request compiles and caches statements
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    p50, p95 = _percentiles(samples)
    return {"p50_ms": p50, "p95_ms": p95}


def run(database_url: str, quick: bool = False, runs: int | None = None) -> dict[str, Any]:
    from backend import clock
    from backend.checklists.models import ChecklistVersion, VersionStatus
    from backend.database import db
    from backend.plans.generation import generate
    from backend.plans.models import Task

    sizes = QUICK if quick else FULL
    runs = runs or sizes["runs"]
    app = prepared_app(database_url)
    figures: dict[str, Any] = {"estates": sizes["estates"]}
    with app.app_context():
        began = time.perf_counter()
        seed_city.seed_places(sizes["estates"], 10)
        db.session.execute(
            sa.text(
                "UPDATE estates SET grid_id = (SELECT min(g.id) FROM grids g"
                " WHERE g.street_id = estates.street_id) WHERE code LIKE 'C%'"
            )
        )
        checklist = db.session.scalar(
            sa.select(ChecklistVersion.checklist_id).where(
                ChecklistVersion.status == VersionStatus.active
            )
        )
        figures["plans"] = _plans(checklist)
        db.session.commit()
        figures["seed_s"] = time.perf_counter() - began

        clock.freeze(_at(YEAR_START, 1))
        began = time.perf_counter()
        figures["year_tasks"] = generate(364)
        db.session.commit()
        figures["year_s"] = time.perf_counter() - began
        # A nightly cron near the year's end, with the configured horizon: its tasks exist
        # already but for the one day that came into it (the day after the year).
        figures["horizon"] = horizon = app.config["PLANS_HORIZON_DAYS"]
        clock.freeze(_at(YEAR_START + timedelta(days=365 - horizon), 1))
        began = time.perf_counter()
        figures["nightly_tasks"] = generate(horizon)
        db.session.commit()
        figures["nightly_s"] = time.perf_counter() - began

        end = YEAR_START + timedelta(days=364)
        now = _at(end, 20)
        clock.freeze(now)
        _fulfil(now)
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        figures["tasks"] = db.session.scalar(sa.select(sa.func.count()).select_from(Task))
        db.session.remove()

        client = app.test_client()
        tokens = {}
        for user in ("admin", *TASK_USERS):
            answer = client.post("/api/auth/login", json={"username": user, "password": PASSWORD})
            tokens[user] = {"Authorization": f"Bearer {answer.json['token']}"}
        month = "from=2026-01-01&to=2026-01-31"
        year = f"from={YEAR_START:%Y-%m-%d}&to={end:%Y-%m-%d}"
        cases = {
            "district month by grid": ("supervisor1", f"group=grid&{month}"),
            "district month by inspector": ("supervisor1", f"group=inspector&{month}"),
            "city month by district": ("admin", f"group=district&{month}"),
            "city year by street": ("admin", f"group=street&{year}"),
            "city year by grid": ("admin", f"group=grid&{year}"),
        }
        figures["reports"] = {}
        for name, (user, query) in cases.items():
            url = f"/api/reports/coverage?{query}"

            def call(url: str = url, user: str = user) -> Any:
                response = client.get(url, headers=tokens[user])
                assert response.status_code == 200, response.json
                return response

            rows = call().json
            figures["reports"][name] = {
                **_timed(call, runs),
                "rows": len(rows),
                "due": sum(r["due"] for r in rows),
            }
        figures["tasks_api"] = _tasks_api(client, tokens, runs)
        clock.freeze(None)
        db.session.remove()
        db.engine.dispose()
    return figures


def _tasks_api(client: Any, tokens: dict[str, dict[str, str]], runs: int) -> dict[str, Any]:
    """GET /api/tasks (today: the year's last day) per user: tasks listed, SQL statements of one
    request, p50/p95 over `runs` requests (3× as many: it is the phone's most frequent call)."""
    from bench.map_query import captured

    found = {}
    for user in TASK_USERS:

        def call(user: str = user) -> Any:
            response = client.get("/api/tasks", headers=tokens[user])
            assert response.status_code == 200, response.json
            return response

        with captured() as seen:
            tasks = call().json
        found[user] = {"tasks": len(tasks), "statements": len(seen), **_timed(call, 3 * runs)}
    return found


def report(f: dict[str, Any]) -> str:
    lines = [
        f"{f['estates']:,} estates, {f['plans']:,} plans (seeded in {f['seed_s']:.1f} s), "
        f"{f['tasks']:,} tasks",
        f"  generate the year: {f['year_tasks']:,} tasks in {f['year_s']:.1f} s; "
        f"nightly run ({f['horizon']} days ahead): {f['nightly_tasks']:,} tasks in "
        f"{f['nightly_s']:.2f} s",
    ]
    for name, r in f["reports"].items():
        lines.append(
            f"  {name:28} {r['rows']:4} rows, {r['due']:7,} due: "
            f"p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms"
        )
    for user, r in f.get("tasks_api", {}).items():
        lines.append(
            f"  /api/tasks {user:17} {r['tasks']:4} tasks, {r['statements']:4} statements: "
            f"p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    random.seed(2026)
    url = os.environ.get("DATABASE_URL")
    if url:
        print(report(run(url, args.quick, args.runs)), flush=True)
        return
    from tests.pg_cluster import start_cluster

    cluster = start_cluster(port=55467)
    try:
        url = cluster.create_database("wuhao_bench_coverage")
        print(report(run(url, args.quick, args.runs)), flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
