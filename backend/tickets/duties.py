"""Segregation of duties (职责分离): nobody checks their own work.

A street office's staff are both the unit that owes work on the estates it holds and the
supervisors of its street, so role guards alone would let one person ask for more time and
grant it, or rectify a ticket and then verify it.
"""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.database import db
from backend.tickets.models import ExtensionRequest, ExtensionStatus, Ticket, TicketEvent

RULES = {
    "approve_extension": (
        "不能批准自己提出的延期申请(职责分离)"
        " (segregation of duties: whoever requested an extension cannot approve it)"
    ),
    "verify": (
        "不能验收自己整改的工单(职责分离)"
        " (segregation of duties: whoever rectified a ticket cannot verify it)"
    ),
}


def own_work(ticket: Ticket, action: str, user: User) -> bool:
    """Whether `action` would have `user` approve their own request or verify their own fix."""
    if action == "approve_extension":
        query = sa.select(ExtensionRequest.id).where(
            ExtensionRequest.ticket_id == ticket.id,
            ExtensionRequest.status == ExtensionStatus.pending,
            ExtensionRequest.requested_by_id == user.id,
        )
    elif action == "verify":
        # Any rectification of theirs on this ticket: the fix verified builds on it.
        query = sa.select(TicketEvent.id).where(
            TicketEvent.ticket_id == ticket.id,
            TicketEvent.action == "rectify",
            TicketEvent.actor_id == user.id,
        )
    else:
        return False
    return db.session.scalar(query.limit(1)) is not None


def conflicts(ticket: Ticket, actions: list[str], user: User) -> set[str]:
    return {action for action in actions if action in RULES and own_work(ticket, action, user)}
