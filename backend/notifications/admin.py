"""What administrators watch: dead letters (deliveries given up, with the reason) and the users
no notice reaches outside the app (no mobile number for SMS, no browser with push)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend.accounts.models import User
from backend.database import db
from backend.notifications import channels as ch
from backend.notifications.models import Channel, Delivery, DeliveryState, PushSubscription


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
