"""The demo's 催办: each working morning a supervisor in scope (the street's, else the district's,
else the administrator) urges up to three overdue tickets nobody urged yet; the unit acknowledges
most of them an hour to a day later, some never. So every scorecard shows urges on first start."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from backend.accounts.models import User
from backend.accounts.services import scope_of
from backend.database import db
from backend.notifications import urges
from backend.notifications.models import TicketUrge
from backend.places import services as places
from backend.places.models import Estate
from backend.tickets.models import OPEN_STATES, Ticket

NOTE = "已逾期,请尽快整改并在系统中回复"


def _sees(user: User, estate_id: int) -> bool:
    visible = places.estate_visibility(scope_of(user))
    return (
        db.session.scalar(sa.select(Estate.id).where(Estate.id == estate_id, visible)) is not None
    )


def urge_overdue(
    now: datetime,
    supervisors: Sequence[User],
    later: Callable[[datetime, Callable[[], None]], None],
    rng: random.Random,
) -> None:
    overdue = db.session.scalars(
        sa.select(Ticket)
        .where(Ticket.overdue_at(now), Ticket.id.not_in(sa.select(TicketUrge.ticket_id)))
        .order_by(Ticket.due_at, Ticket.id)
        .limit(3)
    ).all()
    for ticket in overdue:
        boss = next((s for s in supervisors if _sees(s, ticket.estate_id)), None)
        if boss is None:
            continue
        urges.urge(ticket, boss, NOTE)
        if rng.random() < 0.75:
            hours = rng.choice((1, 2, 3, 5, 26))
            later(now + timedelta(hours=hours), lambda t=ticket: _acknowledge(t))


def _acknowledge(ticket: Ticket) -> None:
    if ticket.state not in OPEN_STATES:
        return
    firm_user = db.session.scalar(
        sa.select(User)
        .where(User.organisation_id == ticket.responsible_org_id, User.is_active.is_(True))
        .order_by(User.id)
    )
    if firm_user is not None:
        urges.acknowledge(ticket, firm_user)
