"""Stored photos, one row per content hash (the same picture is stored once)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import UTCDateTime, db


class Photo(db.Model):
    """Evidence metadata read from the original (kept privately); derivatives carry none."""

    __tablename__ = "photos"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(sa.String(32))
    size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    gps_lat: Mapped[float | None] = mapped_column(nullable=True)
    gps_lng: Mapped[float | None] = mapped_column(nullable=True)
    gps_accuracy_m: Mapped[float | None] = mapped_column(nullable=True)
    phash: Mapped[str] = mapped_column(sa.String(16), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def gps(self) -> tuple[float, float] | None:
        if self.gps_lat is None or self.gps_lng is None:
            return None
        return (self.gps_lat, self.gps_lng)


class PhotoUpload(db.Model):
    """A resumable (tus) upload in progress: shared by every worker and machine through the
    database, bounded in size (`length` ≤ PHOTO_MAX_BYTES) and age (`expires_at`)."""

    __tablename__ = "photo_uploads"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    mime: Mapped[str] = mapped_column(sa.String(64), default="")
    length: Mapped[int]
    received: Mapped[int] = mapped_column(default=0)  # the tus Upload-Offset
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PhotoUploadChunk(db.Model):
    """One complete PATCH body; a chunk cut off mid-way is never stored (the offset stays)."""

    __tablename__ = "photo_upload_chunks"

    upload_id: Mapped[str] = mapped_column(
        sa.ForeignKey("photo_uploads.id", ondelete="CASCADE"), primary_key=True
    )
    start: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
