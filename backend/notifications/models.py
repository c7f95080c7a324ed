"""Notifications: who was told what, on which channel, and whether it arrived.

A Delivery is one message for one (event, recipient, channel); its `key` is unique, so the same
event can never be queued twice for the same person and channel, and the key is what the channel
is given as its idempotency key (a gateway that sees it again sends nothing new). A Notification
is the in-app channel's message: what the notification centre lists, read or unread.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import UTCDateTime, db


class DeliveryState(enum.StrEnum):
    pending = "pending"  # waiting for its first send or its next attempt (next_attempt_at)
    sent = "sent"
    dead = "dead"  # gave up: attempts used up or the channel refused it for good


class Channel(enum.StrEnum):
    inapp = "inapp"  # the notification centre in the app
    sms = "sms"
    push = "push"  # Web Push to the installed PWA
    wechat = "wechat"  # WeChat Official Account template message (SMS when it cannot)


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    return sa.Enum(cls, name=name, native_enum=False, length=16, validate_strings=True)


class Delivery(db.Model):
    __tablename__ = "notification_deliveries"
    __table_args__ = (
        # What the notifier's next batch reads: due pending rows, oldest first.
        sa.Index("ix_notification_deliveries_state_next", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)  # the idempotency key
    topic: Mapped[str] = mapped_column(sa.String(64))  # ticket.dispatch, reminder.due_soon …
    ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tickets.id"), nullable=True, index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "notification_channel"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(200), default="")  # the app path it opens
    state: Mapped[DeliveryState] = mapped_column(
        _enum(DeliveryState, "delivery_state"), default=DeliveryState.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    external_id: Mapped[str] = mapped_column(sa.String(200), default="")  # the channel's id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Notification(db.Model):
    """One message in a user's notification centre (made by its in-app delivery, once)."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notification_deliveries.id"), unique=True
    )
    topic: Mapped[str] = mapped_column(sa.String(64))
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"), nullable=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NotifierCursor(db.Model):
    """How far the notifier has read the integration outbox (outbox_events.id)."""

    __tablename__ = "notifier_cursors"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)


class PushSubscription(db.Model):
    """A browser's Web Push subscription (RFC 8030 endpoint and RFC 8291 keys) for one user."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketUrge(db.Model):
    """催办: a supervisor urges the responsible unit on a ticket, with a note; the unit is told at
    once on every channel and acknowledges in the app."""

    __tablename__ = "ticket_urges"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    # The unit urged (the responsible one then): urges count against it in its scorecard.
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    note: Mapped[str] = mapped_column(sa.Text)
    urged_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    urged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NoticePreference(db.Model):
    """Which outside channels a user wants (the in-app centre always). No row: all of them, so
    a user who never opened the settings is told as before."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    sms: Mapped[bool] = mapped_column(default=True)
    push: Mapped[bool] = mapped_column(default=True)
    wechat: Mapped[bool] = mapped_column(default=True)

    def switched_off(self) -> set[Channel]:
        return {c for c in (Channel.sms, Channel.push, Channel.wechat) if not getattr(self, c)}
