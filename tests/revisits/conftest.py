"""回访 fixtures: residents' tickets closed through the real lifecycle (Open311 or by hand)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from backend.open311.models import ServiceRequest
from backend.revisits.models import RevisitAnswer, RevisitLink
from tests.open311.conftest import api_key, inside, post  # noqa: F401
from tests.tickets.conftest import act, inspect, tickets_of, upload  # noqa: F401

PAGE = "/public/r"


@pytest.fixture
def close(act, upload) -> Callable[[int], None]:  # noqa: F811
    """Take a ticket of E001 (万家, firm1) from dispatched, or rework, to closed."""

    def _close(ticket_id: int, note: str = "已清运,现场已清理") -> None:
        state = act(ticket_id, "accept", "firm1")
        assert state.status_code in (200, 409), state.json
        rectified = act(ticket_id, "rectify", "firm1", photos=[upload("firm1")], reason=note)
        assert rectified.status_code == 200, rectified.json
        verified = act(ticket_id, "verify", "street1")
        assert verified.status_code == 200, verified.json
        assert verified.json["state"] == "closed"

    return _close


@pytest.fixture
def complaint(post, close, dbsession) -> Callable[..., dict[str, Any]]:  # noqa: F811
    """A closed Open311 complaint at E001: its ticket id, code, Open311 token and short token."""

    def _complaint(closed: bool = True, **fields: Any) -> dict[str, Any]:
        answer = post(description=fields.pop("description", "垃圾外溢"), **fields)
        assert answer.status_code == 201, answer.json
        code, token = answer.json[0]["service_request_id"], answer.json[0]["token"]
        ticket_id = dbsession.scalar(
            sa.select(ServiceRequest.ticket_id).where(ServiceRequest.token == token)
        )
        if closed:
            close(ticket_id)
        link = dbsession.get(RevisitLink, ticket_id)
        return {"id": ticket_id, "code": code, "token": token,
                "short": link.token if link else None}  # fmt: skip

    return _complaint


@pytest.fixture
def answers(dbsession) -> Callable[[int], list[RevisitAnswer]]:
    def _answers(ticket_id: int) -> list[RevisitAnswer]:
        dbsession.expire_all()
        return list(
            dbsession.scalars(
                sa.select(RevisitAnswer)
                .where(RevisitAnswer.ticket_id == ticket_id)
                .order_by(RevisitAnswer.id)
            )
        )

    return _answers


def reply(client, token: str, resolved: str = "yes", rating: str = "5", comment: str = ""):
    return client.post(
        f"{PAGE}/{token}", data={"resolved": resolved, "rating": rating, "comment": comment}
    )
