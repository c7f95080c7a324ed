"""Inspections made on phones, identified by the phone's UUID, and their item results.

`body_hash` is the SHA-256 of the normalised request that produced the stored state: a repeat of
the same request is recognised and answered from what is stored, whatever order it arrives in.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geometry, WKBElement
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.database import UTCDateTime, db


class InspectionStatus(enum.StrEnum):
    draft = "draft"  # saved on the way; may be changed and resumed
    submitted = "submitted"  # final; a change is a new inspection that replaces it
    superseded = "superseded"  # replaced by a newer version (kept for history)


class Outcome(enum.StrEnum):
    passed = "pass"
    failed = "fail"
    not_applicable = "not_applicable"


def _point() -> Geometry:
    return Geometry("POINT", srid=4326, spatial_index=False)


class Inspection(db.Model):
    __tablename__ = "inspections"
    __table_args__ = (
        sa.Index("ix_inspections_estate_started", "estate_id", "started_at"),
        sa.Index("ix_inspections_inspector_started", "inspector_id", "started_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # client UUID, lowercase
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"))
    checklist_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checklist_versions.id"), index=True
    )
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[InspectionStatus] = mapped_column(
        sa.Enum(
            InspectionStatus,
            name="inspection_status",
            native_enum=False,
            length=16,
            validate_strings=True,
        ),
        index=True,
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    position: Mapped[WKBElement | None] = mapped_column(_point(), nullable=True)
    position_accuracy_m: Mapped[float | None] = mapped_column(nullable=True)
    track: Mapped[list[Any] | None] = mapped_column(sa.JSON, nullable=True)
    replaces_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("inspections.id"), nullable=True, unique=True
    )
    body_hash: Mapped[str] = mapped_column(sa.String(64))
    total_score: Mapped[float | None] = mapped_column(nullable=True)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    results: Mapped[list[InspectionResult]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan", order_by="InspectionResult.id"
    )
    area_scores: Mapped[list[AreaScore]] = relationship(
        cascade="all, delete-orphan", order_by="AreaScore.area"
    )


class AreaScore(db.Model):
    """One row per area so lists can filter on an area's score in SQL on both databases."""

    __tablename__ = "inspection_area_scores"

    inspection_id: Mapped[str] = mapped_column(
        sa.ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    score: Mapped[float | None] = mapped_column(nullable=True)


class InspectionResult(db.Model):
    __tablename__ = "inspection_results"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[str] = mapped_column(
        sa.ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    item_code: Mapped[str] = mapped_column(sa.String(16))
    outcome: Mapped[Outcome] = mapped_column(
        sa.Enum(
            Outcome,
            name="result_outcome",
            native_enum=False,
            length=16,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        ),
    )
    value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[WKBElement | None] = mapped_column(_point(), nullable=True)
    position_accuracy_m: Mapped[float | None] = mapped_column(nullable=True)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    inspection: Mapped[Inspection] = relationship(back_populates="results")
    photos: Mapped[list[ResultPhoto]] = relationship(
        cascade="all, delete-orphan", order_by="ResultPhoto.position"
    )

    @property
    def photo_hashes(self) -> list[str]:
        return [link.photo_sha256 for link in self.photos]

    @property
    def attachments(self) -> list[dict[str, Any]]:
        """Each photo with its capture metadata and the evidence flags about it."""
        flags = self.evidence or []
        return [
            {
                "sha256": sha,
                "capture": link.capture,
                "evidence": [f for f in flags if f.get("detail", {}).get("photo") == sha],
            }
            for link in self.photos
            for sha in (link.photo_sha256,)
        ]


class ResultPhoto(db.Model):
    """A finding's reference to a photo by hash; the photo itself may arrive before or after."""

    __tablename__ = "inspection_result_photos"

    result_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inspection_results.id", ondelete="CASCADE"), primary_key=True
    )
    photo_sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)
    # What the phone knew when the photo was taken or picked (backend/photos/captures.py).
    capture: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, nullable=True)
