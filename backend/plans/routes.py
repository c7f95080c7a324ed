"""/api/plans (admins and district supervisors) and /api/tasks (the day's tasks)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from backend import clock
from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.database import db
from backend.plans import generation, services
from backend.plans.schemas import (
    PlanCreateSchema,
    PlanRulesSchema,
    PlanSchema,
    TaskArgs,
    TaskSchema,
    tasks_json,
)

blp = Blueprint("plans", __name__, url_prefix="/api/plans", description="Inspection plans")
tasks_blp = Blueprint("tasks", __name__, url_prefix="/api/tasks", description="Inspection tasks")


def _managers_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (403) callers who may not manage plans before their input is read."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        services.check_manager(current_user())
        return view(*args, **kwargs)

    return wrapper


def _horizon() -> int:
    return int(current_app.config["PLANS_HORIZON_DAYS"])


@blp.route("")
@auth_required(Role.supervisor, Role.admin)
@_managers_only
@blp.response(200, PlanSchema(many=True))
def list_plans():
    """Plans the caller manages (a district supervisor: their district's)."""
    return db.session.scalars(services.plan_query(current_user())).all()


@blp.route("", methods=["POST"])
@auth_required(Role.supervisor, Role.admin)
@_managers_only
@blp.arguments(PlanCreateSchema)
@blp.response(201, PlanSchema)
def create_plan(data: dict[str, Any]):
    """Create a plan; its tasks for the horizon are made at once."""
    return services.create_plan(data, current_user(), current_scope(), _horizon())


@blp.route("/<int:plan_id>")
@auth_required(Role.supervisor, Role.admin)
@_managers_only
@blp.response(200, PlanSchema)
def get_plan(plan_id: int):
    """A plan with every version of its rules."""
    return services.get_plan(plan_id, current_user())


@blp.route("/<int:plan_id>/versions", methods=["POST"])
@auth_required(Role.supervisor, Role.admin)
@_managers_only
@blp.arguments(PlanRulesSchema)
@blp.response(201, PlanSchema)
def change_plan(data: dict[str, Any], plan_id: int):
    """New rules from `effective_from` (tomorrow at the earliest); earlier tasks keep theirs."""
    return services.change_plan(plan_id, data, current_user(), current_scope(), _horizon())


@tasks_blp.route("")
@auth_required(Role.inspector, Role.supervisor, Role.admin)
@tasks_blp.arguments(TaskArgs, location="query")
@tasks_blp.response(200, TaskSchema(many=True))
def list_tasks(args: dict[str, Any]):
    """Tasks open on a day: an inspector's own; a supervisor's within their scope."""
    day: date = args.get("on") or clock.today()
    rows = generation.tasks_on(day, current_user(), current_scope())
    # Encoded as TaskSchema would (the same JSON), without marshmallow's cost per row.
    return current_app.json.response(tasks_json(rows))
