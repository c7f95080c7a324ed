"""考评 assessments: versioned forms (one per assessor kind) and one assessment per estate,
quarter and assessor kind.

A form version's content never changes once written; an assessment names the version it was
given on. A later submission by the same kind for the same estate and quarter replaces the
ratings and records who submitted it and when (the first submitter and time are kept too).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.checklists.models import VersionStatus
from backend.clock import utcnow
from backend.database import UTCDateTime, db
from backend.immutable import immutable


class AssessorKind(enum.StrEnum):
    committee = "committee"  # 业主委员会
    community = "community"  # 社区居民委员会
    street = "street"  # 街道办事处


def _kind_column() -> Any:
    return sa.Enum(
        AssessorKind, name="assessor_kind", native_enum=False, length=16, validate_strings=True
    )


class AssessmentForm(db.Model):
    __tablename__ = "assessment_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AssessorKind] = mapped_column(_kind_column(), unique=True)
    title_zh: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssessmentFormVersion(db.Model):
    __tablename__ = "assessment_form_versions"
    __table_args__ = (
        sa.UniqueConstraint("form_id", "number", name="uq_assessment_form_versions_number"),
        sa.UniqueConstraint(
            "form_id", "content_hash", name="uq_assessment_form_versions_content_hash"
        ),
        sa.Index(
            "uq_assessment_form_versions_one_active",
            "form_id",
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_forms.id"), index=True)
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[VersionStatus] = mapped_column(
        sa.Enum(
            VersionStatus,
            name="assessment_form_version_status",
            native_enum=False,
            length=16,
            validate_strings=True,
        ),
        default=VersionStatus.active,
    )
    source: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    form: Mapped[AssessmentForm] = relationship()


immutable(
    AssessmentFormVersion,
    ("form_id", "number", "content_hash", "definition"),
    "assessment form version",
)


class Assessment(db.Model):
    __tablename__ = "assessments"
    __table_args__ = (
        # One per estate, quarter and assessor kind: a later submission replaces this row.
        sa.UniqueConstraint("estate_id", "period_start", "kind", name="uq_assessments_one"),
        sa.Index("ix_assessments_period", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"))
    period_start: Mapped[date]
    kind: Mapped[AssessorKind] = mapped_column(_kind_column())
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_form_versions.id"))
    ratings: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    first_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[AssessmentFormVersion] = relationship()
