"""Coverage: how many of the tasks due in a period were done, late, missed or still open, per
grid, street, district or inspector; and each estate's inspection state for the map.

Counted by the database in one grouped query over the tasks (no task objects are loaded), with
the task state of `Task.state_at` (one definition). A task is *due in the period* when its
window ends in it (its last day lies in the period); its state is the one it has now, so a task
of last month done late this week counts as done late.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from backend.accounts.models import Role, User
from backend.clock import SHANGHAI, today, utcnow
from backend.database import db
from backend.errors import Forbidden
from backend.inspections.models import Inspection, InspectionStatus
from backend.places import services as places
from backend.places.models import District, Estate, Grid, Street
from backend.places.scope import Scope
from backend.plans.models import Task, TaskState, task_assignees
from backend.reports.periods import Period
from backend.scorecards.formulas import ratio

GROUPS = ("grid", "street", "district", "inspector")
COUNTS = ("due", "done", "done_late", "missed", "open")


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _key(group: str) -> sa.ColumnElement[Any]:
    return {
        "grid": Estate.grid_id,
        "street": Estate.street_id,
        "district": Street.district_id,
        "inspector": task_assignees.c.user_id,
    }[group]


def check_access(user: User, group: str) -> int | None:
    """Who may ask: supervisors and admins (their scope); an inspector only per inspector, and
    then sees their own row (the id returned); firms never."""
    if user.role in (Role.supervisor, Role.admin):
        return None
    if user.role == Role.inspector and group == "inspector":
        return user.id
    raise Forbidden(
        "无权查看巡查覆盖率 (coverage is for supervisors; inspectors see only their own row)",
        {"group": ["inspectors may ask only group=inspector"]},
    )


def coverage_counts(
    group: str, period: Period, scope: Scope, only_user: int | None = None
) -> dict[Any, dict[str, int]]:
    """Group key → counts of the tasks due in the period, at the estates the scope sees."""
    key = _key(group)
    state = Task.state_at(utcnow())
    query = (
        sa.select(
            key.label("key"),
            sa.func.count(),
            _count(state == TaskState.done),
            _count(state == TaskState.done_late),
            _count(state == TaskState.missed),
            _count(state.in_((TaskState.due, TaskState.upcoming))),
        )
        .select_from(Task)
        .join(Estate, Estate.id == Task.estate_id)
        .join(Street, Street.id == Estate.street_id)
        .where(Task.closes_at > period.start, Task.closes_at <= period.end)
        .group_by(key)
    )
    if group == "inspector":
        query = query.join(task_assignees, task_assignees.c.task_id == Task.id)
    if only_user is not None:
        # An inspector's own tasks are theirs wherever a plan sent them, in their grids or not.
        query = query.where(task_assignees.c.user_id == only_user)
    else:
        query = query.where(places.estate_visibility(scope))
    return {row[0]: dict(zip(COUNTS, row[1:], strict=True)) for row in db.session.execute(query)}


def _names(group: str, ids: set[Any]) -> dict[Any, tuple[str, str]]:
    """id → (code, name); an inspector's code is the username."""
    if group == "inspector":
        query = sa.select(User.id, User.username, User.display_name).where(User.id.in_(ids))
    else:
        model = {"grid": Grid, "street": Street, "district": District}[group]
        query = sa.select(model.id, model.code, model.name).where(model.id.in_(ids))
    return {i: (code, name) for i, code, name in db.session.execute(query)}


def coverage_report(
    group: str, period: Period, scope: Scope, only_user: int | None = None
) -> list[dict[str, Any]]:
    """Rows sorted by code: id, code, name, the counts and coverage = (done + done_late) / due
    (None without a task due)."""
    counts = coverage_counts(group, period, scope, only_user)
    names = _names(group, {k for k in counts if k is not None})
    rows = []
    for key, figures in counts.items():
        code, name = names.get(key, ("", "未划网格 (no grid)"))
        done = figures["done"] + figures["done_late"]
        rows.append(
            {
                "id": key,
                "code": code,
                "name": name,
                **figures,
                "coverage": ratio(done, figures["due"]),
            }
        )
    return sorted(rows, key=lambda row: row["code"])


# --- the map ----------------------------------------------------------------------------------

MAP_STATES = ("done", "late", "due", "missed", "never_inspected", "unplanned")
_MAP_STATE = {
    TaskState.done: "done",
    TaskState.done_late: "late",
    TaskState.due: "due",
    TaskState.missed: "missed",
}


def estate_states(estate_ids: list[int], now: datetime | None = None) -> dict[int, dict[str, Any]]:
    """Per estate: `coverage` (the state of its latest task that has opened: done, late, due,
    missed; never_inspected when no inspection of it was ever submitted; unplanned when it has
    no opened task but was inspected), `last_inspected_at` (capture time of its latest submitted
    inspection) and `days_since` (whole Beijing days since then, None if never)."""
    now = now or utcnow()
    if not estate_ids:
        return {}
    newest = sa.func.row_number().over(
        partition_by=Task.estate_id, order_by=(Task.opens_at.desc(), Task.id.desc())
    )
    ranked = (
        sa.select(Task.estate_id, Task.state_at(now).label("state"), newest.label("n"))
        .where(Task.estate_id.in_(estate_ids), Task.opens_at <= now)
        .subquery()
    )
    latest_task = dict(
        db.session.execute(
            sa.select(ranked.c.estate_id, ranked.c.state).where(ranked.c.n == 1)
        ).all()
    )
    last_seen = dict(
        db.session.execute(
            sa.select(Inspection.estate_id, sa.func.max(Inspection.started_at))
            .where(
                Inspection.estate_id.in_(estate_ids),
                Inspection.status == InspectionStatus.submitted,
            )
            .group_by(Inspection.estate_id)
        ).all()
    )
    day = today()
    found: dict[int, dict[str, Any]] = {}
    for estate_id in estate_ids:
        seen = last_seen.get(estate_id)
        if seen is None:
            state = "never_inspected"
        elif estate_id in latest_task:
            state = _MAP_STATE[TaskState(latest_task[estate_id])]
        else:
            state = "unplanned"
        found[estate_id] = {
            "coverage": state,
            "last_inspected_at": seen,
            "days_since": None if seen is None else (day - seen.astimezone(SHANGHAI).date()).days,
        }
    return found
