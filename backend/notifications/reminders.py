"""Deadline reminders: to the responsible unit one working day before a ticket's deadline
(工单即将到期) and once it is overdue (工单已逾期).

They are not outbox events: each run looks at the tickets the unit still owes and queues what is
due now, keyed by ticket, deadline and kind (`reminder:due_soon:{ticket}:{deadline}`), so every
run after the first finds the key and queues nothing, and an extended deadline (a new key) is
reminded again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa

from backend.accounts.models import User
from backend.checklists.calendar import WorkingHours, working_hours_between
from backend.checklists.services import working_hours
from backend.clock import utcnow
from backend.database import db, in_constants
from backend.notifications import channels as ch
from backend.notifications import digests
from backend.notifications.notifier import insert_new, plan
from backend.notifications.rules import Message, org_users, ticket_body
from backend.places.models import Estate
from backend.tickets.models import UNIT_STATES, Ticket

# A working day before the deadline may be a week of calendar days before it (Spring Festival).
LOOKAHEAD = timedelta(days=12)
CHUNK = 1000
TITLES = {"due_soon": "工单即将到期", "overdue": "工单已逾期"}


def _owed(now: datetime) -> Iterator[list[tuple[Ticket, str]]]:
    """Tickets the unit owes with a deadline before now + LOOKAHEAD, with their estate's name,
    in chunks (10,000 tickets are not one list of ORM rows)."""
    after = 0
    while True:
        rows = db.session.execute(
            sa.select(Ticket, Estate.name)
            .join(Estate, Estate.id == Ticket.estate_id)
            .where(
                in_constants(Ticket.state, UNIT_STATES),
                Ticket.due_at < now + LOOKAHEAD,
                Ticket.id > after,
            )
            .order_by(Ticket.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        yield [(ticket, name) for ticket, name in rows]
        after = rows[-1][0].id


def kind_at(ticket: Ticket, now: datetime, hours: WorkingHours) -> str | None:
    """overdue past the deadline; due_soon within one working day of it; else nothing yet."""
    if ticket.due_at < now:
        return "overdue"
    day = hours.length.total_seconds() / 3600
    if working_hours_between(now, ticket.due_at, hours) <= day:
        return "due_soon"
    return None


def queue_due(now: datetime | None = None) -> int:
    """Queue every reminder due now; returns how many deliveries were added. Does not commit."""
    now = now or utcnow()
    hours = working_hours()
    available = ch.senders()
    users: dict[int, list[User]] = {}
    digested = set(digests.busy_firms())  # told once a day in a digest instead
    added = 0
    for chunk in _owed(now):
        rows = []
        for ticket, estate_name in chunk:
            org = ticket.responsible_org_id
            kind = None if org in digested else kind_at(ticket, now, hours)
            if kind is None:
                continue
            if org not in users:
                users[org] = org_users(org)
            body = ticket_body(ticket, estate_name)
            message = Message(f"reminder.{kind}", ticket.id, TITLES[kind], body)
            source = f"reminder:{kind}:{ticket.id}:{int(ticket.due_at.timestamp())}"
            rows += plan(source, message, users[org], available)
        added += insert_new(rows)
    return added
