"""Milestones of 物业管理全覆盖: by a date, a district's formerly unmanaged old estates covered to a
share. Data, not code: administrators add and remove them (seeded with the plan's targets)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.database import UTCDateTime, db
from backend.places.models import District


class CoverageMilestone(db.Model):
    __tablename__ = "coverage_milestones"
    __table_args__ = (
        sa.UniqueConstraint("district_id", "target_date"),
        sa.CheckConstraint(
            "target_percent >= 1 AND target_percent <= 100", name="percent_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    target_date: Mapped[date]  # the share is read at the end of this Beijing day
    target_percent: Mapped[int]  # whole percent, 1..100
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    district: Mapped[District] = relationship()
