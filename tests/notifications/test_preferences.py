"""Each user's channel choices: SMS, Web Push and WeChat can be switched off (the in-app centre
never); a switched-off channel gets no delivery at all, WeChat off means SMS when SMS is on, and
the administrators' list of users only the app reaches says it was their choice."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.notifications import notifier
from backend.notifications.models import Delivery, NoticePreference


def _put(client, login, username, body):
    answer = client.put("/api/notifications/settings", json=body, headers=login(username))
    assert answer.status_code == 200, answer.json
    return answer.json


def _channels(dbsession, ticket_id, username):
    user_id = dbsession.scalar(sa.select(User.id).where(User.username == username))
    return sorted(
        dbsession.scalars(
            sa.select(Delivery.channel).where(
                Delivery.ticket_id == ticket_id, Delivery.user_id == user_id
            )
        )
    )


def test_choices_are_shown_changed_and_only_the_given_ones(
    client, login, dbsession, phones, sms_on
):
    start = client.get("/api/notifications/settings", headers=login("firm1")).json
    assert (start["sms"], start["push"], start["wechat"]) == (True, True, True)
    assert start["channels"] == ["inapp", "sms"] and start["wechat_bound"] is False
    off = _put(client, login, "firm1", {"sms": False})
    assert off["sms"] is False and off["push"] is True and off["channels"] == ["inapp"]
    assert off["phone"] == "138****0001"  # the number is kept, just not used
    assert _put(client, login, "firm1", {})["sms"] is False  # an empty body changes nothing
    back = _put(client, login, "firm1", {"sms": True, "push": False})
    assert (back["sms"], back["push"], back["channels"]) == (True, False, ["inapp", "sms"])
    # Another user's choices are their own.
    assert client.get("/api/notifications/settings", headers=login("firm2")).json["push"] is True


def test_only_json_booleans_are_choices_and_a_refusal_changes_nothing(client, login, dbsession):
    for body in ({"sms": 0}, {"sms": "false"}, {"push": None}, {"wechat": "on"},
                 {"sms": False, "phone": "12345"}):  # fmt: skip
        answer = client.put("/api/notifications/settings", json=body, headers=login("firm1"))
        assert answer.status_code == 422, body
        assert set(answer.json) >= {"code", "status", "message", "errors"}
    assert dbsession.scalars(sa.select(NoticePreference)).all() == []


def test_sms_switched_off_sends_no_sms_and_queues_none(
    client, login, dbsession, notifier_at_head, phones, sms_on, inspect, tickets_of
):
    _put(client, login, "firm1", {"sms": False})
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    tally = notifier.run_once()
    assert tally.by_channel == {"inapp": 1}
    assert _channels(dbsession, ticket["id"], "firm1") == ["inapp"]
    # The fake gateway's log: nothing to firm1's number, ever.
    assert sms_on.texts_to(phones["firm1"]) == [] and sms_on.requests == 0
    # Switched on again: the next ticket is texted (the one before is not sent late).
    _put(client, login, "firm1", {"sms": True})
    inspect("E001", failures=("ENV-02",))
    assert notifier.run_once().by_channel == {"inapp": 1, "sms": 1}
    assert len(sms_on.texts_to(phones["firm1"])) == 1


def test_wechat_off_means_sms_and_sms_off_means_no_fallback(
    client, login, dbsession, notifier_at_head, phones, sms_on, wechat_on, inspect, tickets_of
):
    user = dbsession.scalar(sa.select(User).where(User.username == "firm1"))
    user.wechat_openid = "o-firm1"
    dbsession.flush()
    start = client.get("/api/notifications/settings", headers=login("firm1")).json
    assert start["channels"] == ["inapp", "wechat"] and start["wechat_bound"] is True
    _put(client, login, "firm1", {"wechat": False})
    first = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    notifier.run_once()
    assert _channels(dbsession, first["id"], "firm1") == ["inapp", "sms"]
    assert wechat_on.messages == [] and len(sms_on.texts_to(phones["firm1"])) == 1
    # WeChat on, SMS off: WeChat fails for good (unfollowed) and no SMS follows.
    _put(client, login, "firm1", {"wechat": True, "sms": False})
    wechat_on.unfollowed.add("o-firm1")
    second = tickets_of(inspect("E001", failures=("ENV-02",))["id"])[0]
    notifier.run_once()
    assert _channels(dbsession, second["id"], "firm1") == ["inapp", "wechat"]
    assert len(sms_on.texts_to(phones["firm1"])) == 1  # still only the first ticket's


def test_wechat_fallback_still_reaches_sms_when_both_are_on(
    client, login, dbsession, notifier_at_head, phones, sms_on, wechat_on, inspect, tickets_of
):
    user = dbsession.scalar(sa.select(User).where(User.username == "firm1"))
    user.wechat_openid = "o-gone"
    dbsession.flush()
    wechat_on.unfollowed.add("o-gone")
    _put(client, login, "firm1", {"push": False})  # a row of choices exists; SMS stays on
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    notifier.run_once()
    assert _channels(dbsession, ticket["id"], "firm1") == ["inapp", "sms", "wechat"]
    assert len(sms_on.texts_to(phones["firm1"])) == 1


def test_push_switched_off_pushes_to_no_browser(
    client, login, dbsession, notifier_at_head, push_on, inspect, tickets_of
):
    browser = push_on.new_browser()
    answer = client.post(
        "/api/push-subscriptions", json=browser.subscription(), headers=login("firm1")
    )
    assert answer.status_code == 201
    _put(client, login, "firm1", {"push": False})
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    assert notifier.run_once().by_channel == {"inapp": 1}
    assert _channels(dbsession, ticket["id"], "firm1") == ["inapp"]
    assert push_on.messages_for(browser) == [] and push_on.requests == 0


def test_the_unreachable_report_names_the_users_own_choices(
    client, login, dbsession, phones, sms_on
):
    def rows():
        answer = client.get("/api/notifications/unreachable", headers=login("admin"))
        return {r["username"]: r["reasons"] for r in answer.json}

    assert "firm1" not in rows()  # a number, SMS configured, SMS on
    _put(client, login, "firm1", {"sms": False, "push": False})
    assert rows()["firm1"] == ["sms_off", "push_not_configured", "push_off"]
    _put(client, login, "firm1", {"sms": True})
    assert "firm1" not in rows()


def test_an_sms_held_for_the_morning_is_not_sent_once_sms_is_switched_off(
    app, client, login, dbsession, frozen_clock, notifier_at_head, phones, sms_on, inspect,
    tickets_of,
):  # fmt: skip
    from datetime import UTC, datetime, timedelta

    from backend.clock import SHANGHAI

    app.config.update(NOTIFY_QUIET_START="22:00", NOTIFY_QUIET_END="07:00")
    # The next 23:00 in Beijing (after the inspection, which is stamped an hour before now).
    night = datetime.now(UTC).astimezone(SHANGHAI).replace(hour=23, minute=0, second=0)
    night += timedelta(days=1)
    frozen_clock(night)
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    assert notifier.run_once().deferred == 1  # the SMS waits for 07:00
    _put(client, login, "firm1", {"sms": False})
    frozen_clock(night + timedelta(hours=8, minutes=30))
    tally = notifier.run_once()
    assert tally.sent == 0 and tally.dead == 1
    assert sms_on.texts_to(phones["firm1"]) == []
    dead = dbsession.scalar(
        sa.select(Delivery).where(Delivery.ticket_id == ticket["id"], Delivery.channel == "sms")
    )
    assert "switched this channel off" in dead.last_error
