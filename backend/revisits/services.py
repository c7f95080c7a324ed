"""回访 rules: the resident's link, what it shows, and their answer (one per closure).

A ticket that came from a resident (an Open311 complaint, or a case a supervisor registered by
hand from a phone call) gets a short link token when it is first closed; an Open311 request's own
token reaches it too. While the ticket is closed and the window (REVISIT_WINDOW_DAYS after the
closure) is open, the link takes one answer for that closure: solved or not, a 1–5 rating and an
optional comment. The first "not solved" of a ticket reopens it as rework (the workflow's `reopen`
action, an event with the resident's words and no actor); a later "not solved" (after the rework
was closed again) is recorded, counted and shown to supervisors, but reopens nothing.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from backend.checklists import services as checklists
from backend.clock import utcnow
from backend.database import db
from backend.open311.models import ServiceRequest
from backend.revisits.models import RevisitAnswer, RevisitChannel, RevisitLink
from backend.text import clean, problem
from backend.tickets import trail
from backend.tickets.models import Ticket, TicketEvent, TicketSource, TicketState

# Readable over the phone: no 0/O, 1/I/L; ten characters of 31 are about 49.5 bits.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_LENGTH = 10
RESIDENT_SOURCES = (TicketSource.complaint, TicketSource.manual)
MAX_COMMENT = 1000
REOPEN_REASON = "居民回访:问题没解决 (resident follow-up: not solved)"


class Status(enum.StrEnum):
    open = "open"  # the ticket is being worked on: nothing to answer yet
    ask = "ask"  # closed, window open, no answer for this closure yet
    answered = "answered"  # this closure has its answer
    expired = "expired"  # closed, window over, no answer
    cancelled = "cancelled"  # withdrawn by a supervisor: nothing to judge


class Refused(Exception):
    """An answer that cannot be taken; `status` says why (answered, expired, open…)."""

    def __init__(self, status: Status) -> None:
        super().__init__(status.value)
        self.status = status


def new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LENGTH))


def ensure_link(ticket: Ticket) -> RevisitLink | None:
    """The ticket's short link, made once (residents' tickets only)."""
    if ticket.source not in RESIDENT_SOURCES:
        return None
    link = db.session.get(RevisitLink, ticket.id)
    if link is None:
        link = RevisitLink(ticket_id=ticket.id, token=new_token())
        db.session.add(link)
        db.session.flush()
    return link


def on_ticket_closed(ticket: Ticket, **_: Any) -> None:
    """Receiver of signals.ticket_closed: a resident's closed ticket gets its link."""
    ensure_link(ticket)


def find_ticket(token: str) -> Ticket | None:
    """The resident's ticket a token names: a short link (any case, spaces and dashes ignored, as
    read out) or an Open311 request token (exact). Anything else names nothing."""
    if not token or len(token) > 64 or problem(token) is not None:
        return None
    short = token.replace("-", "").replace(" ", "").upper()
    ticket_id = None
    if len(short) == TOKEN_LENGTH and set(short) <= set(ALPHABET):
        ticket_id = db.session.scalar(
            sa.select(RevisitLink.ticket_id).where(RevisitLink.token == short)
        )
    if ticket_id is None:
        ticket_id = db.session.scalar(
            sa.select(ServiceRequest.ticket_id).where(ServiceRequest.token == token)
        )
    ticket = db.session.get(Ticket, ticket_id) if ticket_id is not None else None
    if ticket is None or ticket.source not in RESIDENT_SOURCES:
        return None
    return ticket


def window() -> timedelta:
    return timedelta(days=current_app.config["REVISIT_WINDOW_DAYS"])


def last_closure(ticket: Ticket) -> TicketEvent | None:
    """The event that closed the ticket this time (None unless it is closed)."""
    if ticket.state is not TicketState.closed:
        return None
    return db.session.scalar(
        sa.select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.to_state == TicketState.closed.value)
        .order_by(TicketEvent.id.desc())
        .limit(1)
    )


def answers_of(ticket_id: int) -> list[RevisitAnswer]:
    return list(
        db.session.scalars(
            sa.select(RevisitAnswer)
            .where(RevisitAnswer.ticket_id == ticket_id)
            .order_by(RevisitAnswer.id)
        )
    )


@dataclass(frozen=True)
class Visit:
    """What the resident's page (and the hotline) needs to know about a ticket now."""

    ticket: Ticket
    status: Status
    closure: TicketEvent | None
    answer: RevisitAnswer | None  # this closure's answer
    window_ends: datetime | None
    reopened_before: bool  # a "not solved" has already reopened it once

    @property
    def would_reopen(self) -> bool:
        return not self.reopened_before


def visit(ticket: Ticket, now: datetime | None = None) -> Visit:
    now = now or utcnow()
    answers = answers_of(ticket.id)
    reopened = any(a.reopened for a in answers)
    closure = last_closure(ticket)
    if closure is None:
        status = Status.cancelled if ticket.state is TicketState.cancelled else Status.open
        latest = answers[-1] if answers and status is Status.cancelled else None
        return Visit(ticket, status, None, latest, None, reopened)
    ends = (ticket.closed_at or closure.at) + window()
    answer = next((a for a in answers if a.closure_event_id == closure.id), None)
    if answer is not None:
        status = Status.answered
    elif now >= ends:
        status = Status.expired
    else:
        status = Status.ask
    return Visit(ticket, status, closure, answer, ends, reopened)


def latest_answer(ticket_id: int) -> RevisitAnswer | None:
    answers = answers_of(ticket_id)
    return answers[-1] if answers else None


def answer(
    ticket: Ticket,
    *,
    resolved: bool,
    rating: int,
    comment: str = "",
    channel: RevisitChannel = RevisitChannel.link,
    channel_name: str | None = None,
) -> RevisitAnswer:
    """Record the answer for the ticket's current closure; the first "not solved" reopens it.
    Raises Refused when there is nothing to answer (open), the window is over (expired) or the
    closure has its answer already (answered: a replay, or a second device)."""
    if not 1 <= rating <= 5:
        raise ValueError("rating must be 1–5")
    current = visit(ticket)
    if current.status is not Status.ask:
        raise Refused(current.status)
    text = clean(comment or "").strip()[:MAX_COMMENT]
    reopen = not resolved and not current.reopened_before
    row = RevisitAnswer(
        ticket_id=ticket.id,
        closure_event_id=current.closure.id,  # type: ignore[union-attr]
        organisation_id=ticket.responsible_org_id,
        estate_id=ticket.estate_id,
        resolved=resolved,
        rating=rating,
        comment=text,
        channel=channel,
        channel_name=channel_name,
        reopened=reopen,
        answered_at=utcnow(),
    )
    try:
        with db.session.begin_nested():  # two answers at once: the unique closure keeps one
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise Refused(Status.answered) from None
    if reopen:
        _reopen(ticket, text, channel, channel_name)
    return row


def _reopen(ticket: Ticket, words: str, channel: RevisitChannel, name: str | None) -> None:
    """The workflow's `reopen` (closed → rework): back to the same unit, with the resident's
    words (personal data masked), and no actor. Like a hotline's 重派 it gets a fresh deadline:
    the item's rectification time from now (the old one stays if the item is no longer in an
    active checklist)."""
    from backend.open311.services import masked

    before, old_due = ticket.state, ticket.due_at
    ticket.state = TicketState.rework
    ticket.closed_at = None
    ticket.rework_count += 1
    item = checklists.active_item(ticket.item_code)
    if item is not None:
        due = checklists.due_for(item, utcnow())
        ticket.due_at, ticket.due_provisional = due.at, due.provisional
    reason = f"{REOPEN_REASON}: {masked(words)}" if words else REOPEN_REASON
    data = {
        "channel": "revisit" if channel is RevisitChannel.link else f"open311:{name}",
        "old_due_at": old_due.isoformat(),
        "new_due_at": ticket.due_at.isoformat(),
    }
    trail.record(ticket, "reopen", None, from_state=before.value, reason=reason, data=data)
    db.session.flush()
