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
    UploadCheckSchema,
    UploadResultSchema,
    UploadSchema,
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


@blp.route("/validate", methods=["POST"])
@auth_required(Role.admin)
@blp.arguments(UploadSchema)
@blp.response(200, UploadCheckSchema)
def validate_upload(data: dict[str, Any]) -> dict[str, Any]:
    """Dry run of an upload, as `flask checklists validate`: nothing is stored.

    The file's problems are the answer, not a refused request: 200 with `valid` false and
    `problems` (line, path, message), in line order. A valid file gives its code, title and
    counts, and `same_as` when that exact content is stored already."""
    check = services.check_upload(data["yaml"], data["filename"])
    definition = check.definition
    if definition is None:
        return {
            **dict.fromkeys(UploadCheckSchema().fields),
            "valid": False,
            "problems": check.problems,
        }
    return {
        "valid": True,
        "problems": [],
        "code": definition.code,
        "title_zh": definition.title.zh,
        "title_en": definition.title.en,
        "area_count": len(definition.areas),
        "item_count": len(definition.items),
        "content_hash": definition.content_hash,
        "checklist_id": check.checklist.id if check.checklist else None,
        "same_as": check.same_as,
    }


@blp.route("/versions", methods=["POST"])
@auth_required(Role.admin)
@blp.arguments(UploadSchema)
@blp.response(201, UploadResultSchema)
@blp.alt_response(200, schema=UploadResultSchema, description="this content was stored already")
def upload_version(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Store an uploaded definition as a draft version of its checklist (created with its first
    version when the code is new); activate it with .../activate. A file with problems is a 422
    whose `errors.yaml` lists them ("line N: path: message"); nothing is stored then."""
    result = services.save_upload(data["yaml"], data["filename"])
    body = {"code": result.version.checklist.code, "created": result.created}
    return {**body, "version": result.version}, 201 if result.created else 200


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
