"""WeChat template messages through the fake Official Account API: the ticket's fields (no
remark, no colour), the deep link, a stale token fetched again, and SMS when WeChat cannot."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.notifications import notifier
from backend.notifications.models import Delivery, DeliveryState


def _bind(dbsession, username, openid):
    dbsession.scalar(sa.select(User).where(User.username == username)).wechat_openid = openid
    dbsession.flush()


def test_a_bound_user_gets_the_template_message_instead_of_sms(
    app, dbsession, notifier_at_head, phones, sms_on, wechat_on, inspect, tickets_of
):
    _bind(dbsession, "firm1", "o-firm1")
    ticket = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]
    tally = notifier.run_once()
    assert tally.by_channel == {"inapp": 1, "wechat": 1}
    [message] = wechat_on.messages
    assert message["touser"] == "o-firm1" and message["template_id"] == "TPL-ticket"
    assert message["url"] == f"https://wuhao.example.cn/ticket/{ticket['id']}"
    data = {k: v["value"] for k, v in message["data"].items()}
    assert set(data) == {"thing1", "character_string2", "thing3", "time4"}
    assert data["thing1"] == "新工单待受理" and data["character_string2"] == ticket["code"]
    assert len(data["thing3"]) <= 20
    assert sms_on.texts_to(phones["firm1"]) == []  # WeChat reached them: no SMS


def test_a_stale_token_is_fetched_again(
    app, dbsession, notifier_at_head, wechat_on, inspect, tickets_of
):
    _bind(dbsession, "firm1", "o-firm1")
    inspect("E001", failures=("GAR-06",))
    notifier.run_once()
    wechat_on.revoke_tokens()
    inspect("E001", failures=("ENV-02",))
    assert notifier.run_once().by_channel.get("wechat") == 1
    assert len(wechat_on.messages) == 2 and wechat_on.token_requests == 2


def test_an_unfollowed_user_falls_back_to_sms(
    app, dbsession, notifier_at_head, phones, sms_on, wechat_on, inspect, tickets_of
):
    _bind(dbsession, "firm1", "o-gone")
    wechat_on.unfollowed.add("o-gone")
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    notifier.run_once()
    rows = dbsession.scalars(
        sa.select(Delivery).where(Delivery.ticket_id == ticket_id).order_by(Delivery.id)
    ).all()
    by_channel = {d.channel.value: d for d in rows if d.user_id == rows[0].user_id}
    assert by_channel["wechat"].state is DeliveryState.dead
    assert "43004" in by_channel["wechat"].last_error
    assert by_channel["sms"].state is DeliveryState.sent
    [text] = sms_on.texts_to(phones["firm1"])
    assert f"https://wuhao.example.cn/ticket/{ticket_id}" in text


def test_wrong_wechat_credentials_retry_then_fall_back(
    app, dbsession, frozen_clock, notifier_at_head, phones, sms_on, wechat_on, inspect, tickets_of
):
    from datetime import timedelta

    from backend.clock import utcnow

    app.config["NOTIFY_MAX_ATTEMPTS"] = 2
    try:
        wechat_on.secret = "rotated"
        _bind(dbsession, "firm1", "o-firm1")
        inspect("E001", failures=("GAR-06",))
        now = utcnow()
        frozen_clock(now)
        assert notifier.run_once().retried == 1
        frozen_clock(now + timedelta(hours=1))
        notifier.run_once()
        dead = dbsession.scalar(sa.select(Delivery).where(Delivery.channel == "wechat"))
        assert dead.state is DeliveryState.dead and "40125" in dead.last_error
        assert len(sms_on.texts_to(phones["firm1"])) == 1
    finally:
        app.config["NOTIFY_MAX_ATTEMPTS"] = 6


def test_bind_wechat_command(app, dbsession):
    result = app.test_cli_runner().invoke(args=["notify", "bind-wechat", "firm2", "o-firm2"])
    assert result.exit_code == 0, result.output
    user = dbsession.scalar(sa.select(User).where(User.username == "firm2"))
    assert user.wechat_openid == "o-firm2"
