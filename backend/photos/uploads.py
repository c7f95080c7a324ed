"""Resumable photo uploads (tus 1.0.0 core + creation + termination), kept in the database.

An upload is a row (who, which hash, how long, how much arrived, until when) plus one row per
complete PATCH body. Every worker on every machine sees the same state, and a worker killed
mid-chunk loses only that chunk: its row is never written, so the offset stays at the end of
the last complete one. When the last byte arrives, the whole file is checked against its
SHA-256 and ingested exactly as `PUT /api/photos/{sha256}` would.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from backend.accounts.models import User
from backend.clock import utcnow
from backend.database import db, keep_changes_on_error
from backend.errors import (
    AppError,
    BadRequest,
    Conflict,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)
from backend.photos import services
from backend.photos.models import PhotoUpload, PhotoUploadChunk
from backend.photos.services import PayloadTooLarge

NOT_FOUND = "上传不存在或已过期 (upload not found or expired)"


def max_chunk_bytes() -> int:
    return int(current_app.config["PHOTO_UPLOAD_MAX_CHUNK_BYTES"])


def _ttl() -> timedelta:
    return timedelta(hours=int(current_app.config["PHOTO_UPLOAD_TTL_HOURS"]))


def parse_metadata(header: str | None) -> dict[str, str]:
    """tus Upload-Metadata: comma-separated `key base64(value)` pairs; sha256 is required."""
    values: dict[str, str] = {}
    for pair in (header or "").split(","):
        parts = pair.strip().split(" ")
        if not parts[0]:
            continue
        try:
            raw = base64.b64decode(parts[1], validate=True) if len(parts) > 1 else b""
            values[parts[0]] = raw.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValidationFailed(
                "上传元数据无效 (invalid Upload-Metadata)",
                {"Upload-Metadata": [f"{parts[0]}: not base64 of UTF-8 text"]},
            ) from None
    if "sha256" not in values:
        raise ValidationFailed(
            "上传元数据缺少 sha256 (Upload-Metadata must name the sha256)",
            {"Upload-Metadata": ["sha256 is required"]},
        )
    services.check_hash(values["sha256"])
    return values


def parse_length(header: str | None, name: str) -> int:
    if header is None or not header.isdigit():
        raise BadRequest(
            f"缺少或无效的 {name} 头 (missing or invalid {name} header)",
            {name: ["a non-negative integer is required"]},
        )
    return int(header)


@dataclass(frozen=True)
class Created:
    upload: PhotoUpload | None  # None: the photo is already stored, nothing to send


def create(user: User, length: int, metadata: dict[str, str]) -> Created:
    """Open an upload (or find this user's open one for the same photo, so a phone that lost
    the upload's address resumes where it stopped)."""
    prune_expired()
    if length > services.limits()["max_bytes"]:
        raise PayloadTooLarge(
            "照片文件过大 (photo too large)",
            {"Upload-Length": [f"at most {services.limits()['max_bytes']} bytes"]},
            code="too_large",
        )
    if length == 0:
        raise ValidationFailed("照片为空 (empty photo)", {"Upload-Length": ["must be > 0"]})
    sha256 = metadata["sha256"]
    if services.find(sha256) is not None:
        return Created(None)
    open_uploads = db.session.scalars(
        sa.select(PhotoUpload).where(PhotoUpload.user_id == user.id).with_for_update()
    ).all()
    for upload in open_uploads:
        if upload.sha256 == sha256 and upload.length == length:
            return Created(upload)
    if len(open_uploads) >= int(current_app.config["PHOTO_UPLOAD_MAX_OPEN"]):
        raise TooManyRequests(
            "未完成的上传过多,请先完成或删除 (too many unfinished uploads: finish or delete some)",
            {"open_uploads": len(open_uploads)},
        )
    now = utcnow()
    upload = PhotoUpload(
        id=secrets.token_urlsafe(18),
        user_id=user.id,
        sha256=sha256,
        mime=metadata.get("filetype", "")[:64],
        length=length,
        received=0,
        created_at=now,
        updated_at=now,
        expires_at=now + _ttl(),
    )
    db.session.add(upload)
    db.session.flush()
    return Created(upload)


def find(upload_id: str, user: User, *, lock: bool = False) -> PhotoUpload:
    """The caller's own unexpired upload, else 404 (others' uploads do not exist for them)."""
    query = sa.select(PhotoUpload).where(PhotoUpload.id == upload_id[:32])
    if lock:
        query = query.with_for_update()
    upload = db.session.scalar(query)
    if upload is None or upload.user_id != user.id or upload.expires_at <= utcnow():
        raise NotFound(NOT_FOUND)
    return upload


@dataclass(frozen=True)
class Appended:
    upload: PhotoUpload
    stored: services.Stored | None  # set when this chunk completed the photo


def append(upload_id: str, user: User, offset: int, chunk: bytes) -> Appended:
    upload = find(upload_id, user, lock=True)
    if offset != upload.received:
        raise Conflict(
            "上传位置不符,请按服务器的位置继续 (offset mismatch: resume at the server's offset)",
            {"Upload-Offset": upload.received},
            headers={"Upload-Offset": str(upload.received)},
        )
    if len(chunk) > max_chunk_bytes():
        raise PayloadTooLarge(
            "分块过大 (chunk too large)", {"chunk": [f"at most {max_chunk_bytes()} bytes"]}
        )
    if upload.received + len(chunk) > upload.length:
        raise ValidationFailed(
            "数据超出声明的长度 (more bytes than Upload-Length)",
            {"Upload-Offset": [f"{upload.received} + {len(chunk)} > {upload.length}"]},
        )
    try:
        with db.session.begin_nested():
            db.session.add(PhotoUploadChunk(upload_id=upload.id, start=offset, data=chunk))
    except IntegrityError:
        # The same chunk arrived through another request at the same moment; it won.
        raise Conflict(
            "该分块已由另一请求写入 (this chunk was written by another request)",
            headers={"Upload-Offset": str(offset)},
        ) from None
    upload.received += len(chunk)
    upload.updated_at = utcnow()
    db.session.flush()
    if upload.received < upload.length:
        return Appended(upload, None)
    return Appended(upload, _complete(upload, user))


def _complete(upload: PhotoUpload, user: User) -> services.Stored:
    """Check the whole file's hash and ingest it; a refused file is discarded (kept refused:
    its upload is deleted even though the answer is an error)."""
    parts = db.session.scalars(
        sa.select(PhotoUploadChunk.data)
        .where(PhotoUploadChunk.upload_id == upload.id)
        .order_by(PhotoUploadChunk.start)
    )
    data = b"".join(parts)
    actual = hashlib.sha256(data).hexdigest()
    try:
        if actual != upload.sha256:
            raise Conflict(
                "照片内容与声明的哈希不符,请重新上传 (bytes do not match the sha256: upload again)",
                {"sha256": [f"received bytes hash to {actual}"]},
                code="hash_mismatch",
            )
        stored = services.ingest(data, upload.sha256, user)
    except AppError:
        _delete(upload)
        keep_changes_on_error()
        raise
    _delete(upload)
    return stored


def terminate(upload_id: str, user: User) -> None:
    _delete(find(upload_id, user, lock=True))


def _delete(upload: PhotoUpload) -> None:
    db.session.execute(
        sa.delete(PhotoUploadChunk)
        .where(PhotoUploadChunk.upload_id == upload.id)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(upload)
    db.session.flush()


def prune_expired(now: datetime | None = None) -> int:
    """Delete uploads past their expiry (and their chunks); returns how many went."""
    expired = sa.select(PhotoUpload.id).where(PhotoUpload.expires_at <= (now or utcnow()))
    quietly = {"synchronize_session": False}
    db.session.execute(
        sa.delete(PhotoUploadChunk).where(PhotoUploadChunk.upload_id.in_(expired)),
        execution_options=quietly,
    )
    result = db.session.execute(
        sa.delete(PhotoUpload).where(PhotoUpload.id.in_(expired)), execution_options=quietly
    )
    return result.rowcount or 0
