"""Two `flask plans generate` processes at once make each task, and its assignees, once.

The test holds the tasks table locked while both processes start, so that both reach their
INSERT before either commits; then it lets them go together (real commits, cleaned up after)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from backend.database import db
from tests.concurrency import token

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"


@pytest.fixture
def committed_plan(app):
    """A plan over 中山区 committed for real (tasks for today only: horizon 0); removed after."""
    with app.app_context():
        app.config["PLANS_HORIZON_DAYS"] = 0
        try:
            checklist_id = db.session.scalar(sa.text("SELECT min(id) FROM checklists"))
            body = {
                "name": "并发生成",
                "checklist_id": checklist_id,
                "effective_from": _today(),
                "area_kind": "district",
                "area_id": 1,
                "schedule": "every_n_working_days",
                "every_n": 1,
                "window_days": 1,
            }
            response = app.test_client().post("/api/plans", json=body, headers=token(app, "admin"))
        finally:
            app.config["PLANS_HORIZON_DAYS"] = 14
        assert response.status_code == 201, response.json
        plan_id = response.json["id"]
        db.session.remove()
    yield plan_id
    with app.app_context():
        tasks = f"SELECT id FROM tasks WHERE plan_id = {int(plan_id)}"
        for statement in (
            f"DELETE FROM task_assignees WHERE task_id IN ({tasks})",
            f"DELETE FROM tasks WHERE plan_id = {int(plan_id)}",
            f"DELETE FROM plan_versions WHERE plan_id = {int(plan_id)}",
            f"DELETE FROM plans WHERE id = {int(plan_id)}",
        ):
            db.session.execute(sa.text(statement))
        db.session.commit()
        db.session.remove()


def _today() -> str:
    from backend import clock

    return clock.today().isoformat()


def _start(database_url: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FLASK_APP": "wsgi.py",
        "WUHAO_INSTANCE_DIR": str(tmp_path),
    }
    return subprocess.Popen(
        [FLASK, "plans", "generate", "--horizon-days", "30"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _blocked(connection: sa.Connection, backend: str) -> int:
    if backend == "postgis":
        return connection.scalar(
            sa.text(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'tasks'::regclass"
            )
        )
    return 2  # SQLite cannot tell; the processes wait at BEGIN IMMEDIATE (busy_timeout)


def test_two_generators_at_once_make_each_task_once(
    app, database_url, backend_name, committed_plan, tmp_path
):
    plan = int(committed_plan)
    count = f"SELECT count(*) FROM tasks WHERE plan_id = {plan}"
    with app.app_context():
        already = db.session.scalar(sa.text(count))
        db.session.remove()
        holder = db.engine.connect()
        if backend_name == "postgis":
            holder.execute(sa.text("LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE"))
        else:
            holder.exec_driver_sql("COMMIT")  # leave the engine's BEGIN, take the write lock
            holder.exec_driver_sql("BEGIN IMMEDIATE")
        processes = [_start(database_url, tmp_path) for _ in range(2)]
        deadline = time.monotonic() + 60
        while _blocked(holder, backend_name) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        if backend_name != "postgis":
            time.sleep(3)  # both have started up and are waiting for the lock
        assert _blocked(holder, backend_name) == 2
        if backend_name == "postgis":
            holder.rollback()
        else:
            holder.exec_driver_sql("ROLLBACK")
        holder.close()
        outputs = [p.communicate(timeout=120) for p in processes]
        assert [p.returncode for p in processes] == [0, 0], outputs
        created = sorted(int(out.split()[0]) for out, _ in outputs)
        tasks = db.session.scalar(sa.text(count))
        distinct = db.session.scalar(sa.text(
            "SELECT count(*) FROM (SELECT DISTINCT estate_id, opens_at FROM tasks "
            f"WHERE plan_id = {plan}) AS d"))  # fmt: skip
        links = db.session.execute(sa.text(
            "SELECT task_id, count(*) FROM task_assignees WHERE task_id IN "
            f"(SELECT id FROM tasks WHERE plan_id = {plan}) GROUP BY task_id")).all()  # fmt: skip
        db.session.remove()
    assert tasks > 50 and tasks == distinct
    assert sum(created) == tasks - already  # what one made, the other did not
    assert {count for _, count in links} == {1}  # one inspector per grid here, linked once
