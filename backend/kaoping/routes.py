"""/api/assessments (assessors fill their form) and /api/kaoping (the composite 考评)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.clock import today
from backend.errors import NotFound, ValidationFailed
from backend.kaoping import results, services
from backend.kaoping.schemas import (
    AssessmentSchema,
    FormSchema,
    KaopingEstateSchema,
    KaopingSchema,
    MineSchema,
    PeriodArgs,
    SubmitSchema,
)

assessments_blp = Blueprint(
    "assessments", __name__, url_prefix="/api/assessments", description="考评打分 (assessments)"
)
kaoping_blp = Blueprint(
    "kaoping", __name__, url_prefix="/api/kaoping", description="考评 (composite evaluation)"
)
blueprints = (assessments_blp, kaoping_blp)
# Street supervisors assess; district and city supervisors are refused by the service (403).
ASSESSORS = (Role.committee, Role.community, Role.supervisor)
READERS = (Role.inspector, Role.firm, Role.supervisor, Role.admin, Role.committee, Role.community)


@assessments_blp.route("/form")
@auth_required(*ASSESSORS)
@assessments_blp.response(200, FormSchema)
def my_form():
    """The form your kind of assessor fills (业主委员会, 社区居委会 or 街道办事处)."""
    kind = services.require_assessor(current_user())
    version = services.require_active(kind)
    return {"kind": kind.value, "version": version.number, "definition": version.definition}


@assessments_blp.route("/mine")
@auth_required(*ASSESSORS)
@assessments_blp.arguments(PeriodArgs, location="query")
@assessments_blp.response(200, MineSchema)
def my_estates(args: dict[str, Any]):
    """The estates you assess, each with your kind's assessment for the quarter (or null)."""
    user = current_user()
    day = args.get("day") or today()
    first, last = services.quarter_of(day)
    try:
        services.check_open(day)
        open_now = True
    except ValidationFailed:
        open_now = False
    rows = services.my_estates(user, day)
    return {
        "kind": services.require_assessor(user).value,
        "period_start": first,
        "period_end": last,
        "open": open_now,
        "estates": [
            {
                "estate_id": row["estate"].id,
                "code": row["estate"].code,
                "name": row["estate"].name,
                "assessment": _assessment(row["assessment"]),
            }
            for row in rows
        ],
    }


def _assessment(row: Any) -> Any:
    if row is None:
        return None
    row.score = services.assessment_score(row)
    return row


@assessments_blp.route("/<int:estate_id>", methods=["PUT"])
@auth_required(*ASSESSORS)
@assessments_blp.arguments(SubmitSchema)
@assessments_blp.response(200, AssessmentSchema)
def submit(data: dict[str, Any], estate_id: int):
    """Submit, or replace, your kind's assessment of the estate for the quarter. A quarter
    takes them from its first day until KAOPING_GRACE_DAYS after its last."""
    row = services.submit(
        current_user(), estate_id, data.get("day") or today(), data["ratings"], data["comment"]
    )
    return _assessment(row)


@kaoping_blp.route("")
@auth_required(*READERS)
@kaoping_blp.arguments(PeriodArgs, location="query")
@kaoping_blp.response(200, KaopingSchema)
def kaoping(args: dict[str, Any]):
    """The 考评 of the quarter: per estate you may see, its parts, composite and grade; per
    firm managing them (a firm: its own), the mean and 信用等级. Formula in the README."""
    return results.kaoping(current_user(), current_scope(), args.get("day"))


@kaoping_blp.route("/estates/<int:estate_id>")
@auth_required(*READERS)
@kaoping_blp.arguments(PeriodArgs, location="query")
@kaoping_blp.response(200, KaopingEstateSchema)
def estate_detail(args: dict[str, Any], estate_id: int):
    """One estate's 考评 with the assessments given (items and points) for the quarter."""
    found = results.estate_detail(current_user(), current_scope(), estate_id, args.get("day"))
    if found is None:
        raise NotFound("小区不存在 (estate not found)")
    found["assessments"] = [_assessment(a) for a in found["assessments"]]
    return found
