"""/api/reports/scorecards/*: figures over a period, limited to the caller's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields

from backend.accounts.auth import auth_required, current_scope
from backend.clock import today
from backend.errors import ValidationFailed
from backend.reports import periods, scorecard_cache, scorecards
from backend.reports.schemas import (
    DistrictScorecardSchema,
    EstateScorecardSchema,
    FirmScorecardSchema,
    StreetScorecardSchema,
)
from backend.schema import Schema

blp = Blueprint("reports", __name__, url_prefix="/api/reports", description="Scorecards")


class PeriodArgs(Schema):
    start = fields.Date(
        data_key="from", metadata={"description": "first day (default: 1st of this month)"}
    )
    end = fields.Date(
        data_key="to", metadata={"description": "last day, inclusive (default: today)"}
    )


def period(args: dict[str, Any]) -> periods.Period:
    last: date = args.get("end") or today()
    first: date = args.get("start") or last.replace(day=1)
    if first > last:
        raise ValidationFailed("开始日期晚于结束日期 (from is after to)", {"from": ["after to"]})
    return periods.days(first, last)


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
