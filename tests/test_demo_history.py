"""`flask demo seed` tells six weeks of work through the real services: every state is there,
nothing is logged as an error, and every account's map shows the open tickets its list counts."""

import logging

import sqlalchemy as sa

from backend.demo.history import seed_history
from backend.inspections.models import Inspection
from backend.tickets.models import Ticket, TicketEvent, TicketState

OPEN = ("dispatched", "accepted", "rectified", "rework", "disputed")
CITY = "121.3,38.7,122.0,39.2"
ACCOUNTS = ("admin", "supervisor1", "street1", "inspector1", "inspector2", "firm1", "firm2")


def test_demo_history_has_work_in_every_state(app, dbsession, client, login, caplog):
    with caplog.at_level(logging.WARNING):
        made = seed_history()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
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
    # The map at every clustered zoom counts what the inbox counts, for every account.
    assert dbsession.scalar(
        sa.select(sa.func.count()).where(Ticket.position.is_(None), Ticket.state.in_(OPEN))
    ) == 0  # fmt: skip
    for username in ACCOUNTS:
        headers = login(username)
        counts = client.get("/api/tickets/counts", headers=headers).json
        listed = sum(counts.get(state, 0) for state in OPEN)
        for zoom in range(8, 15):
            found = client.get(f"/api/map/tickets?bbox={CITY}&zoom={zoom}", headers=headers).json
            assert sum(f["properties"]["count"] for f in found["features"]) == listed, (
                username,
                zoom,
            )
