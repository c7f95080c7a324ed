"""What administrators watch: dead letters (deliveries given up, with the reason) and the users
no notice reaches outside the app (no mobile number for SMS, no browser with push)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend.accounts.models import User
from backend.database import db
from backend.notifications import channels as ch
from backend.notifications.models import Channel, Delivery, DeliveryState, PushSubscription
from backend.tickets.models import Ticket


def dead_letters_query(channel: str | None) -> sa.Select:
    query = sa.select(Delivery).where(Delivery.state == DeliveryState.dead)
    if channel:
        query = query.where(Delivery.channel == channel)
    return query.order_by(Delivery.id.desc())


def unreachable() -> list[dict[str, Any]]:
    """Active users whom only the in-app centre reaches (they learn nothing until they open the
    app), with why: which outside channels are not set up for them, or switched off by them."""
    available = ch.senders()
    switched_off = ch.switched_off(
        db.session.scalars(sa.select(User.id).where(User.is_active.is_(True)))
    )
    subscribed = set(db.session.scalars(sa.select(PushSubscription.user_id).distinct()))
    rows = []
    users = db.session.scalars(
        sa.select(User).where(User.is_active.is_(True)).order_by(User.username)
    )
    for user in users:
        off = switched_off.get(user.id, set())
        reasons = []
        if Channel.sms not in available:
            reasons.append("sms_not_configured")
        elif not user.phone:
            reasons.append("no_phone")
        if Channel.sms in off:
            reasons.append("sms_off")
        if Channel.push not in available:
            reasons.append("push_not_configured")
        elif user.id not in subscribed:
            reasons.append("no_push_subscription")
        if Channel.push in off:
            reasons.append("push_off")
        if Channel.wechat in off and user.wechat_openid:
            reasons.append("wechat_off")
        if len(ch.reachable(user, available, off)) == 1:
            rows.append(
                {
                    "id": user.id,
                    "username": user.username,
                    "display_name": user.display_name,
                    "role": user.role.value,
                    "organisation_id": user.organisation_id,
                    "reasons": reasons,
                }
            )
    return rows


def dead_letter_rows(deliveries: list[Delivery]) -> list[dict[str, Any]]:
    """The page's names and codes in two queries, whatever the page size."""
    users = {d.user_id for d in deliveries}
    tickets = {d.ticket_id for d in deliveries if d.ticket_id is not None}
    names = {
        uid: f"{name} ({username})" if name else username
        for uid, name, username in db.session.execute(
            sa.select(User.id, User.display_name, User.username).where(User.id.in_(users))
        )
    }
    codes = {
        t.id: t.code for t in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(tickets)))
    }
    return [
        {
            "id": d.id,
            "key": d.key,
            "channel": d.channel.value,
            "topic": d.topic,
            "user_id": d.user_id,
            "recipient": names.get(d.user_id, ""),
            "ticket_id": d.ticket_id,
            "ticket_code": codes.get(d.ticket_id) if d.ticket_id is not None else None,
            "attempts": d.attempts,
            "last_error": d.last_error,
            "created_at": d.created_at,
        }
        for d in deliveries
    ]
