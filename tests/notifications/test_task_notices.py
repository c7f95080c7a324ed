"""Plan task notices with a frozen clock: the assigned inspector is told once when a task's
window opens and once when it is missed; a task done in time is never called missed; each round
after the first queues nothing new; the inspector's channel choices apply."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from backend.checklists.calendar import SHANGHAI
from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.notifications import notifier
from backend.notifications.models import Delivery, Notification
from backend.notifications.task_notices import queue_task_notices
from backend.places.models import Estate
from backend.plans.models import Task


def _at(day: int, hour: int = 8) -> datetime:
    return datetime(2025, 1, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def daily_plan(client, login, dbsession, frozen_clock) -> dict[str, int]:
    """Monday 20 January 2025, 08:00 Beijing: a plan inspecting E001 (inspector1's grid) every
    working day, a one-day window, no grace."""
    frozen_clock(_at(20))
    checklist_id = dbsession.scalar(
        sa.select(ChecklistVersion.checklist_id).where(
            ChecklistVersion.status == VersionStatus.active
        )
    )
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "E001"))
    body = {
        "name": "日常巡查", "checklist_id": checklist_id, "effective_from": "2025-01-20",
        "area_kind": "estates", "estate_ids": [estate.id], "schedule": "every_n_working_days",
        "every_n": 1, "window_days": 1, "grace_days": 0,
    }  # fmt: skip
    answer = client.post("/api/plans", json=body, headers=login("admin"))
    assert answer.status_code == 201, answer.json
    return {"plan": answer.json["id"], "estate": estate.id}


def _task(dbsession, plan_id: int, day: int) -> Task:
    return dbsession.scalar(
        sa.select(Task).where(Task.plan_id == plan_id, Task.opens_at == _at(day, 0))
    )


def _told(dbsession, username: str) -> list[tuple[str, str, str]]:
    user_id = dbsession.scalar(sa.select(User.id).where(User.username == username))
    rows = dbsession.scalars(
        sa.select(Notification)
        .where(Notification.user_id == user_id, Notification.topic.like("task.%"))
        .order_by(Notification.id)
    )
    return [(n.topic, n.body, n.link) for n in rows]


def test_the_inspector_is_told_once_when_due_and_once_when_missed(
    dbsession, frozen_clock, notifier_at_head, daily_plan
):
    monday = _task(dbsession, daily_plan["plan"], 20)
    assert monday.assignees and monday.assignees[0].username == "inspector1"
    assert queue_task_notices() == 1  # in-app only: no SMS, push or WeChat configured
    notifier.run_once()
    link = f"/estate/{daily_plan['estate']}"
    [(topic, text, opens)] = _told(dbsession, "inspector1")
    assert (
        topic == "task.due" and "日常巡查" in text and "完成期限1月20日" in text and opens == link
    )
    assert _told(dbsession, "inspector2") == []  # not theirs
    # Later the same day: nothing new.
    frozen_clock(_at(20, 15))
    assert queue_task_notices() == 0
    # Tuesday: Monday's task was not done (missed), Tuesday's opened (due).
    frozen_clock(_at(21))
    assert queue_task_notices() == 2
    notifier.run_once()
    told = _told(dbsession, "inspector1")
    assert [t[0] for t in told] == ["task.due", "task.missed", "task.due"]
    assert "1月20日" in told[1][1] and "错过" in told[1][1] and "完成期限1月21日" in told[2][1]
    assert queue_task_notices() == 0
    keys = set(dbsession.scalars(sa.select(Delivery.key).where(Delivery.key.like("task:%"))))
    tuesday = _task(dbsession, daily_plan["plan"], 21)
    start = int(monday.opens_at.timestamp())
    assert f"task:missed:{monday.id}:{start}:{monday.assignees[0].id}:inapp" in keys
    # Tuesday's task is done in time: Wednesday tells of Wednesday's task only.
    tuesday.fulfilled_at = _at(21, 10)
    dbsession.flush()
    frozen_clock(_at(22))
    assert queue_task_notices() == 1
    notifier.run_once()
    assert [t[0] for t in _told(dbsession, "inspector1")][3:] == ["task.due"]


def test_task_notices_follow_the_inspectors_channels(
    client, login, dbsession, frozen_clock, notifier_at_head, daily_plan, sms_on
):
    inspector = dbsession.scalar(sa.select(User).where(User.username == "inspector1"))
    inspector.phone = "13800000009"
    dbsession.flush()
    queue_task_notices()
    notifier.run_once()
    [text] = sms_on.texts_to("13800000009")
    assert "巡查任务待完成" in text and f"/estate/{daily_plan['estate']}" in text
    answer = client.put(
        "/api/notifications/settings", json={"sms": False}, headers=login("inspector1")
    )
    assert answer.status_code == 200
    frozen_clock(_at(21))
    queue_task_notices()
    notifier.run_once()
    assert len(sms_on.texts_to("13800000009")) == 1  # SMS off: the two new ones in-app only
    assert [t[0] for t in _told(dbsession, "inspector1")] == ["task.due", "task.missed", "task.due"]


def test_notify_once_tells_of_tasks_and_is_idempotent(
    app, dbsession, frozen_clock, notifier_at_head, daily_plan
):
    first = app.test_cli_runner().invoke(args=["notify", "once"])
    assert first.exit_code == 0, first.output
    assert "reminder/digest/task/考评 delivery(ies) due" in first.output  # (digests at 08:00 too)
    assert len(_told(dbsession, "inspector1")) == 1
    again = app.test_cli_runner().invoke(args=["notify", "once"])
    assert again.exit_code == 0 and "0 reminder/digest/task" in again.output
    assert len(_told(dbsession, "inspector1")) == 1
