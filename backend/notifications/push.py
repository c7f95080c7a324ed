"""Web Push (RFC 8030 delivery, RFC 8291 aes128gcm encryption, RFC 8292 VAPID) to the installed
PWA, through pywebpush. A subscription is one browser of one user; the push service's 404/410
means the browser dropped it, so it is removed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
import sqlalchemy as sa
from flask import current_app
from pywebpush import WebPushException, webpush

from backend.accounts.models import User
from backend.database import db
from backend.notifications.models import Delivery, PushSubscription

GONE = frozenset({404, 410})
TTL_SECONDS = 24 * 3600  # a phone offline for a day still gets it


class PushError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


def public_key() -> str | None:
    return current_app.config.get("VAPID_PUBLIC_KEY") or None


def payload(delivery: Delivery) -> str:
    """What the service worker shows (pwa/src/sw.ts): title, body, the path it opens."""
    return json.dumps(
        {
            "title": delivery.title,
            "body": delivery.body,
            "link": delivery.link,
            "tag": delivery.key,
            "ticket_id": delivery.ticket_id,
        },
        ensure_ascii=False,
    )


@dataclass(frozen=True)
class PushSender:
    private_key: str
    subject: str
    timeout_seconds: float = 10.0

    def _send_one(self, subscription: PushSubscription, data: str, topic: str) -> None:
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        try:
            webpush(
                info,
                data,
                vapid_private_key=self.private_key,
                vapid_claims={"sub": self.subject},
                ttl=TTL_SECONDS,
                timeout=self.timeout_seconds,
                # Topic (RFC 8030 §5.4): a resend replaces the copy still waiting at the service.
                headers={"Topic": topic, "Urgency": "high"},
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status in GONE:
                db.session.delete(subscription)
                raise PushError(f"push service answered {status}: gone", retryable=False) from exc
            retryable = status == 429 or status >= 500 or status == 0
            raise PushError(f"push service answered {status}", retryable=retryable) from exc
        except requests.RequestException as exc:
            raise PushError(f"push service unreachable: {exc}", retryable=True) from exc

    def send(self, delivery: Delivery, user: User) -> str:
        """Push to every browser of the user; sent when at least one took it."""
        subscriptions = db.session.scalars(
            sa.select(PushSubscription)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.id)
        ).all()
        data, topic = payload(delivery), f"d{delivery.id}"
        reached, problems = [], []
        for subscription in subscriptions:
            try:
                self._send_one(subscription, data, topic)
                reached.append(str(subscription.id))
            except PushError as exc:
                problems.append(exc)
        db.session.flush()
        if reached:
            return ",".join(reached)
        if not problems:
            raise PushError("没有推送订阅 (no push subscription)", retryable=False)
        retryable = any(p.retryable for p in problems)
        raise PushError("; ".join(p.reason for p in problems), retryable=retryable)


def configured_sender() -> PushSender | None:
    config = current_app.config
    if not (config.get("VAPID_PRIVATE_KEY") and config.get("VAPID_PUBLIC_KEY")):
        return None
    return PushSender(
        private_key=config["VAPID_PRIVATE_KEY"],
        subject=config.get("VAPID_SUBJECT") or "mailto:admin@localhost",
        timeout_seconds=float(config.get("NOTIFY_PUSH_TIMEOUT_SECONDS") or 10),
    )


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
