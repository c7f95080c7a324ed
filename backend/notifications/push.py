"""Web Push subscriptions (RFC 8030 endpoint + RFC 8291 keys) of the installed PWA.

Sending (VAPID, pywebpush) is not built yet: configured_sender() is None, so no push delivery is
queued; subscriptions are kept so that sending can start without asking users again."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.database import db
from backend.notifications.models import PushSubscription


def public_key() -> str | None:
    return current_app.config.get("VAPID_PUBLIC_KEY") or None


def configured_sender() -> None:
    return None


def has_subscription(user_id: int) -> bool:
    query = sa.select(PushSubscription.id).where(PushSubscription.user_id == user_id).limit(1)
    return db.session.scalar(query) is not None


def subscribe(user: User, endpoint: str, keys: dict[str, Any]) -> PushSubscription:
    query = sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    row = db.session.scalar(query)
    if row is None:
        row = PushSubscription(endpoint=endpoint)
        db.session.add(row)
    row.user_id, row.p256dh, row.auth = user.id, keys["p256dh"], keys["auth"]
    db.session.flush()
    return row


def unsubscribe(user: User, endpoint: str) -> None:
    db.session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )
