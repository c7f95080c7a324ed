"""Web Push: the app registers a browser, the notifier pushes an RFC 8291-encrypted message with
a VAPID token, the browser (the fake, holding the subscription's private key) decrypts it; a
browser that is gone (410) loses its subscription."""

from __future__ import annotations

import sqlalchemy as sa

from backend.notifications import notifier
from backend.notifications.models import Delivery, DeliveryState, PushSubscription


def _subscribe(client, login, browser, username="firm1"):
    answer = client.post(
        "/api/push-subscriptions", json=browser.subscription(), headers=login(username)
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_dispatch_is_pushed_encrypted_to_the_firms_browser(
    client, login, dbsession, notifier_at_head, push_on, inspect, tickets_of
):
    phone, tablet = push_on.new_browser(), push_on.new_browser()
    _subscribe(client, login, phone)
    _subscribe(client, login, tablet)
    settings = client.get("/api/notifications/settings", headers=login("firm1")).json
    assert "push" in settings["channels"] and settings["push_public_key"] == push_on.public_key
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    tally = notifier.run_once()
    assert tally.by_channel.get("push") == 1 and tally.dead == 0
    for browser in (phone, tablet):
        [message] = push_on.messages_for(browser)
        assert message["title"] == "新工单待受理" and ticket["code"] in message["body"]
        assert message["link"] == f"/ticket/{ticket['id']}"
        assert message["ticket_id"] == ticket["id"]
    assert notifier.run_once().sent == 0 and push_on.requests == 2


def test_a_browser_that_is_gone_loses_its_subscription(
    client, login, dbsession, notifier_at_head, push_on, inspect, tickets_of
):
    browser = push_on.new_browser()
    _subscribe(client, login, browser)
    push_on.gone.add(browser.id)
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    notifier.run_once()
    push = dbsession.scalar(
        sa.select(Delivery).where(Delivery.ticket_id == ticket_id, Delivery.channel == "push")
    )
    assert push.state is DeliveryState.dead and "410" in push.last_error
    assert dbsession.scalars(sa.select(PushSubscription)).all() == []
    settings = client.get("/api/notifications/settings", headers=login("firm1")).json
    assert settings["channels"] == ["inapp"]


def test_a_busy_push_service_is_retried(
    client, login, dbsession, frozen_clock, notifier_at_head, push_on, inspect, tickets_of
):
    from datetime import timedelta

    from backend.clock import utcnow

    browser = push_on.new_browser()
    _subscribe(client, login, browser)
    push_on.fail_next = [503]
    tickets_of(inspect("E001", failures=("GAR-06",))["id"])
    start = utcnow()
    frozen_clock(start)
    assert notifier.run_once().retried == 1 and push_on.messages_for(browser) == []
    frozen_clock(start + timedelta(minutes=1))
    assert notifier.run_once().sent == 1 and len(push_on.messages_for(browser)) == 1


def test_subscriptions_are_the_callers_own(client, login, dbsession, fake_push):
    browser = fake_push.new_browser()
    mine = _subscribe(client, login, browser, "firm1")
    # Another user cannot remove it; the same browser signed in by another user moves to them.
    gone = client.delete(
        "/api/push-subscriptions", json={"endpoint": browser.endpoint}, headers=login("firm2")
    )
    assert gone.status_code == 204
    assert dbsession.get(PushSubscription, mine["id"]) is not None
    again = _subscribe(client, login, browser, "firm2")
    assert again["id"] == mine["id"]
    bad = client.post(
        "/api/push-subscriptions",
        json={"endpoint": "not a url", "keys": {"p256dh": "x", "auth": "y"}},
        headers=login("firm1"),
    )
    assert bad.status_code == 422 and {"endpoint", "keys"} <= set(bad.json["errors"])


def test_vapid_keys_command_makes_a_working_pair(app, dbsession):
    result = app.test_cli_runner().invoke(args=["notify", "vapid-keys"])
    assert result.exit_code == 0, result.output
    pairs = dict(line.split("=", 1) for line in result.output.splitlines())
    from py_vapid import Vapid

    vapid = Vapid.from_string(pairs["VAPID_PRIVATE_KEY"])
    from tests.fakes.push_service import _raw_public, b64url

    assert b64url(_raw_public(vapid.private_key)) == pairs["VAPID_PUBLIC_KEY"]
