"""The notifier: follows the integration outbox, queues one Delivery per (event, recipient,
channel), and sends what is due.

Exactly once: a delivery's key is unique (the same event is never queued twice for the same
person and channel) and is the channel's idempotency key; a delivery is marked sent in the same
transaction that sends its in-app message. A process killed after a gateway accepted a message
but before its commit leaves the row pending: the next run sends it again with the same key and
the gateway answers with the message it already has, sending nothing new.

Several notifiers at once (PostgreSQL): the outbox cursor row is taken FOR UPDATE SKIP LOCKED
(one process fans out at a time, the others skip ahead to sending), and each batch of due
deliveries is taken FOR UPDATE SKIP LOCKED (no two processes hold the same row). On SQLite the
command's transactions take the write lock at BEGIN, so copies simply wait for each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from backend.accounts.models import User
from backend.clock import utcnow
from backend.database import db
from backend.notifications import channels as ch
from backend.notifications import policy
from backend.notifications.models import Channel, Delivery, DeliveryState, NotifierCursor
from backend.notifications.rules import Message, recipients
from backend.tickets.models import OutboxEvent, TicketEvent

CURSOR = "outbox"
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class Tally:
    events: int = 0
    queued: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0  # held back by quiet hours
    by_channel: dict[str, int] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.events += other.events
        self.queued += other.queued
        self.sent += other.sent
        self.retried += other.retried
        self.dead += other.dead
        self.deferred += other.deferred
        for name, n in other.by_channel.items():
            self.by_channel[name] = self.by_channel.get(name, 0) + n


def _cursor() -> NotifierCursor | None:
    """The cursor row, locked; None when another notifier holds it (it is fanning out now)."""
    query = sa.select(NotifierCursor).where(NotifierCursor.name == CURSOR)
    cursor = db.session.scalar(query.with_for_update(skip_locked=True))
    if cursor is None and db.session.get(NotifierCursor, CURSOR) is None:
        cursor = NotifierCursor(name=CURSOR, last_id=0)
        db.session.add(cursor)
    return cursor


def plan(
    source: str, message: Message, users: Iterable[User], available: dict[Channel, ch.Sender]
) -> list[dict[str, Any]]:
    """The delivery rows `message` means: one per user per channel that reaches them (and that
    they have not switched off)."""
    now = utcnow()
    users = list(users)
    off = ch.switched_off(u.id for u in users)
    return [
        {
            "key": f"{source}:{user.id}:{channel.value}",
            "topic": message.topic,
            "ticket_id": message.ticket_id,
            "user_id": user.id,
            "channel": channel.value,
            "title": message.title,
            "body": message.body,
            "link": message.link_for(user),
            "state": DeliveryState.pending.value,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": "",
            "external_id": "",
            "created_at": now,
        }
        for user in users
        for channel in ch.reachable(user, available, off.get(user.id, ()))
    ]


def insert_new(rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose key is not queued yet (ON CONFLICT DO NOTHING: a key queued by
    another process meanwhile is skipped, not an error); returns how many were new."""
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    added = 0
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        keys = [row["key"] for row in chunk]
        known = set(db.session.scalars(sa.select(Delivery.key).where(Delivery.key.in_(keys))))
        fresh = [row for row in chunk if row["key"] not in known]
        if fresh:
            statement = insert(Delivery.__table__).on_conflict_do_nothing(index_elements=["key"])
            db.session.execute(statement, fresh)
            added += len(fresh)
    return added


def queue(
    source: str, message: Message, users: Iterable[User], available: dict[Channel, ch.Sender]
) -> int:
    """Queue `message` for each user on each channel that reaches them (idempotent)."""
    return insert_new(plan(source, message, users, available))


def fan_out(available: dict[Channel, ch.Sender], limit: int) -> Tally:
    """Read up to `limit` outbox events after the cursor and queue their deliveries; commits."""
    tally = Tally()
    cursor = _cursor()
    if cursor is None:
        db.session.rollback()
        return tally
    events = db.session.scalars(
        sa.select(OutboxEvent)
        .where(OutboxEvent.id > cursor.last_id)
        .order_by(OutboxEvent.id)
        .limit(limit)
    ).all()
    for event in events:
        found = recipients(event)
        if found is not None:
            tally.queued += queue(f"outbox:{event.id}", found[0], found[1], available)
        cursor.last_id = event.id
    tally.events = len(events)
    db.session.commit()
    return tally


def backoff(attempts: int) -> timedelta:
    base = current_app.config["NOTIFY_RETRY_BASE_SECONDS"]
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _due(limit: int, now: datetime) -> list[Delivery]:
    query = (
        sa.select(Delivery)
        .where(Delivery.state == DeliveryState.pending, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(db.session.scalars(query))


def _trail(delivery: Delivery, now: datetime) -> None:
    """The ticket's history shows who was told, how: appended directly (no outbox copy, and the
    ticket's version is left alone, so a notice never makes a user's edit stale)."""
    if delivery.ticket_id is None:
        return
    db.session.add(
        TicketEvent(
            ticket_id=delivery.ticket_id,
            action="notified",
            actor_id=None,
            at=now,
            data={
                "delivery_id": delivery.id,
                "user_id": delivery.user_id,
                "channel": delivery.channel.value,
                "topic": delivery.topic,
            },
        )
    )


def fall_back(delivery: Delivery, user: User, available: dict[Channel, ch.Sender]) -> int:
    """A WeChat message given up becomes an SMS (same event, same person: the key's channel
    part changes), when the user has a number, has not switched SMS off, and SMS is set up."""
    if delivery.channel is not Channel.wechat or Channel.sms not in available or not user.phone:
        return 0  # (plan leaves out an SMS the user switched off)
    source = delivery.key.rsplit(":", 2)[0]
    message = Message(delivery.topic, delivery.ticket_id, delivery.title, delivery.body)
    rows = [r for r in plan(source, message, [user], {Channel.sms: available[Channel.sms]})]
    rows = [r for r in rows if r["channel"] == Channel.sms.value]
    for row in rows:
        row["link"] = delivery.link
    return insert_new(rows)


def deliver(available: dict[Channel, ch.Sender], limit: int) -> Tally:
    """Send one batch of due deliveries; commits the batch. A delivery on a channel its user
    switched off after it was queued is not sent (dead, that reason kept; WeChat: SMS instead,
    when on). A delivery whose channel is not configured now waits (retried later), as does one
    the channel failed for a passing reason; after NOTIFY_MAX_ATTEMPTS, or a refusal for good,
    it is dead (a dead letter, reason kept)."""
    tally = Tally()
    now = utcnow()
    batch = _due(limit, now)
    users = {
        u.id: u
        for u in db.session.scalars(sa.select(User).where(User.id.in_({d.user_id for d in batch})))
    }
    most = current_app.config["NOTIFY_MAX_ATTEMPTS"]
    phones = {u.phone for u in users.values() if u.phone}
    sms_today = policy.sms_sent_today(phones, now)
    switched_off = ch.switched_off(users)
    for delivery in batch:
        user = users[delivery.user_id]
        if delivery.channel in switched_off.get(user.id, ()):
            # Switched off after it was queued (held for the morning, or waiting to retry).
            delivery.state = DeliveryState.dead
            delivery.last_error = "用户已关闭该通知方式 (the user switched this channel off)"
            tally.dead += 1
            tally.queued += fall_back(delivery, user, available)
            continue
        later = policy.held_back(delivery, now)
        if later is not None:  # quiet hours: not an attempt, just later
            delivery.next_attempt_at = later
            tally.deferred += 1
            continue
        if policy.over_cap(delivery, user.phone, sms_today):
            delivery.state = DeliveryState.dead
            delivery.last_error = "已达每日短信上限 (daily SMS cap per number reached)"
            tally.dead += 1
            continue
        delivery.attempts += 1
        sender = available.get(delivery.channel)
        try:
            if sender is None:
                raise ch.ChannelError(f"{delivery.channel.value} not configured", retryable=True)
            delivery.external_id = sender.send(delivery, user)[:200]
        except ch.ChannelError as exc:
            delivery.last_error = exc.reason[:1000]
            if exc.retryable and delivery.attempts < most:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
                tally.retried += 1
            else:
                delivery.state = DeliveryState.dead
                tally.dead += 1
                tally.queued += fall_back(delivery, user, available)
            continue
        delivery.state, delivery.sent_at, delivery.last_error = DeliveryState.sent, now, ""
        _trail(delivery, now)
        if delivery.channel is Channel.sms and user.phone:
            sms_today[user.phone] = sms_today.get(user.phone, 0) + 1
        tally.sent += 1
        name = delivery.channel.value
        tally.by_channel[name] = tally.by_channel.get(name, 0) + 1
    db.session.commit()
    return tally


def run_once(max_rounds: int = 10_000) -> Tally:
    """Fan out everything new, then send everything due; returns what was done."""
    total = Tally()
    batch = current_app.config["NOTIFY_BATCH_SIZE"]
    available = ch.senders()
    for _ in range(max_rounds):
        step = fan_out(available, batch)
        total.add(step)
        if step.events < batch:
            break
    for _ in range(max_rounds):
        step = deliver(available, batch)
        total.add(step)
        done = step.sent + step.retried + step.dead + step.deferred
        if done < batch and not step.queued:  # a fallback queued now goes in this run too
            break
    return total
