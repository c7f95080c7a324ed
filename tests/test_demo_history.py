"""`flask demo seed` tells six weeks of work through the real services: every state is there."""

import sqlalchemy as sa

from backend.demo.history import seed_history
from backend.inspections.models import Inspection
from backend.tickets.models import Ticket, TicketEvent, TicketState


def test_demo_history_has_work_in_every_state(app, dbsession, client, login):
    made = seed_history()
    assert made > 40
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(Inspection)) >= made
    states = set(dbsession.scalars(sa.select(Ticket.state).distinct()))
    assert states >= {
        TicketState.dispatched,
        TicketState.accepted,
        TicketState.rectified,
        TicketState.closed,
        TicketState.rework,
        TicketState.disputed,
    }
    assert dbsession.scalar(sa.select(sa.func.max(Ticket.escalation_level))) == 2
    assert dbsession.scalar(sa.select(sa.func.max(Ticket.rework_count))) >= 1
    assert dbsession.scalar(sa.select(sa.func.max(Ticket.extension_count))) >= 1
    actions = set(dbsession.scalars(sa.select(TicketEvent.action).distinct()))
    assert {
        "dispatch",
        "accept",
        "rectify",
        "verify",
        "reject",
        "dispute",
        "return",
        "escalate",
        "request_extension",
        "approve_extension",
    } <= actions
    # Each demo account has real work to look at.
    for username in ("firm1", "inspector1", "supervisor1"):
        counts = client.get("/api/tickets/counts", headers=login(username)).json
        assert sum(v for k, v in counts.items() if k != "overdue") > 0, username
