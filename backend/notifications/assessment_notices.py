"""考评 reminders: an assessor (业主委员会 member, 社区居委会 staff, street supervisor) with estates
not yet assessed for a quarter is told once (考评待填写), from KAOPING_REMIND_DAYS before the
quarter's last day until its assessments close (KAOPING_GRACE_DAYS after it).

Like the plan task notices they are not outbox events: each notifier round counts, per assessor,
the estates their kind has not assessed for each quarter that is open and within the reminder
window, and queues one notice keyed `assess:due:{quarter start}` per user, so every later round
finds the key and queues nothing. An assessor whose estates are all assessed is told nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import Role, User
from backend.clock import SHANGHAI, utcnow
from backend.database import db
from backend.kaoping.models import Assessment, AssessorKind
from backend.kaoping.services import quarter_of
from backend.notifications import channels as ch
from backend.notifications.notifier import insert_new, plan
from backend.notifications.rules import Message
from backend.places.models import Estate

TITLE = "考评待填写"
# Each assessor kind: the users who assess, and the Estate column their scope matches.
SCOPES = (
    (AssessorKind.committee, User.role == Role.committee, User.estate_id, Estate.id),
    (AssessorKind.community, User.role == Role.community, User.community_id, Estate.community_id),
    (AssessorKind.street, User.role == Role.supervisor, User.street_id, Estate.street_id),
)


def open_quarters(day: date) -> list[tuple[date, date]]:
    """The quarters (first, last day) whose reminder window holds `day`: this quarter in its
    last KAOPING_REMIND_DAYS days, and the last quarter while its grace lasts."""
    remind = timedelta(days=int(current_app.config["KAOPING_REMIND_DAYS"]))
    grace = timedelta(days=int(current_app.config["KAOPING_GRACE_DAYS"]))
    this = quarter_of(day)
    last = quarter_of(this[0] - timedelta(days=1))
    return [q for q in (last, this) if q[1] - remind < day <= q[1] + grace]


def _close_day(last: date) -> str:
    closes = last + timedelta(days=int(current_app.config["KAOPING_GRACE_DAYS"]))
    return f"{closes.month}月{closes.day}日"


def _label(first: date) -> str:
    return f"{first.year}年第{(first.month - 1) // 3 + 1}季度"


def _waiting(
    kind: AssessorKind, who: sa.ColumnElement[bool], user_scope: Any, estate_scope: Any, first: date
) -> Sequence[sa.Row[tuple[User, int]]]:
    """(user, estates not yet assessed) for the active assessors of `kind` with any."""
    assessed = sa.exists().where(
        Assessment.estate_id == Estate.id,
        Assessment.period_start == first,
        Assessment.kind == kind,
    )
    missing = sa.func.count(Estate.id)
    return db.session.execute(
        sa.select(User, missing)
        .join(Estate, estate_scope == user_scope)
        .where(who, User.is_active.is_(True), user_scope.is_not(None), ~assessed)
        .group_by(User.id)
        .order_by(User.id)
    ).all()


def queue_assessment_notices(now: datetime | None = None) -> int:
    """Queue every 考评 reminder due now; returns how many deliveries were added. Does not
    commit."""
    now = now or utcnow()
    day = now.astimezone(SHANGHAI).date()
    available = ch.senders()
    added = 0
    for first, last in open_quarters(day):
        for kind, who, user_scope, estate_scope in SCOPES:
            rows = []
            for user, missing in _waiting(kind, who, user_scope, estate_scope, first):
                message = Message(
                    "assessment.due", None, TITLE,
                    f"{_label(first)}还有 {missing} 个小区未考评，{_close_day(last)}截止",
                    path="/assess",
                )  # fmt: skip
                rows += plan(f"assess:due:{first.isoformat()}", message, [user], available)
            added += insert_new(rows)
    return added
