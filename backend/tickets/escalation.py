"""Escalation of overdue tickets: street office first, then the district (数字城管 practice).

The level a ticket should have is a function of the time, so running this every minute (cron) is
idempotent: a second run finds nothing to raise. Every raise is an audit event.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from backend.checklists.calendar import add_working_time
from backend.checklists.services import working_hours
from backend.clock import utcnow
from backend.database import db
from backend.places.models import Estate, Organisation, OrgKind, Street
from backend.tickets import trail
from backend.tickets.models import Ticket

LEVELS = {1: "street", 2: "district"}


def due_level(ticket: Ticket, now: datetime) -> int:
    if not ticket.overdue_at(now):
        return 0
    after = current_app.config["ESCALATION_DISTRICT_AFTER_HOURS"]
    district_at = add_working_time(ticket.due_at, after, "working_hours", working_hours())
    return 2 if now >= district_at else 1


def escalate(now: datetime | None = None) -> int:
    """Raise every overdue ticket to the level it is due; returns how many raises were made."""
    now = now or utcnow()
    raised = 0
    overdue = sa.select(Ticket).where(Ticket.overdue_at(now), Ticket.escalation_level < 2)
    for ticket in db.session.scalars(overdue.order_by(Ticket.id)).all():
        target = due_level(ticket, now)
        while ticket.escalation_level < target:
            ticket.escalation_level += 1
            level = ticket.escalation_level
            trail.record(
                ticket,
                "escalate",
                None,
                from_state=ticket.state.value,
                data={
                    "level": level,
                    "to": LEVELS[level],
                    "organisation_id": _escalation_party(ticket, level),
                },
            )
            raised += 1
    db.session.flush()
    return raised


def _escalation_party(ticket: Ticket, level: int) -> int | None:
    street = db.session.scalar(
        sa.select(Street)
        .join(Estate, Estate.street_id == Street.id)
        .where(Estate.id == ticket.estate_id)
    )
    if level == 1:
        query = sa.select(Organisation.id).where(
            Organisation.kind == OrgKind.street_office, Organisation.street_id == street.id
        )
    else:
        query = sa.select(Organisation.id).where(
            Organisation.kind == OrgKind.district_authority,
            Organisation.district_id == street.district_id,
        )
    query = query.where(Organisation.is_active.is_(True))
    return db.session.scalar(query.order_by(Organisation.id))
