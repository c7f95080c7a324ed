"""Plans, their dated versions, and the tasks generated from them.

A plan's rules live in versions: a change closes the current version the day before it applies
and adds a new one, so the tasks of the past keep the rules they were made under. A task stores
only what cannot be derived: its window (copied from the version that made it) and which
inspection fulfilled it and when that inspection was captured. Its state is derived from those
and the time (`task_state` in Python, `Task.state_at` in SQL: one definition).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.database import UTCDateTime, constant, db


class AreaKind(enum.StrEnum):
    grid = "grid"
    street = "street"
    district = "district"
    estates = "estates"  # an explicit list


class ScheduleKind(enum.StrEnum):
    every_n_working_days = "every_n_working_days"
    weekly = "weekly"  # on given weekdays (moved to the next working day when off)
    monthly = "monthly"  # from the first working day of each month


class TaskState(enum.StrEnum):
    upcoming = "upcoming"
    due = "due"
    done = "done"
    done_late = "done_late"
    missed = "missed"


def task_state(
    opens_at: datetime,
    closes_at: datetime,
    grace_until: datetime,
    fulfilled_at: datetime | None,
    now: datetime,
) -> TaskState:
    """The one definition of a task's state. `fulfilled_at` is the capture time of the
    fulfilling inspection; a task is due until its grace ends, then missed."""
    if fulfilled_at is not None:
        return TaskState.done if fulfilled_at < closes_at else TaskState.done_late
    if now < opens_at:
        return TaskState.upcoming
    return TaskState.due if now < grace_until else TaskState.missed


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    return sa.Enum(cls, name=name, native_enum=False, length=32, validate_strings=True)


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    checklist_id: Mapped[int] = mapped_column(sa.ForeignKey("checklists.id"), index=True)
    # Whose plan it is: supervisors of this district manage it; None = city-wide (admins).
    district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("districts.id"), nullable=True, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.effective_from"
    )


class PlanVersion(db.Model):
    """A plan's rules from `effective_from` to `effective_to` (inclusive; None = open)."""

    __tablename__ = "plan_versions"
    __table_args__ = (
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_to >= effective_from", name="dates_ordered"
        ),
        sa.CheckConstraint("window_days >= 1 AND grace_days >= 0", name="window_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    effective_from: Mapped[date]
    effective_to: Mapped[date | None] = mapped_column(nullable=True)
    area_kind: Mapped[AreaKind] = mapped_column(_enum(AreaKind, "plan_area_kind"))
    area_id: Mapped[int | None] = mapped_column(nullable=True)  # grid, street or district id
    estate_ids: Mapped[list[int] | None] = mapped_column(sa.JSON, nullable=True)
    schedule: Mapped[ScheduleKind] = mapped_column(_enum(ScheduleKind, "plan_schedule"))
    every_n: Mapped[int | None] = mapped_column(nullable=True)
    weekdays: Mapped[list[int] | None] = mapped_column(sa.JSON, nullable=True)  # 0 = Monday
    window_days: Mapped[int]  # working days the task is open
    grace_days: Mapped[int] = mapped_column(default=0)  # working days it may still be done late
    # None: the inspectors of each estate's grid when the task is made.
    assignee_ids: Mapped[list[int] | None] = mapped_column(sa.JSON, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="versions")


task_assignees = sa.Table(
    "task_assignees",
    db.metadata,
    sa.Column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        # One task per plan, estate and window: generators racing insert it once.
        sa.UniqueConstraint("plan_id", "estate_id", "opens_at", name="uq_tasks_plan_estate_opens"),
        sa.Index("ix_tasks_estate_opens", "estate_id", "opens_at"),
        sa.Index("ix_tasks_grace_until", "grace_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"))
    plan_version_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_versions.id"), index=True)
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"))
    checklist_id: Mapped[int] = mapped_column(sa.ForeignKey("checklists.id"))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)  # window start (inclusive)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)  # window end (exclusive)
    grace_until: Mapped[datetime] = mapped_column(UTCDateTime)  # late until (exclusive)
    inspection_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("inspections.id"), nullable=True, unique=True
    )
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignees: Mapped[list[Any]] = relationship(
        "User", secondary=task_assignees, order_by="User.id", viewonly=True
    )

    @hybrid_method
    def state_at(self, now: datetime) -> TaskState:
        return task_state(self.opens_at, self.closes_at, self.grace_until, self.fulfilled_at, now)

    @state_at.inplace.expression
    @classmethod
    def _state_at_sql(cls, now: datetime) -> sa.ColumnElement[str]:
        return sa.case(
            (
                cls.fulfilled_at.is_not(None),
                sa.case(
                    (cls.fulfilled_at < cls.closes_at, constant(TaskState.done)),
                    else_=constant(TaskState.done_late),
                ),
            ),
            (cls.opens_at > now, constant(TaskState.upcoming)),
            (cls.grace_until > now, constant(TaskState.due)),
            else_=constant(TaskState.missed),
        )
