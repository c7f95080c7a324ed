"""The channels behind one small interface: send(delivery, user) → the channel's message id, or
ChannelError (retryable or not). The delivery's key is passed on as the idempotency key."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Protocol

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.database import db
from backend.messaging import sms
from backend.notifications import push, wechat
from backend.notifications.models import Channel, Delivery, NoticePreference, Notification


class ChannelError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Sender(Protocol):
    def send(self, delivery: Delivery, user: User) -> str: ...


class InAppSender:
    """The notification centre: the message is a row, written in the delivery's transaction
    (so it exists exactly when the delivery is marked sent)."""

    def send(self, delivery: Delivery, user: User) -> str:
        note = Notification(
            user_id=user.id,
            delivery_id=delivery.id,
            topic=delivery.topic,
            ticket_id=delivery.ticket_id,
            title=delivery.title,
            body=delivery.body,
            link=delivery.link,
        )
        db.session.add(note)
        db.session.flush()
        return str(note.id)


def absolute(link: str) -> str:
    base = (current_app.config.get("NOTIFY_PUBLIC_URL") or "").rstrip("/")
    return f"{base}{link}" if base else link


def sms_text(delivery: Delivery) -> str:
    return f"【五好小区】{delivery.title}：{delivery.body} {absolute(delivery.link)}"


class SmsSender:
    def __init__(self, gateway: sms.SmsGateway) -> None:
        self.gateway = gateway

    def send(self, delivery: Delivery, user: User) -> str:
        if not user.phone:
            raise ChannelError("用户没有手机号 (no mobile number)", retryable=False)
        try:
            return self.gateway.send(user.phone, sms_text(delivery), idempotency_key=delivery.key)
        except sms.SmsError as exc:
            raise ChannelError(exc.reason, retryable=exc.retryable) from exc


class PushChannel:
    def __init__(self, sender: push.PushSender) -> None:
        self.sender = sender

    def send(self, delivery: Delivery, user: User) -> str:
        try:
            return self.sender.send(delivery, user)
        except push.PushError as exc:
            raise ChannelError(exc.reason, retryable=exc.retryable) from exc


class WechatChannel:
    def __init__(self, client: wechat.WechatClient) -> None:
        self.client = client

    def send(self, delivery: Delivery, user: User) -> str:
        if not user.wechat_openid:
            raise ChannelError("用户未绑定微信 (no WeChat binding)", retryable=False)
        code = delivery.body.split(" ", 1)[0]  # the ticket code leads every ticket message
        try:
            return self.client.send(
                user.wechat_openid, delivery.title, code, delivery.body, absolute(delivery.link)
            )
        except wechat.WechatError as exc:
            raise ChannelError(exc.reason, retryable=exc.retryable) from exc


def senders() -> dict[Channel, Sender]:
    """The channels configured now (the in-app centre always)."""
    found: dict[Channel, Sender] = {Channel.inapp: InAppSender()}
    gateway = sms.configured_gateway()
    if gateway is not None:
        found[Channel.sms] = SmsSender(gateway)
    sender = push.configured_sender()
    if sender is not None:
        found[Channel.push] = PushChannel(sender)
    client = wechat.configured_client()
    if client is not None:
        found[Channel.wechat] = WechatChannel(client)
    return found


def switched_off(user_ids: Iterable[int]) -> dict[int, set[Channel]]:
    """The channels each of these users switched off (absent: none), in one query."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(NoticePreference).where(NoticePreference.user_id.in_(ids)))
    return {row.user_id: row.switched_off() for row in rows}


def reachable(
    user: User, available: dict[Channel, Sender], off: Collection[Channel] = ()
) -> list[Channel]:
    """The channels this user can be told on now; `off`: the ones they switched off."""
    channels = [Channel.inapp]  # always: the one place every notice stays
    if Channel.wechat in available and user.wechat_openid and Channel.wechat not in off:
        channels.append(Channel.wechat)  # SMS only when WeChat fails (notifier.fall_back)
    elif Channel.sms in available and user.phone and Channel.sms not in off:
        channels.append(Channel.sms)
    if Channel.push in available and Channel.push not in off and push.has_subscription(user.id):
        channels.append(Channel.push)
    return channels
