"""/api/photos/uploads: resumable photo uploads, tus 1.0.0 core + creation + termination.

For slow uplinks: the phone sends a photo in chunks small enough to finish well inside any
timeout, and after an interruption (or a reload) asks where the server stopped (HEAD) and goes
on from there. Every answer, errors included, carries `Tus-Resumable: 1.0.0`; errors use the
JSON error shape.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from werkzeug.http import http_date

from backend.accounts.auth import auth_required, current_user
from backend.accounts.models import Role
from backend.errors import BadRequest, PreconditionFailed
from backend.photos import services, uploads
from backend.photos.models import PhotoUpload
from backend.photos.services import PayloadTooLarge, UnsupportedMediaType

blp = Blueprint(
    "photo_uploads",
    __name__,
    url_prefix="/api/photos/uploads",
    description="Resumable photo uploads (tus 1.0.0: core, creation, termination)",
)
TUS_VERSION = "1.0.0"
CHUNK_TYPE = "application/offset+octet-stream"
TUS_HEADERS = {
    "parameters": [
        {"in": "header", "name": "Tus-Resumable", "required": True, "schema": {"type": "string"}}
    ]
}


@blp.after_request
def _tus_headers(response: Response) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    return response


def tus_request(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse requests that do not speak our tus version (412 names the one we speak)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise PreconditionFailed(
                "需要 Tus-Resumable: 1.0.0 (send Tus-Resumable: 1.0.0)",
                {"Tus-Resumable": [f"expected {TUS_VERSION}"]},
                headers={"Tus-Version": TUS_VERSION},
            )
        return view(*args, **kwargs)

    return wrapper


def _state(upload: PhotoUpload) -> dict[str, str]:
    return {
        "Upload-Offset": str(upload.received),
        "Upload-Length": str(upload.length),
        "Upload-Expires": http_date(upload.expires_at),
    }


@blp.route("", methods=["OPTIONS"])
@auth_required()
@blp.response(204)
def discover():
    """What the server supports: tus version, extensions, the largest photo and chunk."""
    return (
        "",
        204,
        {
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": "creation,termination",
            "Tus-Max-Size": str(services.limits()["max_bytes"]),
            "X-Upload-Max-Chunk-Bytes": str(uploads.max_chunk_bytes()),
        },
    )


@blp.route("", methods=["POST"])
@auth_required(Role.inspector, Role.firm, Role.supervisor, Role.admin)
@tus_request
@blp.doc(
    parameters=[
        *TUS_HEADERS["parameters"],
        {"in": "header", "name": "Upload-Length", "required": True, "schema": {"type": "integer"}},
        {
            "in": "header",
            "name": "Upload-Metadata",
            "required": True,
            "schema": {"type": "string"},
            "description": "sha256 <base64 of the hex hash>, filetype <base64 of the MIME type>",
        },
    ]
)
@blp.response(201, description="created: Location names the upload")
@blp.alt_response(200, description="the photo is stored already (X-Photo-Stored: exists)")
@blp.alt_response(413, description="Upload-Length over the photo limit")
def create_upload():
    """Open an upload for one photo (by its SHA-256); send its bytes with PATCH."""
    length = uploads.parse_length(request.headers.get("Upload-Length"), "Upload-Length")
    metadata = uploads.parse_metadata(request.headers.get("Upload-Metadata"))
    created = uploads.create(current_user(), length, metadata)
    if created.upload is None:
        return "", 200, {"X-Photo-Stored": "exists", "Upload-Offset": str(length)}
    upload = created.upload
    return "", 201, {"Location": f"{blp.url_prefix}/{upload.id}", **_state(upload)}


@blp.route("/<upload_id>", methods=["HEAD"])
@auth_required()
@tus_request
@blp.doc(**TUS_HEADERS)
@blp.response(200, description="Upload-Offset: where to go on; Upload-Length")
def upload_state(upload_id: str):
    """How much of the upload has arrived (404 if unknown, expired or not yours)."""
    return "", 200, _state(uploads.find(upload_id, current_user()))


def _chunk() -> bytes:
    if request.mimetype != CHUNK_TYPE:
        raise UnsupportedMediaType(
            f"分块必须是 {CHUNK_TYPE} (a chunk must be sent as {CHUNK_TYPE})",
            {"Content-Type": [f"expected {CHUNK_TYPE}"]},
        )
    declared = request.content_length
    if declared is None:
        raise BadRequest(
            "需要 Content-Length (send Content-Length)", {"Content-Length": ["required"]}
        )
    if declared > uploads.max_chunk_bytes():
        raise PayloadTooLarge(
            "分块过大 (chunk too large)",
            {"chunk": [f"at most {uploads.max_chunk_bytes()} bytes"]},
        )
    data = request.get_data(cache=False)
    if len(data) != declared:
        raise BadRequest("分块不完整 (incomplete chunk)", {"chunk": ["shorter than declared"]})
    return data


@blp.route("/<upload_id>", methods=["PATCH"])
@auth_required()
@tus_request
@blp.doc(
    parameters=[
        *TUS_HEADERS["parameters"],
        {"in": "header", "name": "Upload-Offset", "required": True, "schema": {"type": "integer"}},
    ],
    requestBody={
        "required": True,
        "content": {CHUNK_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    },
)
@blp.response(204, description="stored; Upload-Offset is the new offset")
@blp.alt_response(
    409, description="offset mismatch (Upload-Offset: the server's), or hash_mismatch"
)
def append_chunk(upload_id: str):
    """Append the next chunk at Upload-Offset. The last one checks the SHA-256 and stores the
    photo as PUT /api/photos/{sha256} does (X-Photo-Stored: created or exists)."""
    uploads.find(upload_id, current_user())  # strangers learn nothing about valid input
    offset = uploads.parse_length(request.headers.get("Upload-Offset"), "Upload-Offset")
    appended = uploads.append(upload_id, current_user(), offset, _chunk())
    headers = {"Upload-Offset": str(offset + (request.content_length or 0))}
    if appended.stored is not None:
        headers["X-Photo-Stored"] = "created" if appended.stored.created else "exists"
    else:
        headers.update(_state(appended.upload))
    return "", 204, headers


@blp.route("/<upload_id>", methods=["DELETE"])
@auth_required()
@tus_request
@blp.doc(**TUS_HEADERS)
@blp.response(204)
def terminate_upload(upload_id: str):
    """Abandon an upload; its bytes are deleted."""
    uploads.terminate(upload_id, current_user())
    return "", 204
