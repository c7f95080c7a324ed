"""Tickets and inspections are made through the API, as users make them."""

from datetime import timedelta

import pytest

from backend.clock import today
from tests.tickets.conftest import act, inspect, tickets_of, upload  # noqa: F401


@pytest.fixture
def period() -> dict[str, str]:
    """A period that has started and covers the deadlines of tickets made now."""
    return {
        "period_start": (today() - timedelta(days=7)).isoformat(),
        "period_end": (today() + timedelta(days=40)).isoformat(),
    }


@pytest.fixture
def walk(act, upload):  # noqa: F811 (the imported fixtures)
    """Move a ticket through `actions` as the users who do them in real life."""
    actors = {"accept": "firm1", "rectify": "firm1", "verify": "inspector1", "reject": "inspector1"}

    def _walk(ticket_id: int, *actions: str) -> None:
        for action in actions:
            body = {"photos": [upload("firm1")]} if action == "rectify" else {}
            if action == "reject":
                body = {"reason": "整改不到位"}
            response = act(ticket_id, action, actors[action], **body)
            assert response.status_code == 200, (action, response.json)

    return _walk
