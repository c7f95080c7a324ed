"""/api/reports/coverage: tasks due, done on time, late, missed and open per grid, street,
district or inspector over a period, limited to the caller's scope (formula in the README)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.plans import coverage
from backend.reports.arguments import PeriodArgs, period
from backend.schema import Schema

blp = Blueprint("coverage", __name__, url_prefix="/api/reports", description="Inspection coverage")


class CoverageArgs(PeriodArgs):
    group = fields.String(
        load_default="grid",
        validate=validate.OneOf(coverage.GROUPS),
        metadata={"description": "grid, street, district or inspector"},
    )


def _count(description: str) -> fields.Integer:
    return fields.Integer(required=True, metadata={"description": description})


class CoverageRowSchema(Schema):
    id = fields.Integer(allow_none=True, metadata={"description": "the group's id (null: no grid)"})
    code = fields.String(metadata={"description": "place code, or the inspector's username"})
    name = fields.String()
    due = _count("tasks whose window ends in the period")
    done = _count("of those, done inside the window")
    done_late = _count("of those, done in the grace period")
    missed = _count("of those, not done by the end of the grace period")
    open = _count("of those, still open (due, or upcoming for a period in the future)")
    coverage = fields.Float(
        allow_none=True,
        metadata={"description": "(done + done_late) / due; null when nothing was due"},
    )


@blp.route("/coverage")
@auth_required(Role.inspector, Role.supervisor, Role.admin)
@blp.arguments(CoverageArgs, location="query")
@blp.response(200, CoverageRowSchema(many=True))
def coverage_report(args: dict[str, Any]):
    """Per group: tasks due in the period, done on time, done late, missed, still open and the
    coverage rate. Inspectors may ask only `group=inspector` and get their own row."""
    group = args.pop("group")
    only_user = coverage.check_access(current_user(), group)
    return coverage.coverage_report(group, period(args), current_scope(), only_user)
