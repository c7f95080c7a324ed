"""Hand-made facts for the watch list and the 考核 ranking: tickets, trail events, inspections
and owner answers written as rows (the rules read the columns; the workflow is tested elsewhere).
The clock is frozen in 2026 Q3, so 2026 Q2 is a closed period read at its end."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from backend.checklists.models import ChecklistVersion
from backend.clock import SHANGHAI
from backend.inspections.models import Inspection, InspectionStatus
from backend.places.models import Estate, Organisation
from backend.surveys import services as surveys
from backend.surveys.models import SurveyAnswer
from backend.tickets.models import Ticket, TicketEvent, TicketSource, TicketState

NOW = datetime(2026, 7, 15, 10, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def world(dbsession, frozen_clock) -> dict[str, Callable[..., Any]]:
    frozen_clock(NOW)
    estates = dict(dbsession.execute(sa.select(Estate.code, Estate.id)).all())
    org = dbsession.scalar(sa.select(Organisation.id).limit(1))

    def ticket(code: str, *, source: str = "complaint", dispatched=None, due=None,
               state: str = "closed", rectified=None, closed=None) -> int:  # fmt: skip
        dispatched = dispatched or at(5, 10)
        row = Ticket(
            estate_id=estates[code], source=TicketSource(source), item_code="ENV-02",
            category="环境", area="environment", severity="minor", title="测试工单",
            state=TicketState(state), responsible_org_id=org, responsible_basis="contract",
            found_at=dispatched, dispatched_at=dispatched, due_at=due or at(5, 20),
            rectified_at=rectified, closed_at=closed,
        )  # fmt: skip
        dbsession.add(row)
        dbsession.flush()
        return row.id

    def event(ticket_id: int, action: str, when: datetime) -> None:
        dbsession.add(TicketEvent(ticket_id=ticket_id, action=action, at=when, data={}))
        dbsession.flush()

    def answers(code: str, rating: int, n: int = 10, period: date = date(2026, 4, 1)) -> None:
        version = surveys.require_active()
        keys = [q["key"] for q in version.definition["questions"]]
        for i in range(n):
            dbsession.add(
                SurveyAnswer(
                    survey_id=version.survey_id, version_id=version.id,
                    estate_id=estates[code], period_start=period, household=f"{code}-{i}",
                    device_hash=f"{code}{i:060d}", network="10.0.0.0/24",
                    ratings={k: rating for k in keys}, comment="",
                )
            )  # fmt: skip
        dbsession.flush()

    def inspection(code: str, total: float, when: datetime | None = None) -> None:
        when = when or at(5, 5)
        dbsession.add(
            Inspection(
                id=str(uuid.uuid4()), estate_id=estates[code],
                checklist_version_id=dbsession.scalar(sa.select(ChecklistVersion.id).limit(1)),
                inspector_id=dbsession.scalar(sa.select(User.id).limit(1)),
                status=InspectionStatus.submitted, started_at=when, finished_at=when,
                submitted_at=when, body_hash="0" * 64, total_score=total,
            )
        )  # fmt: skip
        dbsession.flush()

    return {"ticket": ticket, "event": event, "answers": answers, "inspection": inspection,
            "estates": lambda: estates}  # fmt: skip


@pytest.fixture
def kaohe_q2(world):
    """The 考核 facts of tests/watchlist/test_rankings.py (its docstring computes them)."""
    inspection, ticket, answers = world["inspection"], world["ticket"], world["answers"]
    inspection("E001", 80.0)
    inspection("E001", 60.0, at(3, 1))  # older: the latest counts
    inspection("E002", 90.0)
    inspection("E006", 70.0)
    inspection("E010", 95.0)
    for _ in range(3):
        ticket("E002", due=at(6, 1), rectified=at(5, 20), closed=at(5, 21))
    ticket("E002", due=at(6, 20), state="dispatched")
    answers("E001", 2)
    answers("E002", 4)
    answers("E006", 5)
