"""催办 (urging): a supervisor in scope urges the responsible unit on an open ticket with a note.
It is a ticket event (`urge`, so the outbox carries it and the notifier tells the unit's users at
once on every channel, quiet hours and SMS cap notwithstanding); the unit acknowledges in the app
(`urge_ack`). Urges are counted per unit from these rows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from backend.accounts.models import User
from backend.clock import utcnow
from backend.database import db
from backend.errors import Conflict, Forbidden
from backend.notifications.models import TicketUrge
from backend.tickets import trail
from backend.tickets.models import OPEN_STATES, Ticket


def urge(ticket: Ticket, user: User, note: str) -> TicketUrge:
    if ticket.state not in OPEN_STATES:
        raise Conflict("工单已结束，无需催办 (the ticket is no longer open)")
    row = TicketUrge(
        ticket_id=ticket.id,
        organisation_id=ticket.responsible_org_id,
        note=note,
        urged_by_id=user.id,
        urged_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    trail.record(
        ticket,
        "urge",
        user,
        from_state=ticket.state.value,
        reason=note,
        data={"urge_id": row.id, "organisation_id": ticket.responsible_org_id},
    )
    return row


def acknowledge(ticket: Ticket, user: User) -> list[TicketUrge]:
    """The unit's user acknowledges every open urge of the ticket (again: no change)."""
    if user.organisation_id is None or user.organisation_id != ticket.responsible_org_id:
        raise Forbidden("只有责任单位可以确认催办 (only the responsible unit acknowledges)")
    pending = db.session.scalars(
        sa.select(TicketUrge).where(
            TicketUrge.ticket_id == ticket.id,
            TicketUrge.organisation_id == ticket.responsible_org_id,
            TicketUrge.acknowledged_at.is_(None),
        )
    ).all()
    now = utcnow()
    for row in pending:
        row.acknowledged_at, row.acknowledged_by_id = now, user.id
    if pending:
        trail.record(
            ticket,
            "urge_ack",
            user,
            from_state=ticket.state.value,
            data={"urge_ids": [row.id for row in pending]},
        )
    return list_for(ticket)


def list_for(ticket: Ticket) -> list[TicketUrge]:
    return list(
        db.session.scalars(
            sa.select(TicketUrge).where(TicketUrge.ticket_id == ticket.id).order_by(TicketUrge.id)
        )
    )


def counts_by_org(start: datetime, end: datetime) -> dict[int, dict[str, int]]:
    """Urges per unit in [start, end): all, and those still unacknowledged (for scorecards)."""
    rows = db.session.execute(
        sa.select(
            TicketUrge.organisation_id,
            sa.func.count(),
            sa.func.count().filter(TicketUrge.acknowledged_at.is_(None)),
        )
        .where(TicketUrge.urged_at >= start, TicketUrge.urged_at < end)
        .group_by(TicketUrge.organisation_id)
    )
    return {org: {"urges": n, "unacknowledged": open_} for org, n, open_ in rows}
