"""GET /api/plans/{id}/tasks: one plan's tasks over a period, with their derived states; and
POST /api/plans/{id}/end: the plan makes no task after a given day.

For the plans screen: which estates the plan gave a task in the period, each window, its grace,
who was assigned, the state (`Task.state_at`, the one definition) and the fulfilling inspection.
Scoped as viewing the plan is (managers only; a plan outside the caller's scope is a 404).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from marshmallow import fields

from backend import clock
from backend.accounts.auth import auth_required, current_user
from backend.accounts.models import Role, User
from backend.checklists.calendar import SHANGHAI
from backend.database import db
from backend.errors import ValidationFailed
from backend.pagination import paginate
from backend.places.models import Estate
from backend.plans import generation, services
from backend.plans.models import Plan, Task, TaskState, task_assignees
from backend.plans.routes import PlanSchema, _horizon, _managers_only, blp
from backend.reports import periods
from backend.schema import Schema

MAX_DAYS = 366  # a period of at most a year


class PlanTaskArgs(Schema):
    start = fields.Date(
        data_key="from", metadata={"description": "first day (default: 1st of this month)"}
    )
    end = fields.Date(
        data_key="to", metadata={"description": "last day, inclusive (default: end of month)"}
    )


class PlanEndSchema(Schema):
    last_day = fields.Date(
        required=True,
        metadata={"description": "the last day the plan makes tasks on (today at the earliest)"},
    )


class AssigneeSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()


class PlanTaskSchema(Schema):
    id = fields.Integer()
    estate_id = fields.Integer()
    estate_code = fields.String()
    estate_name = fields.String()
    opens_at = fields.DateTime(metadata={"description": "window start"})
    closes_at = fields.DateTime(metadata={"description": "window end (exclusive)"})
    grace_until = fields.DateTime(metadata={"description": "grace end (exclusive)"})
    first_day = fields.Date(metadata={"description": "the window's first day (Beijing)"})
    last_day = fields.Date(metadata={"description": "the window's last day (Beijing)"})
    grace_last_day = fields.Date(
        allow_none=True, metadata={"description": "the grace's last day; null: no grace"}
    )
    state = fields.Enum(TaskState)
    inspection_id = fields.String(allow_none=True)
    fulfilled_at = fields.DateTime(allow_none=True)
    assignees = fields.List(fields.Nested(AssigneeSchema))


def plan_period(args: dict[str, Any]) -> periods.Period:
    """The asked period; the default is this month (tasks ahead included)."""
    today = clock.today()
    first: date = args.get("start") or today.replace(day=1)
    this_month = periods.month(first.year, first.month)
    last: date = args.get("end") or this_month.last_day
    if first > last:
        raise ValidationFailed("开始日期晚于结束日期 (from is after to)", {"to": ["before from"]})
    if (last - first).days >= MAX_DAYS:
        raise ValidationFailed(
            "查询期间过长 (the period is too long)", {"to": [f"at most {MAX_DAYS} days after from"]}
        )
    return periods.days(first, last)


def _day(moment: Any) -> date:
    return moment.astimezone(SHANGHAI).date()


def plan_tasks(plan_id: int, user: User, period: periods.Period, pagination: Any) -> list[dict]:
    plan = services.get_plan(plan_id, user)
    state = Task.state_at(clock.utcnow())
    query = (
        sa.select(Task.id)
        .join(Estate, Estate.id == Task.estate_id)
        .where(Task.plan_id == plan.id, Task.opens_at < period.end, Task.closes_at > period.start)
        .order_by(Task.opens_at, Estate.code, Task.id)
    )
    ids = list(paginate(query, pagination))
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(Task, Estate.code, Estate.name, state.label("state"))
        .join(Estate, Estate.id == Task.estate_id)
        .where(Task.id.in_(ids))
    ).all()
    by_id = {row.Task.id: row for row in rows}
    people: dict[int, list[dict[str, Any]]] = {}
    for task_id, uid, username, name in db.session.execute(
        sa.select(task_assignees.c.task_id, User.id, User.username, User.display_name)
        .join(User, User.id == task_assignees.c.user_id)
        .where(task_assignees.c.task_id.in_(ids))
        .order_by(User.id)
    ):
        people.setdefault(task_id, []).append(
            {"id": uid, "username": username, "display_name": name}
        )
    out = []
    for task_id in ids:
        row = by_id[task_id]
        task: Task = row.Task
        grace = task.grace_until > task.closes_at
        out.append(
            {
                "id": task.id,
                "estate_id": task.estate_id,
                "estate_code": row.code,
                "estate_name": row.name,
                "opens_at": task.opens_at,
                "closes_at": task.closes_at,
                "grace_until": task.grace_until,
                "first_day": _day(task.opens_at),
                "last_day": _day(task.closes_at) - timedelta(days=1),
                "grace_last_day": _day(task.grace_until) - timedelta(days=1) if grace else None,
                "state": TaskState(row.state),
                "inspection_id": task.inspection_id,
                "fulfilled_at": task.fulfilled_at,
                "assignees": people.get(task.id, []),
            }
        )
    return out


@blp.route("/<int:plan_id>/tasks")
@auth_required(Role.supervisor, Role.admin)
@_managers_only
@blp.arguments(PlanTaskArgs, location="query")
@blp.response(200, PlanTaskSchema(many=True))
@blp.paginate(max_page_size=500)
def list_plan_tasks(args: dict[str, Any], plan_id: int, pagination_parameters):
    """The plan's tasks whose window overlaps the period (default: this month), with their
    state, assignees and fulfilling inspection; oldest window first."""
    return plan_tasks(plan_id, current_user(), plan_period(args), pagination_parameters)


def end_plan(plan_id: int, last_day: date, user: User, horizon_days: int) -> Plan:
    """The plan's last version ends on `last_day` (today at the earliest, not before that version
    began): its tasks not done whose window opens after it are removed. Tasks that opened by then
    keep their rules and states. A later day than a set end extends the plan again."""
    services.check_manager(user)
    plan = services.get_plan(plan_id, user)
    current = plan.versions[-1]
    earliest = max(clock.today(), current.effective_from)
    if last_day < earliest:
        raise ValidationFailed(
            "计划无效 (invalid plan)", {"last_day": [f"must be on or after {earliest.isoformat()}"]}
        )
    if last_day > current.effective_from + timedelta(days=5 * 366):
        raise ValidationFailed(
            "计划无效 (invalid plan)", {"last_day": ["within five years of the rules' start"]}
        )
    current.effective_to = last_day
    after = generation.midnight(last_day + timedelta(days=1))
    removed = sa.select(Task.id).where(
        Task.plan_id == plan.id, Task.opens_at >= after, Task.inspection_id.is_(None)
    )
    db.session.execute(sa.delete(task_assignees).where(task_assignees.c.task_id.in_(removed)))
    db.session.execute(
        sa.delete(Task)
        .where(Task.plan_id == plan.id, Task.opens_at >= after, Task.inspection_id.is_(None))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    generation.generate(horizon_days, plan_ids=[plan.id])
    return plan


@blp.route("/<int:plan_id>/end", methods=["POST"])
@auth_required(Role.supervisor, Role.admin)
@_managers_only
@blp.arguments(PlanEndSchema)
@blp.response(200, PlanSchema)
def end_plan_route(data: dict[str, Any], plan_id: int):
    """End the plan after `last_day` (today at the earliest): no task opens after it; the tasks
    that opened by then keep their rules."""
    return end_plan(plan_id, data["last_day"], current_user(), _horizon())
