"""Rectification tickets (整改工单), their append-only audit trail and the integration outbox."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geometry, WKBElement
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.database import UTCDateTime, db, in_constants
from backend.tickets.codes import ticket_code


class TicketState(enum.StrEnum):
    dispatched = "dispatched"  # 派遣: waiting for the responsible unit
    accepted = "accepted"  # 受理
    rectified = "rectified"  # 已整改, awaiting verification on site
    rework = "rework"  # 返工: verification failed, back to the unit
    disputed = "disputed"  # the unit says it is not theirs; a supervisor decides
    closed = "closed"  # 结案
    cancelled = "cancelled"


OPEN_STATES = frozenset(TicketState) - {TicketState.closed, TicketState.cancelled}
# States in which the responsible unit owes work; overdue applies to these.
UNIT_STATES = frozenset({TicketState.dispatched, TicketState.accepted, TicketState.rework})


def overdue(state: TicketState, due_at: datetime, now: datetime) -> bool:
    """逾期: the unit still owes the work and its deadline has passed. The one definition of
    overdue: Ticket.overdue_at(now) is this in Python and the same rule in SQL (lists, map,
    escalation, scorecards, exports)."""
    return state in UNIT_STATES and due_at < now


class TicketSource(enum.StrEnum):
    inspection = "inspection"
    manual = "manual"
    complaint = "complaint"


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    return sa.Enum(cls, name=name, native_enum=False, length=16, validate_strings=True)


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        # One ticket per failed item of an inspection: replays cannot create a second one.
        sa.UniqueConstraint("inspection_id", "item_code", name="uq_tickets_inspection_item"),
        sa.Index("ix_tickets_estate_item_state", "estate_id", "item_code", "state"),
        sa.Index("ix_tickets_org_state_due", "responsible_org_id", "state", "due_at"),
        sa.Index("ix_tickets_state_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"))
    source: Mapped[TicketSource] = mapped_column(_enum(TicketSource, "ticket_source"))
    inspection_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("inspections.id"), nullable=True
    )
    item_code: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(64), index=True)
    area: Mapped[str] = mapped_column(sa.String(32))
    severity: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[WKBElement | None] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=True), nullable=True
    )
    state: Mapped[TicketState] = mapped_column(_enum(TicketState, "ticket_state"))
    responsible_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    responsible_basis: Mapped[str] = mapped_column(sa.String(32))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rework_count: Mapped[int] = mapped_column(default=0)
    recurrence_count: Mapped[int] = mapped_column(default=0)
    extension_count: Mapped[int] = mapped_column(default=0)
    escalation_level: Mapped[int] = mapped_column(default=0)  # 0 none, 1 street, 2 district
    repeat_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    events: Mapped[list[TicketEvent]] = relationship(order_by="TicketEvent.id", viewonly=True)
    photos: Mapped[list[TicketPhoto]] = relationship(order_by="TicketPhoto.id", viewonly=True)

    # Optimistic concurrency: every UPDATE checks and bumps the version (stale → StaleDataError).
    __mapper_args__ = {"version_id_col": version}

    @property
    def code(self) -> str:
        return ticket_code(self.id, self.dispatched_at)

    @hybrid_method
    def overdue_at(self, now: datetime) -> bool:
        return overdue(self.state, self.due_at, now)

    @overdue_at.inplace.expression
    @classmethod
    def _overdue_at_sql(cls, now: datetime) -> sa.ColumnElement[bool]:
        # Inline constants: the planner matches the partial index over the unit's states.
        return sa.and_(in_constants(cls.state, UNIT_STATES), cls.due_at < now)

    @property
    def evidence(self) -> list[dict[str, Any]]:
        """Evidence flags of the latest rectification's after-photos."""
        after = [p for p in self.photos if p.kind is PhotoKind.after]
        if not after:
            return []
        latest = max(p.event_id or 0 for p in after)
        return [f for p in after if (p.event_id or 0) == latest for f in p.evidence or []]


class TicketParty(db.Model):
    """Every organisation a ticket was ever routed to (firms keep read access to what they had)."""

    __tablename__ = "ticket_parties"

    ticket_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), primary_key=True, index=True
    )


class PhotoKind(enum.StrEnum):
    before = "before"
    after = "after"
    verification = "verification"


class TicketPhoto(db.Model):
    __tablename__ = "ticket_photos"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "photo_sha256", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    photo_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[PhotoKind] = mapped_column(_enum(PhotoKind, "ticket_photo_kind"))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket_events.id"), nullable=True)
    # What the phone knew when the photo was taken or picked (backend/photos/captures.py).
    capture: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, nullable=True)
    # After-photos: evidence flags frozen when the rectification is recorded; `flagged` lets
    # the scorecards count flagged rectifications in SQL.
    evidence: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON, nullable=True)
    flagged: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class TicketEvent(db.Model):
    """Append-only audit trail: who did what, when, from which state to which, and why."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    from_state: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    to_state: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class OutboxEvent(db.Model):
    """The same events for other systems, written in the same transaction; `id` is the cursor."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_event_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket_events.id"), unique=True)
    topic: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExtensionStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    denied = "denied"


class ExtensionRequest(db.Model):
    """延期: the unit asks for more time; a supervisor approves or denies."""

    __tablename__ = "ticket_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    amount: Mapped[int]
    unit: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ExtensionStatus] = mapped_column(
        _enum(ExtensionStatus, "extension_status"), default=ExtensionStatus.pending
    )
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


@sa.event.listens_for(TicketEvent, "before_update")
@sa.event.listens_for(TicketEvent, "before_delete")
@sa.event.listens_for(OutboxEvent, "before_update")
@sa.event.listens_for(OutboxEvent, "before_delete")
def _append_only(_mapper: Any, _connection: Any, target: Any) -> None:
    raise ValueError(f"{type(target).__name__} rows are append-only")
