"""回访 (revisits): the resident's short link to a ticket, and their answers, one per closure.

An answer is a fact frozen when given: which closure it judges (the `verify` event that closed the
ticket), the unit that had closed it, the estate, and whether it reopened the ticket. Figures
(满意率, mean rating) are always counted from these rows, never kept as counters.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import UTCDateTime, db


class RevisitLink(db.Model):
    """The short link token of a resident's ticket (a clerk reads it out or sends it by SMS).
    Open311 tickets are also reached by their request's own token."""

    __tablename__ = "revisit_links"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RevisitChannel(enum.StrEnum):
    link = "link"  # the resident on the page of their link
    open311 = "open311"  # a hotline collected it by phone and posted it


class RevisitAnswer(db.Model):
    """One answer per closure of a ticket (the unique closure event makes replays and races
    store one row)."""

    __tablename__ = "revisit_answers"
    __table_args__ = (
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        sa.Index("ix_revisit_answers_org_answered", "organisation_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    closure_event_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket_events.id"), unique=True)
    # The unit that had closed the ticket, and its estate, as they were when answered.
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"), index=True)
    resolved: Mapped[bool]
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    channel: Mapped[RevisitChannel] = mapped_column(
        sa.Enum(
            RevisitChannel,
            name="revisit_channel",
            native_enum=False,
            length=16,
            validate_strings=True,
        )
    )
    channel_name: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    # True when this "not solved" sent the ticket back as rework (at most one per ticket).
    reopened: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def satisfied(self) -> bool:
        from backend.revisits.formulas import satisfied

        return satisfied(self.resolved, self.rating)
