"""催办 (urges) in the scorecards: per group of a Ticket/Estate/Street column, the urges made in
the period on tickets at visible estates, those acknowledged by the period's end, and the mean
clock hours from urge to acknowledgement. Counted from the urge rows (never a stored counter).

Urges do not change the credit grade or any ranking: they are a supervisor's judgement (who was
chased, and how often), not a measure of the unit's work, so they are shown beside the figures.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from backend.database import db
from backend.notifications.models import TicketUrge
from backend.places import services as places
from backend.places.models import Estate, Street
from backend.places.scope import Scope
from backend.reports.periods import Period
from backend.scorecards.formulas import mean
from backend.tickets.models import Ticket

EMPTY: dict[str, Any] = {"urges": 0, "urges_acknowledged": 0, "mean_hours_to_acknowledge": None}


def urge_figures(urged_at: list[Any], acknowledged_at: list[Any]) -> dict[str, Any]:
    """From the urge times and their acknowledgement times (None: not acknowledged in time)."""
    hours = [
        (ack - urged).total_seconds() / 3600
        for urged, ack in zip(urged_at, acknowledged_at, strict=True)
        if ack is not None
    ]
    return {
        "urges": len(urged_at),
        "urges_acknowledged": len(hours),
        "mean_hours_to_acknowledge": mean(hours),
    }


def urges_by(key: sa.ColumnElement[Any], period: Period, scope: Scope) -> dict[Any, dict[str, Any]]:
    """Group → urge figures. `key` is a column of TicketUrge, Ticket, Estate or Street; a firm's
    urges are those made to it (TicketUrge.organisation_id), whoever holds the ticket now."""
    query = (
        sa.select(key, TicketUrge.urged_at, TicketUrge.acknowledged_at)
        .select_from(TicketUrge)
        .join(Ticket, Ticket.id == TicketUrge.ticket_id)
        .join(Estate, Estate.id == Ticket.estate_id)
        .join(Street, Street.id == Estate.street_id)
        .where(
            places.estate_visibility(scope),
            TicketUrge.urged_at >= period.start,
            TicketUrge.urged_at < period.end,
        )
    )
    times: dict[Any, tuple[list[Any], list[Any]]] = defaultdict(lambda: ([], []))
    for group, urged, ack in db.session.execute(query):
        times[group][0].append(urged)
        times[group][1].append(ack if ack is not None and ack < period.end else None)
    return {group: urge_figures(*pair) for group, pair in times.items()}
