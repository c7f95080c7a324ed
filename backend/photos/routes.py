"""/api/photos: content-addressed upload (PUT by SHA-256) and scoped display/thumbnail reads."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from backend.accounts.auth import auth_required, current_user
from backend.accounts.models import Role
from backend.photos import services
from backend.photos.schemas import PhotoSchema

blp = Blueprint("photos", __name__, url_prefix="/api/photos", description="Photo evidence")

RAW_IMAGE_BODY = {
    "required": True,
    "content": {
        f"image/{kind}": {"schema": {"type": "string", "format": "binary"}}
        for kind in ("jpeg", "png", "webp", "heic", "heif")
    },
}


def _limit_headers() -> dict[str, str]:
    limits = services.limits()
    return {
        "X-Photo-Max-Bytes": str(limits["max_bytes"]),
        "X-Photo-Max-Pixels": str(limits["max_pixels"]),
    }


@blp.route("", methods=["HEAD"])
@auth_required()
@blp.response(200)
def photo_limits():
    """The upload limits, in headers (X-Photo-Max-Bytes, X-Photo-Max-Pixels)."""
    return "", 200, _limit_headers()


@blp.route("/<sha256:sha256>", methods=["HEAD"])
@auth_required()
@blp.response(200)
def photo_exists(sha256: str):
    """200 if a photo with this hash is stored (the phone can skip uploading it), else 404."""
    services.check_hash(sha256)
    status = 200 if services.find(sha256) is not None else 404
    return "", status, _limit_headers()


@blp.route("/<sha256:sha256>", methods=["PUT"])
@auth_required(Role.inspector, Role.firm, Role.supervisor, Role.admin)
@blp.doc(requestBody=RAW_IMAGE_BODY)
@blp.response(201, PhotoSchema)
@blp.alt_response(200, schema=PhotoSchema, description="already stored (nothing changed)")
def put_photo(sha256: str):
    """Upload a photo's bytes under their SHA-256. Repeats are harmless (200, nothing changes)."""
    stored = services.ingest(request.get_data(cache=False), sha256, current_user())
    return stored.photo, 201 if stored.created else 200, _limit_headers()


@blp.route("/<sha256:sha256>/<any(display, thumb):variant>")
@auth_required()
@blp.response(200, content_type="image/jpeg")
def get_photo(sha256: str, variant: str) -> Response:
    """The display copy (≤1600 px) or thumbnail (≤320 px): JPEG, all metadata removed."""
    photo = services.visible_photo(current_user(), sha256)
    body = services.variant_bytes(photo, variant)
    response = Response(body, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = f'inline; filename="{sha256[:16]}-{variant}.jpg"'
    response.headers["ETag"] = f'"{sha256}-{variant}"'
    # The bytes are always our own re-encoded JPEG; should a browser ever treat them as a
    # document anyway, nothing in it may run or load.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
