"""What a ticket's reader needs beyond its own columns: the estate's name and address, who found
the problem, and the names of the people in its history (one query for all the names)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend.accounts.models import User
from backend.database import db
from backend.places.models import Estate
from backend.tickets.models import Ticket, TicketSource


def _names(ids: set[int]) -> dict[int, str]:
    """Display names by user id (the username where a display name was never set)."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(User.id, User.display_name, User.username).where(User.id.in_(sorted(ids)))
    )
    return {id_: display or username for id_, display, username in rows}


def _channel(ticket: Ticket) -> str | None:
    """Where a complaint came from: the channel its dispatch event records."""
    for event in ticket.events:
        if event.action == "dispatch":
            return (event.data or {}).get("channel")
    return None


def attach(ticket: Ticket) -> Ticket:
    """Set estate_name, estate_address, found_by and each event's actor_name on the ticket."""
    estate = db.session.execute(
        sa.select(Estate.name, Estate.address).where(Estate.id == ticket.estate_id)
    ).one()
    ids = {e.actor_id for e in ticket.events if e.actor_id is not None}
    if ticket.created_by_id is not None:
        ids.add(ticket.created_by_id)
    names = _names(ids)
    found_by: dict[str, Any] = {"user_id": None, "name": None, "channel": None}
    if ticket.source is TicketSource.complaint:
        found_by["channel"] = _channel(ticket)
    if ticket.created_by_id is not None:
        found_by.update(user_id=ticket.created_by_id, name=names.get(ticket.created_by_id))
    ticket.estate_name, ticket.estate_address = estate.name, estate.address  # type: ignore[attr-defined]
    ticket.found_by = found_by  # type: ignore[attr-defined]
    for event in ticket.events:
        event.actor_name = names.get(event.actor_id) if event.actor_id is not None else None  # type: ignore[attr-defined]
    return ticket
