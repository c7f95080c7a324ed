"""What supervisors decide about a listed estate: append-only notes per estate and period.

A note is a classification (one of three categories), a measure decided, or a follow-up. Nothing
is overwritten: the current classification is the latest one, and the whole history is kept
with who wrote each note and when.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import UTCDateTime, db


class NoteKind(enum.StrEnum):
    classification = "classification"
    measure = "measure"  # the measure decided (整治措施)
    follow_up = "follow_up"  # what was done since (跟进)


class Category(enum.StrEnum):
    legacy = "legacy"  # 服务较好但历史遗留问题多
    poor_service = "poor_service"  # 服务质量差
    self_governance = "self_governance"  # 可自治


CATEGORY_NAMES = {
    Category.legacy: "服务较好但历史遗留问题多",
    Category.poor_service: "服务质量差",
    Category.self_governance: "可自治",
}
KIND_NAMES = {
    NoteKind.classification: "分类",
    NoteKind.measure: "整治措施",
    NoteKind.follow_up: "跟进",
}


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    return sa.Enum(cls, name=name, native_enum=False, length=16, validate_strings=True)


class WatchNote(db.Model):
    __tablename__ = "watch_notes"
    __table_args__ = (
        sa.Index("ix_watch_notes_period_estate", "period", "estate_id"),
        # A classification names its category; other notes never do.
        sa.CheckConstraint(
            "(kind = 'classification') = (category IS NOT NULL)", name="category_iff_classified"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"))
    period: Mapped[str] = mapped_column(sa.String(8))  # 2026Q4 or 2026-11
    kind: Mapped[NoteKind] = mapped_column(_enum(NoteKind, "watch_note_kind"))
    category: Mapped[Category | None] = mapped_column(
        _enum(Category, "watch_category"), nullable=True
    )
    text: Mapped[str] = mapped_column(sa.Text, default="")
    noted_on: Mapped[date]  # the Beijing day the measure or follow-up is dated
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@sa.event.listens_for(WatchNote, "before_update")
@sa.event.listens_for(WatchNote, "before_delete")
def _append_only(_mapper: Any, _connection: Any, target: Any) -> None:
    raise ValueError(f"{type(target).__name__} rows are append-only")
