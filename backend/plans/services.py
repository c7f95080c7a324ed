"""Plans: who may manage them, their validation, and changes that apply from a date.

Services only flush; the request (or the CLI) commits. Every refusal is a 422 naming the field
and changes nothing (the request boundary rolls back).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from backend import clock
from backend.accounts.models import Role, User, grid_assignments
from backend.accounts.services import scope_level
from backend.checklists.calendar import SUPPORTED_YEARS
from backend.checklists.models import Checklist
from backend.database import db
from backend.errors import Forbidden, NotFound, ValidationFailed
from backend.places.models import Estate, Grid, Street
from backend.places.scope import Scope
from backend.places.services import estate_visibility, grid_visibility
from backend.plans import generation
from backend.plans.models import AreaKind, Plan, PlanVersion, ScheduleKind, Task, task_assignees
from backend.plans.schedule import max_window

MAX_AHEAD_DAYS = 366  # a plan may be set up to a year ahead


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("计划无效 (invalid plan)", {field: [message]})


def check_manager(user: User) -> None:
    """Admins, and supervisors of a district or the city, manage plans."""
    if user.role is Role.admin:
        return
    if user.role is Role.supervisor and scope_level(user) in ("district", "city"):
        return
    raise Forbidden("只有管理员和区级监管人员可以管理计划 (only admins and district supervisors)")


def plan_visibility(user: User) -> sa.ColumnElement[bool]:
    if user.role is Role.admin or scope_level(user) == "city":
        return sa.true()
    if user.role is Role.supervisor and user.district_id is not None:
        return Plan.district_id == user.district_id
    return sa.false()


def plan_query(user: User) -> sa.Select:
    return sa.select(Plan).where(plan_visibility(user)).order_by(Plan.id)


def get_plan(plan_id: int, user: User) -> Plan:
    plan = db.session.scalar(sa.select(Plan).where(Plan.id == plan_id, plan_visibility(user)))
    if plan is None:
        raise NotFound("计划不存在 (plan not found)")
    return plan


# --- where -----------------------------------------------------------------------------------


def area_clause(kind: AreaKind, area_id: int | None, estate_ids: Sequence[int] | None):
    """A WHERE clause over Estate for a version's area (resolved when tasks are made)."""
    if kind is AreaKind.grid:
        return Estate.grid_id == area_id
    if kind is AreaKind.street:
        return Estate.street_id == area_id
    if kind is AreaKind.district:
        return Estate.street_id.in_(sa.select(Street.id).where(Street.district_id == area_id))
    return Estate.id.in_(list(estate_ids or []))


def _check_area(data: dict[str, Any], scope: Scope) -> tuple[list[int], int | None]:
    """The estates the area holds today, and the district the plan belongs to."""
    kind, area_id = data["area_kind"], data.get("area_id")
    if kind is AreaKind.estates:
        wanted = list(dict.fromkeys(data.get("estate_ids") or []))
        if not wanted:
            raise _invalid("estate_ids", "name at least one estate")
        found = set(
            db.session.scalars(
                sa.select(Estate.id).where(Estate.id.in_(wanted), estate_visibility(scope))
            )
        )
        missing = [i for i in wanted if i not in found]
        if missing:
            raise _invalid("estate_ids", f"unknown or outside your scope: {missing}")
    else:
        if area_id is None:
            raise _invalid("area_id", f"required for area_kind {kind.value}")
        if not _area_visible(kind, area_id, scope):
            raise _invalid("area_id", f"unknown {kind.value} or outside your scope")
        wanted = []
    clause = area_clause(kind, area_id, wanted)
    rows = db.session.execute(
        sa.select(Estate.id, Street.district_id)
        .join(Street)
        .where(clause, estate_visibility(scope))
    ).all()
    if not rows:
        raise _invalid("area_id", "no estates there")
    districts = {row.district_id for row in rows}
    return [row.id for row in rows], (districts.pop() if len(districts) == 1 else None)


def _area_visible(kind: AreaKind, area_id: int, scope: Scope) -> bool:
    if kind is AreaKind.grid:
        query = sa.select(Grid.id).where(Grid.id == area_id, grid_visibility(scope))
    else:
        street_or_district = Street.id if kind is AreaKind.street else Street.district_id
        query = sa.select(Street.id).where(street_or_district == area_id)
        if not scope.everything:
            query = query.where(
                sa.or_(Street.id.in_(scope.street_ids), Street.district_id.in_(scope.district_ids))
            )
            if kind is AreaKind.district:
                query = query.where(Street.district_id.in_(scope.district_ids))
    return db.session.scalar(query.limit(1)) is not None


# --- when and how ------------------------------------------------------------------------------


def _check_dates(start: date, end: date | None, earliest: date) -> None:
    today = clock.today()
    if start < earliest:
        raise _invalid("effective_from", f"must be on or after {earliest.isoformat()}")
    if start > today + timedelta(days=MAX_AHEAD_DAYS) or start.year > SUPPORTED_YEARS[1] + 1:
        raise _invalid("effective_from", "too far ahead")
    if end is not None and (end < start or end > start + timedelta(days=5 * 366)):
        raise _invalid("effective_to", "must be on or after effective_from, within five years")


def _check_schedule(data: dict[str, Any]) -> None:
    kind: ScheduleKind = data["schedule"]
    if kind is ScheduleKind.every_n_working_days and not data.get("every_n"):
        raise _invalid("every_n", "at least 1 working day")
    if kind is ScheduleKind.weekly:
        days = data.get("weekdays") or []
        if not days:
            raise _invalid("weekdays", "name at least one weekday (0 = Monday … 6 = Sunday)")
        if len(set(days)) != len(days):
            raise _invalid("weekdays", "a weekday is named twice")
    longest = max_window(kind, data.get("every_n"), data.get("weekdays"))
    if data["window_days"] > longest:
        raise _invalid(
            "window_days", f"longer than the period: at most {longest} working days here"
        )


def _check_assignees(ids: list[int] | None, scope: Scope) -> None:
    """Active inspectors with a grid in the caller's scope."""
    if ids is None:
        return
    if not ids:
        raise _invalid("assignee_ids", "name at least one inspector, or leave it out")
    found = set(
        db.session.scalars(
            sa.select(User.id)
            .join(grid_assignments, grid_assignments.c.user_id == User.id)
            .join(Grid, Grid.id == grid_assignments.c.grid_id)
            .where(
                User.id.in_(ids),
                User.role == Role.inspector,
                User.is_active.is_(True),
                grid_visibility(scope),
            )
        )
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise _invalid("assignee_ids", f"not active inspectors in your scope: {missing}")


def _check_overlap(
    checklist_id: int,
    estates: list[int],
    start: date,
    end: date | None,
    plan_id: int | None,
    field: str,
) -> None:
    """One plan per estate and checklist at any date."""
    others = db.session.scalars(
        sa.select(PlanVersion)
        .join(Plan)
        .where(
            Plan.checklist_id == checklist_id,
            Plan.id != (plan_id or 0),
            sa.or_(PlanVersion.effective_to.is_(None), PlanVersion.effective_to >= start),
            PlanVersion.effective_from <= (end or date.max),
        )
    ).all()
    for other in others:
        clash = db.session.scalar(
            sa.select(Estate.code)
            .where(
                Estate.id.in_(estates),
                area_clause(other.area_kind, other.area_id, other.estate_ids),
            )
            .limit(1)
        )
        if clash is not None:
            raise _invalid(
                field,
                f"estate {clash} already has plan {other.plan_id} for this checklist",
            )


def _version(data: dict[str, Any], user: User, scope: Scope, checklist_id: int,
             plan_id: int | None, earliest: date) -> tuple[PlanVersion, int | None]:  # fmt: skip
    _check_dates(data["effective_from"], data.get("effective_to"), earliest)
    _check_schedule(data)
    _check_assignees(data.get("assignee_ids"), scope)
    estates, district_id = _check_area(data, scope)
    field = "estate_ids" if data["area_kind"] is AreaKind.estates else "area_id"
    _check_overlap(
        checklist_id, estates, data["effective_from"], data.get("effective_to"), plan_id, field
    )
    version = PlanVersion(
        effective_from=data["effective_from"],
        effective_to=data.get("effective_to"),
        area_kind=data["area_kind"],
        area_id=None if data["area_kind"] is AreaKind.estates else data.get("area_id"),
        estate_ids=estates if data["area_kind"] is AreaKind.estates else None,
        schedule=data["schedule"],
        every_n=data.get("every_n")
        if data["schedule"] is ScheduleKind.every_n_working_days
        else None,
        weekdays=sorted(data["weekdays"]) if data["schedule"] is ScheduleKind.weekly else None,
        window_days=data["window_days"],
        grace_days=data.get("grace_days", 0),
        assignee_ids=data.get("assignee_ids"),
        created_by_id=user.id,
    )
    return version, district_id


def create_plan(data: dict[str, Any], user: User, scope: Scope, horizon_days: int) -> Plan:
    check_manager(user)
    checklist = db.session.get(Checklist, data["checklist_id"])
    if checklist is None:
        raise _invalid("checklist_id", "unknown checklist")
    version, district_id = _version(data, user, scope, checklist.id, None, clock.today())
    if user.role is Role.supervisor and user.district_id is not None:
        district_id = user.district_id
    plan = Plan(
        name=data["name"], checklist_id=checklist.id, district_id=district_id, created_by_id=user.id
    )
    plan.versions.append(version)
    db.session.add(plan)
    db.session.flush()
    generation.generate(horizon_days, plan_ids=[plan.id])
    return plan


def change_plan(
    plan_id: int, data: dict[str, Any], user: User, scope: Scope, horizon_days: int
) -> Plan:
    """New rules from `effective_from` (tomorrow at the earliest): the current version ends the
    day before; tasks it made for windows opening from then on (none of them done yet) are
    replaced. Tasks whose window opened earlier keep their rules."""
    check_manager(user)
    plan = get_plan(plan_id, user)
    start: date = data["effective_from"]
    current = plan.versions[-1]
    earliest = max(clock.today() + timedelta(days=1), current.effective_from + timedelta(days=1))
    version, _ = _version(data, user, scope, plan.checklist_id, plan.id, earliest)
    if current.effective_to is not None and current.effective_to < start - timedelta(days=1):
        pass  # the plan had ended: the new version resumes it, leaving the gap
    else:
        current.effective_to = start - timedelta(days=1)
    replaced = sa.select(Task.id).where(
        Task.plan_id == plan.id,
        Task.opens_at >= generation.midnight(start),
        Task.inspection_id.is_(None),
    )
    db.session.execute(sa.delete(task_assignees).where(task_assignees.c.task_id.in_(replaced)))
    db.session.execute(
        sa.delete(Task)
        .where(Task.plan_id == plan.id, Task.opens_at >= generation.midnight(start))
        .where(Task.inspection_id.is_(None))
        .execution_options(synchronize_session=False)
    )
    plan.versions.append(version)
    db.session.flush()
    generation.generate(horizon_days, plan_ids=[plan.id])
    return plan
