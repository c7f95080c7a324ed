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
