"""Plan task notices: the inspectors a task is assigned to are told once when its window opens
(巡查任务待完成) and once when it is missed (巡查任务已错过: its grace ended, not done).

Like the deadline reminders they are not outbox events: each notifier round looks at the open
and newly missed tasks and queues what is due, keyed `task:{kind}:{task}:{window start}`, so
every later round finds the key and queues nothing. A task's state is its own (plans.models
task_state); a task done before its window opens is told nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa

from backend.accounts.models import User
from backend.clock import SHANGHAI, utcnow
from backend.database import db
from backend.notifications import channels as ch
from backend.notifications.notifier import insert_new, plan
from backend.notifications.rules import Message
from backend.places.models import Estate
from backend.plans.models import Plan, Task, task_assignees

# A task missed longer ago than this is not told (deploying must not send the past's misses).
MISSED_LOOKBACK = timedelta(days=7)
CHUNK = 1000
TITLES = {"due": "巡查任务待完成", "missed": "巡查任务已错过"}


def _day(moment: datetime) -> str:
    local = moment.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日"


def body(kind: str, task: Task, estate: Estate, plan_name: str) -> str:
    """Leads with the estate's code (a WeChat template's code field takes the first word)."""
    last_day = _day(task.closes_at - timedelta(seconds=1))  # closes at midnight after it
    if kind == "due":
        return f"{estate.code} {estate.name}：{plan_name}，完成期限{last_day}"
    return f"{estate.code} {estate.name}：{plan_name}，完成期限{last_day}已过，未巡查，记为错过"


def kind_at(task: Task, now: datetime) -> str | None:
    if task.fulfilled_at is not None or task.opens_at > now:
        return None
    return "missed" if task.grace_until <= now else "due"


def _tasks(now: datetime) -> Iterator[list[tuple[Task, Estate, str]]]:
    """Unfulfilled tasks whose window has opened and which are due or missed lately, with their
    estate and plan name, in chunks."""
    after = 0
    while True:
        rows = db.session.execute(
            sa.select(Task, Estate, Plan.name)
            .join(Estate, Estate.id == Task.estate_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(
                Task.fulfilled_at.is_(None),
                Task.opens_at <= now,
                Task.grace_until > now - MISSED_LOOKBACK,
                Task.id > after,
            )
            .order_by(Task.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        yield [(task, estate, name) for task, estate, name in rows]
        after = rows[-1][0].id


def _assignees(task_ids: list[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = {}
    rows = db.session.execute(
        sa.select(task_assignees.c.task_id, User)
        .join(User, User.id == task_assignees.c.user_id)
        .where(task_assignees.c.task_id.in_(task_ids), User.is_active.is_(True))
        .order_by(task_assignees.c.task_id, User.id)
    ).all()
    for task_id, user in rows:
        found.setdefault(task_id, []).append(user)
    return found


def queue_task_notices(now: datetime | None = None) -> int:
    """Queue every task notice due now; returns how many deliveries were added. Does not
    commit."""
    now = now or utcnow()
    available = ch.senders()
    added = 0
    for chunk in _tasks(now):
        users = _assignees([task.id for task, _, _ in chunk])
        rows = []
        for task, estate, plan_name in chunk:
            kind = kind_at(task, now)
            if kind is None or task.id not in users:
                continue
            message = Message(
                f"task.{kind}", None, TITLES[kind], body(kind, task, estate, plan_name),
                path=f"/estate/{estate.id}",
            )  # fmt: skip
            source = f"task:{kind}:{task.id}:{int(task.opens_at.timestamp())}"
            rows += plan(source, message, users[task.id], available)
        added += insert_new(rows)
    return added
