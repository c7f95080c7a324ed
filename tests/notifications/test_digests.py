"""Daily digests with a frozen clock: every supervisor once a day from 08:00 Beijing with their
jurisdiction's counts; a firm owing many tickets one digest instead of per-ticket reminders."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from backend.clock import SHANGHAI
from backend.notifications import digests, notifier, reminders
from backend.notifications.models import Delivery, Notification
from backend.tickets.models import Ticket
from tests.notifications.conftest import user_id


def morning(after: datetime, hour: int, minute: int = 0) -> datetime:
    """The Beijing `hour:minute` of the day after `after`."""
    day = after.astimezone(SHANGHAI).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _digests(dbsession, username):
    return dbsession.scalars(
        sa.select(Notification)
        .where(
            Notification.user_id == user_id(dbsession, username),
            Notification.topic.like("digest.%"),
        )
        .order_by(Notification.id)
    ).all()


@pytest.fixture
def two_tickets(inspect, tickets_of, dbsession):
    made = tickets_of(inspect("E001", failures=("GAR-06", "ENV-02"))["id"])
    return [dbsession.get(Ticket, t["id"]) for t in made]


def test_each_supervisor_gets_one_digest_a_day_from_eight(
    app, dbsession, frozen_clock, notifier_at_head, two_tickets
):
    app.config["NOTIFY_DIGEST_MIN_OPEN"] = 10_000  # no firm digest here
    try:
        after_both = max(t.due_at for t in two_tickets)
        frozen_clock(morning(after_both, 7, 59))
        assert digests.queue_digests() == 0
        frozen_clock(morning(after_both, 8, 0))
        digests.queue_digests()
        digests.queue_digests()  # cron again: nothing new
        notifier.run_once()
        [street] = _digests(dbsession, "street1")
        # street1's street holds E001: the two tickets, both past their deadline, none raised.
        assert street.title == "今日工单概况" and street.link == "/"
        assert street.body == "辖区未结工单 2 张，其中逾期 2 张、已升级 0 张。"
        frozen_clock(morning(after_both, 8, 0) + timedelta(days=1))
        digests.queue_digests()
        notifier.run_once()
        assert len(_digests(dbsession, "street1")) == 2
    finally:
        app.config["NOTIFY_DIGEST_MIN_OPEN"] = 20


def test_a_busy_firm_gets_a_digest_instead_of_reminders(
    app, dbsession, frozen_clock, notifier_at_head, two_tickets
):
    app.config["NOTIFY_DIGEST_MIN_OPEN"] = 1  # firm1 owes 2: busy
    try:
        frozen_clock(morning(max(t.due_at for t in two_tickets), 9, 0))
        assert reminders.queue_due() == 0
        digests.queue_digests()
        notifier.run_once()
        [digest] = _digests(dbsession, "firm1")
        assert digest.title == "今日待办工单汇总"
        assert digest.body.startswith("您单位待处理工单 2 张，其中已逾期 2 张")
        ids = [t.id for t in two_tickets]
        reminders_sent = dbsession.scalar(
            sa.select(sa.func.count())
            .select_from(Delivery)
            .where(Delivery.ticket_id.in_(ids), Delivery.topic.like("reminder.%"))
        )
        assert reminders_sent == 0
    finally:
        app.config["NOTIFY_DIGEST_MIN_OPEN"] = 20
