"""When a message may go out: quiet hours (nothing but urgent notices by SMS or push at night,
Beijing time; the in-app centre is silent anyway) and the daily SMS cap per mobile number,
counted from the SMS deliveries sent today (Beijing date), never from a stored counter."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.clock import SHANGHAI
from backend.database import db
from backend.notifications.models import Channel, Delivery, DeliveryState

# An escalation or a supervisor's urging may wake people; the rest waits for the morning.
URGENT_TOPICS = frozenset({"ticket.escalate", "ticket.urge"})


def _clock(name: str) -> time:
    return time.fromisoformat(current_app.config[name])


def quiet_until(now: datetime) -> datetime | None:
    """The end of the quiet hours `now` falls in (aware UTC-comparable), or None outside them."""
    start, end = _clock("NOTIFY_QUIET_START"), _clock("NOTIFY_QUIET_END")
    if start == end:
        return None
    local = now.astimezone(SHANGHAI)
    clock = local.time()
    inside = start <= clock or clock < end if start > end else start <= clock < end
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=SHANGHAI)


def held_back(delivery: Delivery, now: datetime) -> datetime | None:
    """When a delivery that may not go out now may go (quiet hours), else None."""
    if delivery.channel is Channel.inapp or delivery.topic in URGENT_TOPICS:
        return None
    return quiet_until(now)


def sms_sent_today(phones: set[str], now: datetime) -> dict[str, int]:
    """SMS sent to each of these numbers since midnight, Beijing time. On PostgreSQL the numbers
    are locked first (until the batch commits): two notifiers never both count a number below its
    cap and both send, the second counts what the first sent."""
    if not phones:
        return {}
    if db.engine.dialect.name == "postgresql":
        for phone in sorted(phones):  # one order for every notifier: no deadlock
            db.session.execute(
                sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("wuhao-sms:" + phone)))
            )
    midnight = datetime.combine(now.astimezone(SHANGHAI).date(), time(0), tzinfo=SHANGHAI)
    rows = db.session.execute(
        sa.select(User.phone, sa.func.count())
        .join(Delivery, Delivery.user_id == User.id)
        .where(
            User.phone.in_(sorted(phones)),
            Delivery.channel == Channel.sms,
            Delivery.state == DeliveryState.sent,
            Delivery.sent_at >= midnight,
        )
        .group_by(User.phone)
    )
    return {phone: count for phone, count in rows}


def over_cap(delivery: Delivery, phone: str | None, counts: dict[str, int]) -> bool:
    """Whether one more SMS to `phone` would pass NOTIFY_SMS_DAILY_CAP (urgent ones always go).
    Counts the ones this batch sends as it goes."""
    if delivery.channel is not Channel.sms or not phone or delivery.topic in URGENT_TOPICS:
        return False
    return counts.get(phone, 0) >= current_app.config["NOTIFY_SMS_DAILY_CAP"]
