"""/api/inspections: offline-safe sync by client UUID, lists and reads."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_scope, current_user
from backend.accounts.models import Role
from backend.inspections import services
from backend.inspections.models import Inspection
from backend.inspections.schemas import (
    InspectionListArgs,
    InspectionPutSchema,
    InspectionSchema,
    InspectionSummarySchema,
)
from backend.pagination import paginate

blp = Blueprint("inspections", __name__, url_prefix="/api/inspections", description="Inspections")


@blp.route("/<uuid:inspection_id>", methods=["PUT"])
@auth_required(Role.inspector, Role.supervisor)
@blp.arguments(InspectionPutSchema)
@blp.response(201, InspectionSchema)
@blp.alt_response(200, schema=InspectionSchema, description="stored already, or draft updated")
def put_inspection(data: dict[str, Any], inspection_id: str):
    """Create, resume or submit an inspection under the phone's UUID (safe to repeat).

    The response lists `missing_photos`: PUT them to /api/photos/{sha256}, in any order."""
    saved = services.put_inspection(inspection_id, data, current_user(), current_scope())
    return services.annotate(saved.inspection), 201 if saved.created else 200


@blp.route("")
@auth_required()
@blp.arguments(InspectionListArgs, location="query")
@blp.response(200, InspectionSummarySchema(many=True))
@blp.paginate(max_page_size=200)
def list_inspections(args: dict[str, Any], pagination_parameters) -> list[Inspection]:
    """Inspections the caller may see: supervisors their jurisdiction, inspectors their own."""
    query = services.inspection_query(
        current_user(), current_scope(), services.InspectionFilter(**args)
    )
    return paginate(query, pagination_parameters)


@blp.route("/<uuid:inspection_id>")
@auth_required()
@blp.response(200, InspectionSchema)
def get_inspection(inspection_id: str) -> Inspection:
    return services.get_inspection(inspection_id, current_user(), current_scope())
