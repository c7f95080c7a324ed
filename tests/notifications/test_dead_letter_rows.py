"""The admin console's dead letters name the recipient and the ticket (admins only)."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.notifications.models import Channel, Delivery, DeliveryState


def dead_letter(dbsession, username: str, ticket_id: int | None, channel: Channel, why: str) -> int:
    user = dbsession.scalar(sa.select(User).where(User.username == username))
    row = Delivery(key=f"test:{username}:{ticket_id}:{channel}", topic="ticket.dispatch",
                   ticket_id=ticket_id, user_id=user.id, channel=channel, title="新工单待受理",
                   state=DeliveryState.dead, attempts=6, last_error=why)  # fmt: skip
    dbsession.add(row)
    dbsession.flush()
    return row.id


def test_dead_letters_with_names_and_codes(client, login, dbsession, inspect, tickets_of):
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    sms = dead_letter(dbsession, "firm1", ticket["id"], Channel.sms, "gateway 401: wrong key")
    push = dead_letter(dbsession, "street1", None, Channel.push, "push service 500")
    answer = client.get("/api/notifications/dead-letters", headers=login("admin"))
    assert answer.status_code == 200
    rows = {r["id"]: r for r in answer.json}
    assert rows[sms]["ticket_code"] == ticket["code"] and rows[sms]["attempts"] == 6
    assert "(firm1)" in rows[sms]["recipient"] and rows[sms]["last_error"].endswith("wrong key")
    assert rows[push]["ticket_code"] is None and "(street1)" in rows[push]["recipient"]
    assert [r["id"] for r in answer.json][:2] == [push, sms]  # newest first
    only = client.get("/api/notifications/dead-letters?channel=push", headers=login("admin"))
    assert [r["id"] for r in only.json] == [push]
    bad = client.get("/api/notifications/dead-letters?channel=fax", headers=login("admin"))
    assert bad.status_code == 422 and "channel" in bad.json["errors"]
    assert (
        client.get("/api/notifications/dead-letters", headers=login("street1")).status_code == 403
    )
