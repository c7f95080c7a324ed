"""A publication (公示) of a period's figures for one jurisdiction, frozen as a JSON snapshot.

The snapshot is written once and never recomputed: later ticket edits change the live
scorecards, never what was published. Republishing the same period and jurisdiction makes a new
version that supersedes the old one (which stays readable, so corrections are visible).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import UTCDateTime, db
from backend.immutable import immutable


class Disclosure(db.Model):
    __tablename__ = "disclosures"
    __table_args__ = (
        # Two publishers racing on the same period and jurisdiction cannot both take a version.
        sa.UniqueConstraint(
            "scope_key", "period_start", "period_end", "version", name="uq_disclosures_version"
        ),
        sa.Index("ix_disclosures_published_at", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)  # inclusive
    # "city", "district:<code>" or "street:<code>": the jurisdiction the figures cover.
    scope_key: Mapped[str] = mapped_column(sa.String(64))
    scope_level: Mapped[str] = mapped_column(sa.String(16))
    scope_name: Mapped[str] = mapped_column(sa.String(100))
    district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("districts.id"), nullable=True, index=True
    )
    street_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("streets.id"), nullable=True, index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("disclosures.id"), nullable=True
    )
    superseded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("disclosures.id"), nullable=True
    )
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Internal only (who published): never part of the public answers.
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


# Once published, only the link to a newer version may change.
FROZEN = ("title", "period_start", "period_end", "scope_key", "version", "published_at", "snapshot")
immutable(Disclosure, FROZEN, "a published disclosure's")
