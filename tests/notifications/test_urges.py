"""催办: a supervisor urges the unit with a note; the unit is told at once on every channel, even
at night; it acknowledges in the app; urges are counted per unit."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from backend.clock import utcnow
from backend.notifications import notifier, urges
from backend.notifications.models import Notification
from backend.tickets.models import TicketEvent
from tests.notifications.conftest import user_id


def test_an_urge_reaches_the_unit_at_once_and_is_acknowledged(
    app, client, login, dbsession, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    app.config.update(NOTIFY_QUIET_START="00:00", NOTIFY_QUIET_END="23:59")  # always quiet
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    notifier.run_once()
    made = client.post(
        f"/api/tickets/{ticket['id']}/urge",
        json={"note": "今天下班前处理完"},
        headers=login("street1"),
    )
    assert made.status_code == 201, made.json
    assert made.json["acknowledged_at"] is None
    notifier.run_once()
    texts = sms_on.texts_to(phones["firm1"])
    assert len(texts) == 1 and "催办" in texts[0] and "今天下班前处理完" in texts[0]  # not held
    note = dbsession.scalar(
        sa.select(Notification).where(
            Notification.user_id == user_id(dbsession, "firm1"),
            Notification.topic == "ticket.urge",
        )
    )
    assert note.link == f"/ticket/{ticket['id']}"
    # Another unit may not acknowledge (and does not see the ticket); the unit does, once.
    assert client.post(f"/api/tickets/{ticket['id']}/urges/ack",
                       headers=login("firm2")).status_code == 404  # fmt: skip
    acked = client.post(f"/api/tickets/{ticket['id']}/urges/ack", headers=login("firm1"))
    assert acked.status_code == 200 and acked.json[0]["acknowledged_at"] is not None
    again = client.post(f"/api/tickets/{ticket['id']}/urges/ack", headers=login("firm1"))
    assert again.json == acked.json
    actions = dbsession.scalars(
        sa.select(TicketEvent.action).where(TicketEvent.ticket_id == ticket["id"])
    ).all()
    assert actions.count("urge") == 1 and actions.count("urge_ack") == 1
    listed = client.get(f"/api/tickets/{ticket['id']}/urges", headers=login("inspector1"))
    assert [u["note"] for u in listed.json] == ["今天下班前处理完"]
    counts = urges.counts_by_org(utcnow() - timedelta(days=1), utcnow() + timedelta(days=1))
    assert counts[ticket["responsible_org_id"]] == {"urges": 1, "unacknowledged": 0}


def test_bad_urges_are_refused(client, login, dbsession, inspect, tickets_of, act):
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    path = f"/api/tickets/{ticket['id']}/urge"
    for body in ({}, {"note": ""}, {"note": "x\x07"}):
        answer = client.post(path, json=body, headers=login("street1"))
        assert answer.status_code == 422 and "note" in answer.json["errors"], body
    assert client.post(path, json={"note": "快"}, headers=login("firm1")).status_code == 403
    act(ticket["id"], "cancel", "street1", reason="误报")
    closed = client.post(path, json={"note": "快"}, headers=login("street1"))
    assert closed.status_code == 409
