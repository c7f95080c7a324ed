"""Tasks: made ahead by `flask plans generate` (and when a plan changes), fulfilled by inspections.

Generation is idempotent and safe to run concurrently: each task is inserted with ON CONFLICT DO
NOTHING on (plan, estate, window start) on both databases, and assignees are added only for the
rows this run inserted, so two generators at once make each task, and its assignees, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from backend import clock
from backend.accounts.models import Role, User, grid_assignments
from backend.checklists.calendar import SHANGHAI
from backend.checklists.models import ChecklistVersion
from backend.database import db
from backend.inspections.models import Inspection
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.places.services import estate_visibility
from backend.plans.models import Plan, PlanVersion, Task, TaskState, task_assignees
from backend.plans.schedule import windows

BATCH = 500
# An inspection whose position is not shown to be in the estate (evidence.assess) fulfils nothing.
OFF_SITE_FLAGS = frozenset({"no_position", "outside_estate"})


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def _estates(version: PlanVersion) -> list[tuple[int, int | None]]:
    from backend.plans.services import area_clause

    query = sa.select(Estate.id, Estate.grid_id).where(
        area_clause(version.area_kind, version.area_id, version.estate_ids)
    )
    return [(row.id, row.grid_id) for row in db.session.execute(query.order_by(Estate.id))]


def _grid_inspectors(grid_ids: Iterable[int | None]) -> dict[int, list[int]]:
    wanted = {g for g in grid_ids if g is not None}
    found: dict[int, list[int]] = {}
    if not wanted:
        return found
    rows = db.session.execute(
        sa.select(grid_assignments.c.grid_id, User.id)
        .join(User, User.id == grid_assignments.c.user_id)
        .where(
            grid_assignments.c.grid_id.in_(wanted),
            User.role == Role.inspector,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )
    for grid_id, user_id in rows:
        found.setdefault(grid_id, []).append(user_id)
    return found


def _insert_new(rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Insert the tasks not there yet; answers (id, estate_id) of those this call inserted."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = Task.__table__
    made: list[tuple[int, int]] = []
    for start in range(0, len(rows), BATCH):
        statement = (
            dialect.insert(table)
            .values(rows[start : start + BATCH])
            .on_conflict_do_nothing(index_elements=["plan_id", "estate_id", "opens_at"])
            .returning(table.c.id, table.c.estate_id)
        )
        made.extend((row.id, row.estate_id) for row in db.session.execute(statement))
    return made


def generate(
    horizon_days: int, plan_ids: list[int] | None = None, first_day: date | None = None
) -> int:
    """Make the tasks whose windows open from today (or `first_day`: the demo's past) to
    `horizon_days` after it; returns how many were new. Estates and default assignees are read
    as they are now."""
    start = first_day or clock.today()
    end = start + timedelta(days=horizon_days)
    query = (
        sa.select(PlanVersion, Plan.checklist_id)
        .join(Plan)
        .where(
            PlanVersion.effective_from <= end,
            sa.or_(PlanVersion.effective_to.is_(None), PlanVersion.effective_to >= start),
        )
        .order_by(PlanVersion.id)
    )
    if plan_ids is not None:
        query = query.where(PlanVersion.plan_id.in_(plan_ids))
    now, created = clock.utcnow(), 0
    for version, checklist_id in db.session.execute(query).all():
        found = windows(version, start, end)
        if not found:
            continue
        estates = _estates(version)
        rows = [
            {
                "plan_id": version.plan_id,
                "plan_version_id": version.id,
                "estate_id": estate_id,
                "checklist_id": checklist_id,
                "opens_at": window.opens_at,
                "closes_at": window.closes_at,
                "grace_until": window.grace_until,
                "created_at": now,
            }
            for window in found
            for estate_id, _ in estates
        ]
        made = _insert_new(rows)
        created += len(made)
        by_grid = _grid_inspectors(grid for _, grid in estates)
        grid_of = dict(estates)
        links = [
            {"task_id": task_id, "user_id": user_id}
            for task_id, estate_id in made
            for user_id in (version.assignee_ids or by_grid.get(grid_of[estate_id] or 0, []))
        ]
        for first in range(0, len(links), BATCH):
            db.session.execute(sa.insert(task_assignees), links[first : first + BATCH])
    db.session.flush()
    return created


def on_grids_reassigned(grid_ids: frozenset[int]) -> None:
    """Open tasks (not done, grace not over) of these grids' estates whose plan names nobody
    take the grids' inspectors as they are now; done and missed tasks keep theirs (history)."""
    if not grid_ids:
        return
    rows = db.session.execute(
        sa.select(Task.id, Estate.grid_id, PlanVersion.assignee_ids)
        .join(Estate, Estate.id == Task.estate_id)
        .join(PlanVersion, PlanVersion.id == Task.plan_version_id)
        .where(
            Estate.grid_id.in_(grid_ids),
            Task.fulfilled_at.is_(None),
            Task.grace_until > clock.utcnow(),
        )
    ).all()
    moving = [(row.id, row.grid_id) for row in rows if row.assignee_ids is None]
    if not moving:
        return
    ids = [task_id for task_id, _ in moving]
    for first in range(0, len(ids), BATCH):
        chunk = ids[first : first + BATCH]
        db.session.execute(sa.delete(task_assignees).where(task_assignees.c.task_id.in_(chunk)))
    by_grid = _grid_inspectors(grid for _, grid in moving)
    links = [
        {"task_id": task_id, "user_id": user_id}
        for task_id, grid_id in moving
        for user_id in by_grid.get(grid_id, [])
    ]
    for first in range(0, len(links), BATCH):
        db.session.execute(sa.insert(task_assignees), links[first : first + BATCH])


# --- fulfilment ----------------------------------------------------------------------------------


def on_inspection_submitted(inspection: Inspection, definition: Any = None) -> None:
    """Mark the earliest open task this inspection fulfils: same estate and checklist, by an
    assigned inspector or one covering the estate's grid, on site, captured in the task's window
    (or its grace), and received within PLANS_LATE_SYNC_DAYS after the grace ended."""
    codes = {flag.get("code") for flag in inspection.evidence or []}
    if codes & OFF_SITE_FLAGS:
        return
    if db.session.scalar(sa.select(Task.id).where(Task.inspection_id == inspection.id)):
        return  # one inspection fulfils one task
    captured = inspection.started_at
    received = inspection.submitted_at or clock.utcnow()
    late_sync = timedelta(days=int(current_app.config["PLANS_LATE_SYNC_DAYS"]))
    checklist_id = sa.select(ChecklistVersion.checklist_id).where(
        ChecklistVersion.id == inspection.checklist_version_id
    )
    assigned = sa.exists().where(
        task_assignees.c.task_id == Task.id, task_assignees.c.user_id == inspection.inspector_id
    )
    # Covering the grid: one of the grids the inspector is assigned to holds the estate.
    covering = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(grid_assignments)
        .join(Estate, Estate.grid_id == grid_assignments.c.grid_id)
        .where(
            Estate.id == inspection.estate_id,
            grid_assignments.c.user_id == inspection.inspector_id,
        )
    )
    task_id = db.session.scalar(
        sa.select(Task.id)
        .where(
            Task.estate_id == inspection.estate_id,
            Task.checklist_id == checklist_id.scalar_subquery(),
            Task.inspection_id.is_(None),
            Task.opens_at <= captured,
            Task.grace_until > captured,
            Task.grace_until >= received - late_sync,
            sa.true() if covering else assigned,
        )
        .order_by(Task.opens_at)
        .limit(1)
    )
    if task_id is None:
        return
    # Guarded UPDATE: a concurrent inspection that took the task first wins.
    db.session.execute(
        sa.update(Task)
        .where(Task.id == task_id, Task.inspection_id.is_(None))
        .values(inspection_id=inspection.id, fulfilled_at=captured)
        .execution_options(synchronize_session=False)
    )


# --- reading ---------------------------------------------------------------------------------


# The task's own columns in GET /api/tasks (its state and assignees are added).
TASK_COLUMNS = (
    Task.id,
    Task.plan_id,
    Task.estate_id,
    Task.checklist_id,
    Task.opens_at,
    Task.closes_at,
    Task.grace_until,
    Task.inspection_id,
    Task.fulfilled_at,
)
TASK_FIELDS = tuple(column.key for column in TASK_COLUMNS)


def tasks_on(day: date, user: User, scope: Scope) -> list[dict[str, Any]]:
    """Tasks open on `day` (window or grace): an inspector's own, or those in a supervisor's
    scope; overdue first, then by window. Each with its `state` and `assignee_ids` (by id).

    One statement however many tasks (no task objects, no per-task loads): the tasks with
    their state, joined to their assignees (a row per task and assignee, in task order)."""
    now = clock.utcnow()
    query = (
        sa.select(*TASK_COLUMNS, Task.state_at(now).label("state"), task_assignees.c.user_id)
        .outerjoin(task_assignees, task_assignees.c.task_id == Task.id)
        .where(Task.opens_at < midnight(day + timedelta(days=1)), Task.grace_until > midnight(day))
    )
    if user.role is Role.inspector:
        mine = task_assignees.alias("mine")
        query = query.where(sa.exists().where(mine.c.task_id == Task.id, mine.c.user_id == user.id))
    else:
        query = query.where(
            Task.estate_id.in_(sa.select(Estate.id).where(estate_visibility(scope)))
        )
    query = query.order_by(Task.closes_at, Task.estate_id, Task.id, task_assignees.c.user_id)
    found: list[dict[str, Any]] = []
    # Core rows straight from the connection: no ORM result layer to pay per row.
    for *columns, state, assignee in db.session.connection().execute(query):
        if not found or found[-1]["id"] != columns[0]:
            task = dict(zip(TASK_FIELDS, columns, strict=True))
            task["state"], task["assignee_ids"] = TaskState(state), []
            found.append(task)
        if assignee is not None:
            found[-1]["assignee_ids"].append(assignee)
    return found
