"""/api/reports/fullcover (物业管理全覆盖 per district or street, within the caller's scope),
/api/reports/fullcover/unmanaged, and /api/fullcover/milestones (administrators manage them)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope
from backend.accounts.models import Role
from backend.clock import today
from backend.fullcover import milestones, services
from backend.fullcover.models import CoverageMilestone
from backend.fullcover.schemas import (
    MilestoneSchema,
    ProgressArgs,
    ProgressSchema,
    UnmanagedArgs,
    UnmanagedEstateSchema,
)

blp = Blueprint(
    "fullcover", __name__, url_prefix="/api", description="物业管理全覆盖 (full coverage)"
)
READERS = (Role.supervisor, Role.admin)


@blp.route("/reports/fullcover")
@auth_required(*READERS)
@blp.arguments(ProgressArgs, location="query")
@blp.response(200, ProgressSchema)
def progress(args: dict[str, Any]):
    """Per district or street: estates by management mode at each month end, the share of
    formerly unmanaged old estates covered on `on`, and each milestone met, missed or pending."""
    return services.progress(
        args["group"],
        args.get("on") or today(),
        args.get("start"),
        args["estates"],
        current_scope(),
        args["row_series"],
    )


@blp.route("/reports/fullcover/unmanaged")
@auth_required(*READERS)
@blp.arguments(UnmanagedArgs, location="query")
@blp.response(200, UnmanagedEstateSchema(many=True))
def unmanaged(args: dict[str, Any]):
    """Estates still unmanaged on `on`, since when and for how many days, longest first."""
    return services.still_unmanaged(
        args.get("on") or today(),
        args["estates"],
        current_scope(),
        args.get("street_id"),
        args.get("district_id"),
    )


@blp.route("/fullcover/milestones")
class Milestones(MethodView):
    @auth_required(*READERS)
    @blp.response(200, MilestoneSchema(many=True))
    def get(self):
        """Every milestone (targets are public policy: the whole list for every reader)."""
        return services.milestones()

    @auth_required(Role.admin)
    @blp.arguments(MilestoneSchema)
    @blp.response(201, MilestoneSchema)
    def post(self, data: dict[str, Any]) -> CoverageMilestone:
        """Add a milestone: by `target_date`, `target_percent` of the district's formerly
        unmanaged old estates managed (409 when the district has one on that date)."""
        return milestones.add(
            data["district_id"], data["target_date"], data["target_percent"], data["label"]
        )


@blp.route("/fullcover/milestones/<int:milestone_id>")
class MilestoneById(MethodView):
    @auth_required(Role.admin)
    @blp.response(204)
    def delete(self, milestone_id: int) -> None:
        """Remove a milestone."""
        milestones.remove(milestone_id)
