"""The counts the watch list and the 考核 ranking read, for every estate of the city at once
(one grouped query per kind of fact; the rules are in rules.py).

- complaints: residents' tickets (Open311 hotline requests and cases a supervisor registered by
  hand from a call: the sources 回访 treats as the resident's) dispatched in the period
- disputes:   `dispute` actions in the period (the unit said the ticket is not theirs)
- rework:     tickets sent back in the period: failed verifications (`reject`) and the
  resident's 回访 "not solved" (`reopen`)
- overdue:    the estate's tickets the unit still owes past their deadline at the period's end
  (or now, when that is earlier): the one definition of 逾期 (tickets/models.py)
- evaluation: the estate's published owner evaluation score (≥ the survey's min answers) for the
  survey period holding the period's first day
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from backend.clock import utcnow
from backend.database import db
from backend.places.models import District, Estate, Street
from backend.places.scope import Scope
from backend.reports.periods import Period
from backend.revisits.services import RESIDENT_SOURCES
from backend.surveys import results as survey_results
from backend.surveys import services as surveys
from backend.tickets.models import Ticket, TicketEvent
from backend.watchlist.rules import EstateFacts


@dataclass(frozen=True)
class Place:
    id: int
    code: str
    name: str
    street_id: int
    street: str
    district_id: int
    district: str


def places() -> dict[int, Place]:
    rows = db.session.execute(
        sa.select(
            Estate.id, Estate.code, Estate.name, Street.id, Street.name, District.id, District.name
        )
        .join(Street, Street.id == Estate.street_id)
        .join(District, District.id == Street.district_id)
    )
    return {row[0]: Place(*row) for row in rows}


def _within(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.start, column < period.end)


def _grouped(query: sa.Select) -> dict[int, int]:
    return {estate_id: n for estate_id, n in db.session.execute(query)}


def _events(actions: tuple[str, ...], period: Period) -> dict[int, int]:
    return _grouped(
        sa.select(Ticket.estate_id, sa.func.count(TicketEvent.id))
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.action.in_(actions), _within(TicketEvent.at, period))
        .group_by(Ticket.estate_id)
    )


def survey_period(period: Period) -> tuple[date, date] | None:
    version = surveys.active_version()
    if version is None:
        return None
    return surveys.period_of(period.first_day, version.definition["period"])


def evaluations(period: Period) -> dict[int, float]:
    """Estate → its published owner evaluation score (estates below the minimum: absent)."""
    version = surveys.active_version()
    if version is None:
        return {}
    first, _ = surveys.period_of(period.first_day, version.definition["period"])
    return {
        row["estate_id"]: row["score"]
        for row in survey_results.estate_results(version, first, Scope.all())
        if row["score"] is not None
    }


def estate_facts(period: Period) -> dict[int, EstateFacts]:
    """Estate → its facts, for the estates with at least one (others have none to rank)."""
    complaints = _grouped(
        sa.select(Ticket.estate_id, sa.func.count(Ticket.id))
        .where(Ticket.source.in_(RESIDENT_SOURCES), _within(Ticket.dispatched_at, period))
        .group_by(Ticket.estate_id)
    )
    as_of = min(period.end, utcnow())
    overdue = _grouped(
        sa.select(Ticket.estate_id, sa.func.count(Ticket.id))
        .where(Ticket.overdue_at(as_of))
        .group_by(Ticket.estate_id)
    )
    counts: dict[str, dict[int, int]] = {
        "complaints": complaints,
        "disputes": _events(("dispute",), period),
        "rework": _events(("reject", "reopen"), period),
        "overdue": overdue,
    }
    scores = evaluations(period)
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for name, by_estate in counts.items():
        for estate_id, n in by_estate.items():
            found[estate_id][name] = n
    for estate_id, score in scores.items():
        found[estate_id]["evaluation"] = score
    return {estate_id: EstateFacts(**values) for estate_id, values in found.items()}
