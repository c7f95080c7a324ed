"""Checklists and their immutable versions.

A version's content (the validated definition, stored as canonical JSON, and its hash) never
changes once written: importing a changed file makes a new version, and an inspection names the
exact version it was done with. Only the status moves: draft → active → retired.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.database import UTCDateTime, db
from backend.immutable import immutable


class VersionStatus(enum.StrEnum):
    draft = "draft"  # imported, not yet in use
    active = "active"  # what phones download for new inspections
    retired = "retired"  # kept readable for history; no new inspections


class Checklist(db.Model):
    __tablename__ = "checklists"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[ChecklistVersion]] = relationship(
        back_populates="checklist", order_by="ChecklistVersion.number"
    )


class ChecklistVersion(db.Model):
    __tablename__ = "checklist_versions"
    __table_args__ = (
        sa.UniqueConstraint("checklist_id", "number", name="uq_checklist_versions_number"),
        sa.UniqueConstraint(
            "checklist_id", "content_hash", name="uq_checklist_versions_content_hash"
        ),
        # At most one active version per checklist, enforced by the database on both backends.
        sa.Index(
            "uq_checklist_versions_one_active",
            "checklist_id",
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(sa.ForeignKey("checklists.id"), index=True)
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    item_count: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(
        sa.Enum(
            VersionStatus,
            name="version_status",
            native_enum=False,
            length=16,
            validate_strings=True,
        ),
        default=VersionStatus.draft,
    )
    source: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    checklist: Mapped[Checklist] = relationship(back_populates="versions")


IMMUTABLE_VERSION_FIELDS = ("checklist_id", "number", "content_hash", "definition", "item_count")


immutable(ChecklistVersion, IMMUTABLE_VERSION_FIELDS, "checklist version")
