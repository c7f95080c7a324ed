"""Daily digests (Beijing day, from NOTIFY_DIGEST_HOUR on): every supervisor gets one summary of
their jurisdiction's open, overdue and escalated tickets; a firm that owes more than
NOTIFY_DIGEST_MIN_OPEN tickets gets one summary a day instead of one reminder per ticket
(reminders.py leaves its tickets out). One per recipient per day: the key names the day."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import Role, User
from backend.clock import SHANGHAI, utcnow
from backend.database import db, in_constants
from backend.notifications import channels as ch
from backend.notifications.notifier import insert_new, plan
from backend.notifications.rules import Message, org_users
from backend.places.models import Estate, Street
from backend.tickets.models import OPEN_STATES, UNIT_STATES, Ticket


def busy_firms() -> dict[int, int]:
    """Units owing more than NOTIFY_DIGEST_MIN_OPEN tickets → how many they owe."""
    least = current_app.config["NOTIFY_DIGEST_MIN_OPEN"]
    rows = db.session.execute(
        sa.select(Ticket.responsible_org_id, sa.func.count())
        .where(in_constants(Ticket.state, UNIT_STATES))
        .group_by(Ticket.responsible_org_id)
        .having(sa.func.count() > least)
    )
    return {org: n for org, n in rows}


def _due_today(now: datetime) -> str | None:
    """The Beijing date (yyyymmdd) when digests are due now, else None (before the hour)."""
    local = now.astimezone(SHANGHAI)
    if local.time() < time.fromisoformat(current_app.config["NOTIFY_DIGEST_HOUR"]):
        return None
    return f"{local:%Y%m%d}"


def _counts(where: sa.ColumnElement[bool] | None, now: datetime) -> tuple[int, int, int]:
    query = (
        sa.select(
            sa.func.count(),
            sa.func.count().filter(Ticket.overdue_at(now)),
            sa.func.count().filter(Ticket.escalation_level > 0),
        )
        .select_from(Ticket)
        .join(Estate, Estate.id == Ticket.estate_id)
        .join(Street, Street.id == Estate.street_id)
        .where(in_constants(Ticket.state, OPEN_STATES))
    )
    if where is not None:
        query = query.where(where)
    return tuple(db.session.execute(query).one())  # type: ignore[return-value]


def _jurisdiction(user: User) -> sa.ColumnElement[bool] | None:
    if user.street_id is not None:
        return Estate.street_id == user.street_id
    if user.district_id is not None:
        return Street.district_id == user.district_id
    return None  # city level


def queue_digests(now: datetime | None = None) -> int:
    """Queue today's digests not queued yet; returns deliveries added. Does not commit."""
    now = now or utcnow()
    day = _due_today(now)
    if day is None:
        return 0
    available = ch.senders()
    rows = []
    for org, owed in busy_firms().items():
        overdue = db.session.scalar(
            sa.select(sa.func.count()).where(
                Ticket.responsible_org_id == org, Ticket.overdue_at(now)
            )
        )
        body = f"您单位待处理工单 {owed} 张，其中已逾期 {overdue} 张。请进入应用逐项处理。"
        message = Message("digest.firm", None, "今日待办工单汇总", body, path="/")
        rows += plan(f"digest:org:{org}:{day}", message, org_users(org), available)
    supervisors = db.session.scalars(
        sa.select(User).where(User.role == Role.supervisor, User.is_active.is_(True))
    )
    for user in supervisors:
        open_, overdue, escalated = _counts(_jurisdiction(user), now)
        body = f"辖区未结工单 {open_} 张，其中逾期 {overdue} 张、已升级 {escalated} 张。"
        message = Message("digest.supervisor", None, "今日工单概况", body, path="/")
        rows += plan(f"digest:user:{user.id}:{day}", message, [user], available)
    return insert_new(rows)
