"""/api/reports/scorecards/*: figures over a period, limited to the caller's scope."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.reports.arguments import PeriodArgs, period
from backend.scorecards import cache as scorecard_cache
from backend.scorecards import inspectors
from backend.scorecards import services as scorecards
from backend.scorecards.schemas import (
    DistrictScorecardSchema,
    EstateScorecardSchema,
    FirmScorecardSchema,
    InspectorScorecardSchema,
    StreetScorecardSchema,
)

blp = Blueprint("reports", __name__, url_prefix="/api/reports", description="Scorecards")


class InspectorScorecardArgs(PeriodArgs):
    group = fields.String(
        load_default="inspector",
        validate=validate.OneOf(inspectors.GROUPS),
        metadata={"description": "inspector (default) or grid"},
    )


@blp.route("/scorecards/firms")
@auth_required()
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, FirmScorecardSchema(many=True))
def firm_scorecards(args: dict[str, Any]):
    """Per responsible unit: due, closed, 结案率, 按期结案率, 返工率, 延期率, overdue, hours to
    rectify (mean, p90), recurrences, mean inspection score, credit grade."""
    chosen, scope = period(args), current_scope()
    stored = scorecard_cache.cached(chosen, scope)
    if stored is not None:  # materialised by `flask reports refresh` (standard periods)
        return stored.rows, 200, {"X-Computed-At": stored.computed_at.isoformat()}
    return scorecards.firm_scorecards(chosen, scope)


@blp.route("/scorecards/estates")
@auth_required()
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, EstateScorecardSchema(many=True))
def estate_scorecards(args: dict[str, Any]):
    """Per estate: the five area scores and the total of its latest inspection, grade, rank."""
    return scorecards.estate_scorecards(period(args), current_scope())


@blp.route("/scorecards/streets")
@auth_required()
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, StreetScorecardSchema(many=True))
def street_scorecards(args: dict[str, Any]):
    """Per street: ticket figures over its estates, mean estate score and ranking (考核)."""
    return scorecards.area_scorecards("street", period(args), current_scope())


@blp.route("/scorecards/districts")
@auth_required()
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, DistrictScorecardSchema(many=True))
def district_scorecards(args: dict[str, Any]):
    """Per district: ticket figures over its estates, mean estate score and ranking (考核)."""
    return scorecards.area_scorecards("district", period(args), current_scope())


@blp.route("/scorecards/inspectors")
@auth_required(Role.inspector, Role.supervisor, Role.admin)
@blp.arguments(InspectorScorecardArgs, location="query")
@blp.response(200, InspectorScorecardSchema(many=True))
def inspector_scorecards(args: dict[str, Any]):
    """Per inspector (or grid): 按时巡查率, 有效上报率, 按时核查率, 漏报率, 取证异常率 with their
    counts. Inspectors may ask only group=inspector and get their own row; firms get 403."""
    group = args.pop("group")
    only_user = inspectors.check_access(current_user(), group)
    return inspectors.inspector_scorecard(group, period(args), current_scope(), only_user)
