"""/api/checklists: what phones download (with ETag) and version management (admin)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from backend.accounts.auth import auth_required
from backend.accounts.models import Role
from backend.checklists import services
from backend.checklists.models import Checklist, ChecklistVersion
from backend.checklists.schemas import (
    ActiveChecklistsSchema,
    ChecklistSchema,
    VersionSchema,
    VersionSummarySchema,
)

blp = Blueprint("checklists", __name__, url_prefix="/api/checklists", description="Checklists")


@blp.route("")
@auth_required()
@blp.response(200, ChecklistSchema(many=True))
def list_checklists() -> list[Checklist]:
    return services.checklists()


@blp.route("/active")
@auth_required()
@blp.etag
@blp.response(200, ActiveChecklistsSchema)
def active_checklists() -> dict[str, Any]:
    """The active version of every checklist, in full. Send If-None-Match with the ETag you have:
    304 means your copy is current, so phones download a checklist only when it changed."""
    return {"checklists": services.active_versions()}


@blp.route("/<int:checklist_id>")
@auth_required()
@blp.response(200, ChecklistSchema)
def get_checklist(checklist_id: int) -> Checklist:
    """A checklist with all its versions (active, draft and retired)."""
    return services.get_checklist(checklist_id)


@blp.route("/<int:checklist_id>/versions/<int:version_id>")
@auth_required()
@blp.response(200, VersionSchema)
def get_version(checklist_id: int, version_id: int) -> ChecklistVersion:
    """One version in full; retired versions stay readable for the inspections made with them."""
    return services.get_version(checklist_id, version_id)


@blp.route("/<int:checklist_id>/versions/<int:version_id>/activate", methods=["POST"])
@auth_required(Role.admin)
@blp.response(200, VersionSummarySchema)
def activate(checklist_id: int, version_id: int) -> ChecklistVersion:
    """Make this version the one used for new inspections (the previous one retires)."""
    return services.activate_version(services.get_version(checklist_id, version_id))


@blp.route("/<int:checklist_id>/versions/<int:version_id>/retire", methods=["POST"])
@auth_required(Role.admin)
@blp.response(200, VersionSummarySchema)
def retire(checklist_id: int, version_id: int) -> ChecklistVersion:
    """Stop using this version for new inspections; it stays readable."""
    return services.retire_version(services.get_version(checklist_id, version_id))
