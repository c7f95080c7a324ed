"""Deadline reminders: one working day before the deadline, and overdue; each once per ticket,
deadline and kind, however often the notifier runs (frozen clock)."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from backend.checklists.calendar import WorkingHours
from backend.clock import SHANGHAI
from backend.notifications import notifier, reminders
from backend.notifications.models import Delivery, Notification
from backend.tickets.models import Ticket
from tests.notifications.conftest import user_id

HOURS = WorkingHours()  # 08:30–17:30


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_one_working_day_before_counts_working_hours_over_the_weekend():
    # Deadline Monday 7 Dec 2026 10:00. Friday 10:00 → Fri 7.5 h + Mon 1.5 h = 9 h: one
    # working day (08:30–17:30) before. Friday 09:59 is 9 h 1 min before: not yet.
    ticket = SimpleNamespace(due_at=bj(2026, 12, 7, 10, 0))
    assert reminders.kind_at(ticket, bj(2026, 12, 4, 9, 59), HOURS) is None
    assert reminders.kind_at(ticket, bj(2026, 12, 4, 10, 0), HOURS) == "due_soon"
    assert reminders.kind_at(ticket, bj(2026, 12, 5, 23, 0), HOURS) == "due_soon"  # Saturday
    assert reminders.kind_at(ticket, bj(2026, 12, 7, 10, 0), HOURS) == "due_soon"
    assert reminders.kind_at(ticket, bj(2026, 12, 7, 10, 1), HOURS) == "overdue"


def _reminders_of(dbsession, ticket_id):
    return dbsession.scalars(
        sa.select(Delivery.topic)
        .where(Delivery.ticket_id == ticket_id, Delivery.topic.like("reminder.%"))
        .order_by(Delivery.id)
    ).all()


def test_reminders_are_queued_once_and_reach_the_firm(
    app, dbsession, frozen_clock, notifier_at_head, inspect, tickets_of, act
):
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    due = dbsession.get(Ticket, ticket_id).due_at
    frozen_clock(due - timedelta(days=8))
    reminders.queue_due()
    assert _reminders_of(dbsession, ticket_id) == []
    frozen_clock(due - timedelta(minutes=30))
    reminders.queue_due()
    reminders.queue_due()  # cron again: nothing new
    assert _reminders_of(dbsession, ticket_id) == ["reminder.due_soon"]
    frozen_clock(due + timedelta(minutes=1))
    reminders.queue_due()
    reminders.queue_due()
    assert _reminders_of(dbsession, ticket_id) == ["reminder.due_soon", "reminder.overdue"]
    notifier.run_once()
    firm1 = user_id(dbsession, "firm1")
    titles = dbsession.scalars(
        sa.select(Notification.title).where(
            Notification.user_id == firm1, Notification.ticket_id == ticket_id
        )
    ).all()
    assert sorted(titles) == sorted(["新工单待受理", "工单即将到期", "工单已逾期"])


def test_a_closed_ticket_gets_no_reminder(
    app, dbsession, frozen_clock, notifier_at_head, inspect, tickets_of, act
):
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    assert act(ticket_id, "cancel", "street1", reason="误报").status_code == 200
    frozen_clock(dbsession.get(Ticket, ticket_id).due_at + timedelta(hours=1))
    reminders.queue_due()
    assert _reminders_of(dbsession, ticket_id) == []


def test_notify_once_queues_reminders(
    app, dbsession, frozen_clock, notifier_at_head, inspect, tickets_of
):
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    frozen_clock(dbsession.get(Ticket, ticket_id).due_at + timedelta(hours=1))
    result = app.test_cli_runner().invoke(args=["notify", "once"])
    assert result.exit_code == 0, result.output
    assert "reminder/digest/task/考评 delivery(ies) due" in result.output
    assert _reminders_of(dbsession, ticket_id) == ["reminder.overdue"]
