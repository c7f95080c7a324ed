"""Plans made through the API on the demo world, with the clock pinned before 春节 2025."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from backend.checklists.calendar import SHANGHAI
from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.places.models import Estate
from backend.plans.models import Task

MONDAY = date(2025, 1, 20)  # the week before 春节: Sunday 26 January is a 调休 working day


@pytest.fixture
def start(frozen_clock) -> date:
    frozen_clock(datetime(2025, 1, 20, 8, 0, tzinfo=SHANGHAI))
    return MONDAY


@pytest.fixture
def checklist_id(dbsession) -> int:
    return dbsession.scalar(
        sa.select(ChecklistVersion.checklist_id).where(
            ChecklistVersion.status == VersionStatus.active
        )
    )


@pytest.fixture
def estate_id(dbsession) -> Callable[[str], int]:
    return lambda code: dbsession.scalar(sa.select(Estate.id).where(Estate.code == code))


@pytest.fixture
def plan_body(checklist_id, estate_id, start) -> Callable[..., dict[str, Any]]:
    """Every working day, one-day window, on E001 (inspector1's grid)."""

    def _make(**overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": "日常巡查",
            "checklist_id": checklist_id,
            "effective_from": start.isoformat(),
            "area_kind": "estates",
            "estate_ids": [estate_id("E001")],
            "schedule": "every_n_working_days",
            "every_n": 1,
            "window_days": 1,
            "grace_days": 0,
        }
        body.update(overrides)
        return body

    return _make


def task_rows(dbsession, plan_id: int) -> list[Task]:
    dbsession.expire_all()
    return list(
        dbsession.scalars(
            sa.select(Task).where(Task.plan_id == plan_id).order_by(Task.opens_at, Task.estate_id)
        )
    )


def local_days(tasks: list[Task]) -> list[date]:
    return [t.opens_at.astimezone(SHANGHAI).date() for t in tasks]
