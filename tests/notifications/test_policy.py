"""Quiet hours (22:00–07:00 Beijing: SMS and push wait, escalations go) and the daily SMS cap per
mobile number, with a frozen clock."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from backend.clock import SHANGHAI
from backend.notifications import notifier, policy
from backend.notifications.models import Delivery, DeliveryState
from backend.tickets.escalation import escalate
from backend.tickets.models import Ticket


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def ahead(days: int, hour: int, minute: int = 0) -> datetime:
    """A Beijing wall-clock time `days` after today (inspections may not start in the future of
    the frozen clock, so the tests' nights are after the real now, whenever they run)."""
    day = (datetime.now(SHANGHAI) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def quiet(app):
    app.config.update(NOTIFY_QUIET_START="22:00", NOTIFY_QUIET_END="07:00")


@pytest.mark.parametrize(
    ("moment", "until"),
    [
        (bj(2026, 12, 4, 21, 59), None),
        (bj(2026, 12, 4, 22, 0), bj(2026, 12, 5, 7, 0)),
        (bj(2026, 12, 5, 3, 0), bj(2026, 12, 5, 7, 0)),
        (bj(2026, 12, 5, 7, 0), None),
    ],
)
def test_quiet_hours_span_midnight_in_beijing(app, quiet, moment, until):
    with app.app_context():
        assert policy.quiet_until(moment) == until


def _sms(dbsession, ticket_id):
    return dbsession.scalar(
        sa.select(Delivery).where(Delivery.ticket_id == ticket_id, Delivery.channel == "sms")
    )


def test_a_night_dispatch_waits_for_the_morning_but_the_app_has_it_at_once(
    app, dbsession, quiet, frozen_clock, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    frozen_clock(ahead(1, 23, 30))
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    tally = notifier.run_once()
    assert tally.by_channel == {"inapp": 1} and tally.deferred == 1
    sms = _sms(dbsession, ticket_id)
    assert (sms.state, sms.attempts, sms.next_attempt_at) == (
        DeliveryState.pending,
        0,
        ahead(2, 7),
    )
    frozen_clock(ahead(2, 6, 59))
    assert notifier.run_once().sent == 0 and sms_on.messages == []
    frozen_clock(ahead(2, 7))
    assert notifier.run_once().by_channel == {"sms": 1}
    assert len(sms_on.texts_to(phones["firm1"])) == 1


def test_an_escalation_wakes_the_street_at_night(
    app, dbsession, quiet, frozen_clock, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    notifier.run_once()  # the dispatch (its SMS may wait: that is not what is tested here)
    escalate(dbsession.get(Ticket, ticket_id).due_at + timedelta(minutes=1))
    frozen_clock(ahead(30, 2))
    notifier.run_once()
    assert any("升级" in text for text in sms_on.texts_to(phones["street1"]))


def test_the_daily_sms_cap_per_number(
    app, dbsession, frozen_clock, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    app.config["NOTIFY_SMS_DAILY_CAP"] = 2
    try:
        frozen_clock(ahead(1, 10))
        inspect("E001", failures=("GAR-06", "ENV-02", "ENV-04"))
        tally = notifier.run_once()
        assert len(sms_on.texts_to(phones["firm1"])) == 2 and tally.dead == 1
        dead = dbsession.scalar(sa.select(Delivery).where(Delivery.state == DeliveryState.dead))
        assert dead.channel.value == "sms" and "daily SMS cap" in dead.last_error
        frozen_clock(ahead(2, 10))  # a new Beijing day: the count starts again
        inspect("E001", failures=("GAR-01",))
        notifier.run_once()
        assert len(sms_on.texts_to(phones["firm1"])) == 3
    finally:
        app.config["NOTIFY_SMS_DAILY_CAP"] = 20
