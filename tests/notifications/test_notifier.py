"""The notifier: who is told of which ticket event, exactly once per (event, recipient,
channel), retries with backoff, dead letters, and the ticket's trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from backend.clock import utcnow
from backend.notifications import channels, notifier
from backend.notifications.models import Delivery, DeliveryState, Notification
from backend.tickets.escalation import escalate
from backend.tickets.models import OutboxEvent, Ticket, TicketEvent
from tests.notifications.conftest import user_id


def notices(dbsession, username):
    uid = user_id(dbsession, username)
    return dbsession.scalars(
        sa.select(Notification).where(Notification.user_id == uid).order_by(Notification.id)
    ).all()


def test_a_dispatch_tells_the_firm_in_the_app_and_by_sms_once(
    app, dbsession, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    tally = notifier.run_once()
    assert tally.sent >= 2 and tally.dead == 0
    [note] = notices(dbsession, "firm1")
    assert note.ticket_id == ticket["id"] and note.topic == "ticket.dispatch"
    assert note.title == "新工单待受理" and ticket["code"] in note.body
    assert note.link == f"/ticket/{ticket['id']}" and note.read_at is None
    [text] = sms_on.texts_to(phones["firm1"])
    assert text.startswith("【五好小区】新工单待受理") and f"/ticket/{ticket['id']}" in text
    assert notices(dbsession, "firm2") == [] and sms_on.texts_to(phones["firm2"]) == []
    # The ticket's history shows who was told, how; the ticket's version did not move.
    told = dbsession.scalars(
        sa.select(TicketEvent).where(
            TicketEvent.ticket_id == ticket["id"], TicketEvent.action == "notified"
        )
    ).all()
    firm1 = user_id(dbsession, "firm1")
    assert {(e.data["user_id"], e.data["channel"]) for e in told} >= {
        (firm1, "inapp"),
        (firm1, "sms"),
    }
    assert dbsession.get(Ticket, ticket["id"]).version == ticket["version"]
    # Nothing new: a second run sends nothing.
    again = notifier.run_once()
    assert (again.events, again.queued, again.sent) == (0, 0, 0)
    assert len(sms_on.messages) == 1 and len(notices(dbsession, "firm1")) == 1


def test_rework_and_reroute_tell_the_unit_now_responsible(
    app, dbsession, notifier_at_head, inspect, tickets_of, act, upload
):
    ticket = tickets_of(inspect("E001", failures=("ENV-02",))["id"])[0]
    act(ticket["id"], "accept", "firm1")
    act(ticket["id"], "rectify", "firm1", photos=[upload("firm1")])
    rejected = act(ticket["id"], "reject", "inspector1", reason="还有垃圾")
    assert rejected.status_code == 200, rejected.json
    notifier.run_once()
    assert [n.topic for n in notices(dbsession, "firm1")] == ["ticket.dispatch", "ticket.rework"]
    firm2_org = dbsession.get(User, user_id(dbsession, "firm2")).organisation_id
    moved = act(ticket["id"], "reroute", "street1", reason="不归我们", organisation_id=firm2_org)
    assert moved.status_code == 200, moved.json
    notifier.run_once()
    assert [n.topic for n in notices(dbsession, "firm2")] == ["ticket.reroute"]
    assert len(notices(dbsession, "firm1")) == 2  # no longer theirs: not told of the reroute


def test_escalation_tells_the_street_then_the_district(
    app, dbsession, notifier_at_head, inspect, tickets_of
):
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    ticket = dbsession.get(Ticket, ticket_id)
    escalate(ticket.due_at + timedelta(minutes=1))
    notifier.run_once()
    [street] = notices(dbsession, "street1")
    assert street.topic == "ticket.escalate" and street.title == "工单逾期升级至街道"
    assert street.link == f"/supervise/tickets/{ticket_id}"
    assert notices(dbsession, "supervisor1") == []
    escalate(ticket.due_at + timedelta(days=10))
    notifier.run_once()
    [district] = notices(dbsession, "supervisor1")
    assert district.title == "工单逾期升级至区级"
    assert len(notices(dbsession, "street1")) == 1


def _sms_delivery(dbsession, ticket_id):
    return dbsession.scalar(
        sa.select(Delivery).where(Delivery.ticket_id == ticket_id, Delivery.channel == "sms")
    )


def test_a_failing_gateway_is_retried_with_backoff_then_sends(
    app, dbsession, frozen_clock, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    start = utcnow()
    frozen_clock(start)
    sms_on.fail_next = [503, 503]
    notifier.run_once()
    sms = _sms_delivery(dbsession, ticket_id)
    assert (sms.state, sms.attempts) == (DeliveryState.pending, 1)
    assert sms.next_attempt_at == start + timedelta(seconds=60) and "503" in sms.last_error
    assert notifier.run_once().sent == 0  # not due yet
    frozen_clock(start + timedelta(seconds=60))
    notifier.run_once()
    assert sms.attempts == 2 and sms.next_attempt_at == start + timedelta(seconds=180)
    frozen_clock(start + timedelta(seconds=180))
    assert notifier.run_once().sent == 1
    assert (sms.state, sms.attempts, sms.last_error) == (DeliveryState.sent, 3, "")
    assert len(sms_on.texts_to(phones["firm1"])) == 1


def test_wrong_credentials_are_a_dead_letter_with_the_reason(
    app, dbsession, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    sms_on.key = "rotated-elsewhere"
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    tally = notifier.run_once()
    sms = _sms_delivery(dbsession, ticket_id)
    assert tally.dead == 1 and sms.state is DeliveryState.dead and "401" in sms.last_error
    assert len(notices(dbsession, "firm1")) == 1  # the other channel still told them


def test_a_channel_down_for_good_is_dead_after_the_last_attempt(
    app, dbsession, frozen_clock, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    app.config["NOTIFY_MAX_ATTEMPTS"] = 3
    try:
        ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
        sms_on.fail_next = [500] * 10
        now = utcnow()
        for _ in range(3):
            frozen_clock(now)
            notifier.run_once()
            now += timedelta(hours=7)
        sms = _sms_delivery(dbsession, ticket_id)
        assert (sms.state, sms.attempts) == (DeliveryState.dead, 3)
    finally:
        app.config["NOTIFY_MAX_ATTEMPTS"] = 6


class Killed(BaseException):
    """The process dies (SIGKILL): nothing after this line runs, nothing uncommitted is kept."""


def test_killed_mid_batch_and_restarted_nothing_lost_nothing_sent_twice(
    app, dbsession, notifier_at_head, phones, sms_on, inspect, tickets_of, monkeypatch
):
    """The notifier dies after the gateway accepted 3 messages of a batch, before its commit.
    The restarted notifier sends the batch again with the same idempotency keys: the gateway
    keeps one message per key, and every firm user of every dispatch got exactly one SMS."""
    inspect("E001", failures=("GAR-06", "ENV-02", "ENV-04"))
    inspect("E002", failures=("GAR-06", "ENV-02"))  # firm2's estate
    real_send, sent = channels.SmsSender.send, []

    def dying_send(self, delivery, user):
        answer = real_send(self, delivery, user)
        sent.append(delivery.key)
        if len(sent) == 3:
            raise Killed
        return answer

    monkeypatch.setattr(channels.SmsSender, "send", dying_send)
    with pytest.raises(Killed):
        notifier.run_once()
    dbsession.rollback()  # the dead process's open transaction is gone
    assert len(sms_on.messages) == 3
    monkeypatch.setattr(channels.SmsSender, "send", real_send)
    notifier.run_once()

    dispatches = dbsession.scalars(
        sa.select(OutboxEvent).where(
            OutboxEvent.id > notifier_at_head, OutboxEvent.topic == "ticket.dispatch"
        )
    ).all()
    firm_of = {o: p for o, p in _org_phones(dbsession, phones).items()}
    expected = sorted(
        (firm_of[e.payload["responsible_org_id"]], e.id)
        for e in dispatches
        if e.payload["responsible_org_id"] in firm_of
    )
    got = sorted((m["phone"], int(m["idempotency_key"].split(":")[1])) for m in sms_on.messages)
    assert len(expected) == 5 and got == expected  # nothing lost, nothing twice
    assert sms_on.requests == 5 + 3  # the 3 sent before the kill were asked again, deduplicated
    keys = dbsession.scalars(sa.select(Delivery.key).where(Delivery.channel == "sms")).all()
    assert len(keys) == len(set(keys)) == 5
    assert all(d.state is DeliveryState.sent for d in dbsession.scalars(sa.select(Delivery)).all())


def _org_phones(dbsession, phones):
    users = dbsession.scalars(sa.select(User).where(User.phone.is_not(None))).all()
    return {u.organisation_id: u.phone for u in users if u.organisation_id}


def test_notify_once_command(app, dbsession, notifier_at_head, inspect, tickets_of):
    inspect("E001", failures=("GAR-06",))
    result = app.test_cli_runner().invoke(args=["notify", "once"])
    assert result.exit_code == 0, result.output
    assert "1 event(s) read" in result.output and "sent (inapp" in result.output


def test_a_rectification_tells_the_grid_inspectors_to_reinspect(
    app, dbsession, notifier_at_head, inspect, tickets_of, act, upload
):
    ticket = tickets_of(inspect("E001", failures=("ENV-02",))["id"])[0]
    act(ticket["id"], "accept", "firm1")
    assert act(ticket["id"], "rectify", "firm1", photos=[upload("firm1")]).status_code == 200
    notifier.run_once()
    [note] = notices(dbsession, "inspector1")
    assert (note.topic, note.title) == ("ticket.reinspect", "整改已完成，待复查")
    assert note.link == f"/ticket/{ticket['id']}"
    assert notices(dbsession, "inspector2") == []  # not their grid


def test_notify_run_command_stops_after_its_rounds(
    app, dbsession, notifier_at_head, inspect, tickets_of
):
    inspect("E001", failures=("GAR-06",))
    result = app.test_cli_runner().invoke(args=["notify", "run", "--rounds", "1"])
    assert result.exit_code == 0, result.output
    assert "1 event(s) read" in result.output
