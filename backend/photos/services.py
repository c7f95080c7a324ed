"""Photo rules: ingest once per content hash, storage, and who may see a photo.

Who may see a photo is decided by the features photos are used in (inspections, tickets): they
register an access rule here, so this lower layer never imports them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from backend import signals
from backend.accounts.models import Role, User
from backend.database import db
from backend.errors import AppError, NotFound, ValidationFailed
from backend.photos.models import Photo
from backend.photos.pipeline import PhotoRejected, ProcessedPhoto, process_photo
from backend.photos.storage import PhotoStorage, key_for, storage_from_url

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
Variant = str  # "display" | "thumb"
VARIANTS = ("display", "thumb")


class PayloadTooLarge(AppError):
    status = 413


class UnsupportedMediaType(AppError):
    status = 415


_REJECTION_ERRORS: dict[str, type[AppError]] = {
    "too_large": PayloadTooLarge,
    "unsupported_type": UnsupportedMediaType,
}


def storage() -> PhotoStorage:
    """The configured store, made once per app (lazily: create_app does no I/O)."""
    extensions = current_app.extensions
    if "photo_storage" not in extensions:
        extensions["photo_storage"] = storage_from_url(current_app.config["PHOTO_STORAGE"])
    return extensions["photo_storage"]


def limits() -> dict[str, int]:
    return {
        "max_bytes": current_app.config["PHOTO_MAX_BYTES"],
        "max_pixels": current_app.config["PHOTO_MAX_PIXELS"],
        "max_decode_bytes": current_app.config["PHOTO_MAX_DECODE_BYTES"],
    }


def check_hash(sha256: str) -> str:
    if not SHA256_RE.match(sha256):
        raise ValidationFailed(
            "照片标识必须是 64 位小写十六进制 SHA-256 (photo id must be a lowercase hex SHA-256)",
            {"sha256": ["not a lowercase hex SHA-256"]},
        )
    return sha256


@dataclass(frozen=True)
class Stored:
    photo: Photo
    created: bool


def ingest(data: bytes, declared_sha256: str, uploader: User) -> Stored:
    """Store a photo under its content hash; a repeat of the same bytes changes nothing.

    Everything is checked before anything is written: a refused upload leaves no file or row.
    """
    check_hash(declared_sha256)
    actual = hashlib.sha256(data).hexdigest()
    if actual != declared_sha256:
        raise ValidationFailed(
            "照片内容与声明的哈希不符 (photo bytes do not match the declared SHA-256)",
            {"sha256": [f"body hashes to {actual}"]},
            code="hash_mismatch",
        )
    existing = db.session.get(Photo, actual)
    if existing is not None:
        return Stored(existing, created=False)
    configured = limits()
    try:
        processed = process_photo(data, **configured)
    except PhotoRejected as rejected:
        error = _REJECTION_ERRORS.get(rejected.code, ValidationFailed)
        message = _rejection_message(rejected, configured)
        raise error(message, {"photo": [rejected.code]}, code=rejected.code) from None
    _write_files(processed, data)
    photo = _photo_row(processed, uploader)
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except IntegrityError:
        # The same photo arrived at the same moment through another request: that one won.
        return Stored(db.session.get(Photo, actual), created=False)
    signals.photo_stored.send(photo)
    return Stored(photo, created=True)


def _rejection_message(rejected: PhotoRejected, configured: dict[str, int]) -> str:
    """The rejection's text, naming the configured limit (a decoder's own bomb guard knows none)."""
    limit = {
        "too_large": f"{configured['max_bytes'] / 1024 / 1024:g} MB",
        "too_many_pixels": f"{configured['max_pixels'] / 1e6:g} MP",
    }.get(rejected.code)
    return PhotoRejected(rejected.code, limit).message if limit else rejected.message


def _write_files(processed: ProcessedPhoto, original: bytes) -> None:
    store = storage()
    # Content-addressed and written atomically: a retry after a crash rewrites identical objects.
    store.put(key_for("original", processed.sha256), original, processed.mime)
    store.put(key_for("display", processed.sha256), processed.display, "image/jpeg")
    store.put(key_for("thumb", processed.sha256), processed.thumbnail, "image/jpeg")


def _photo_row(processed: ProcessedPhoto, uploader: User) -> Photo:
    lat, lng = processed.gps if processed.gps else (None, None)
    return Photo(
        sha256=processed.sha256,
        mime=processed.mime,
        size=processed.size,
        width=processed.width,
        height=processed.height,
        taken_at=processed.taken_at,
        gps_lat=lat,
        gps_lng=lng,
        gps_accuracy_m=processed.gps_accuracy_m,
        phash=processed.phash,
        uploaded_by_id=uploader.id,
    )


def find(sha256: str) -> Photo | None:
    return db.session.get(Photo, check_hash(sha256))


def stored_hashes(hashes: set[str]) -> set[str]:
    if not hashes:
        return set()
    return set(db.session.scalars(sa.select(Photo.sha256).where(Photo.sha256.in_(hashes))))


def may_see(user: User, photo: Photo) -> bool:
    if user.role is Role.admin or photo.uploaded_by_id == user.id:
        return True
    return signals.anyone_allows(user, photo.sha256)


def visible_photo(user: User, sha256: str) -> Photo:
    """The photo if it exists and the user may see it; otherwise 404 (existence is not leaked)."""
    photo = find(sha256)
    if photo is None or not may_see(user, photo):
        raise NotFound("照片不存在 (photo not found)")
    return photo


def variant_bytes(photo: Photo, variant: Variant) -> bytes:
    """Display copy or thumbnail: re-encoded JPEG with no metadata. Originals are never served."""
    if variant not in VARIANTS:
        raise NotFound("照片不存在 (photo not found)")
    try:
        return storage().get(key_for(variant, photo.sha256))
    except KeyError:
        raise NotFound("照片文件缺失 (photo file missing)") from None
