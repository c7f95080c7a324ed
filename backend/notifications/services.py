"""The notification centre and notice settings: always the caller's own rows."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend.accounts.models import User
from backend.clock import utcnow
from backend.database import db
from backend.errors import ValidationFailed
from backend.messaging.sms import mask_mobile, normalise_mobile
from backend.notifications import channels, push
from backend.notifications.models import Channel, NoticePreference, Notification


def list_query(user: User, unread: bool | None) -> sa.Select:
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    return query.order_by(Notification.id.desc())


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def _mark(user: User, *where: sa.ColumnElement[bool]) -> dict[str, int]:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None), *where)
        .values(read_at=utcnow())
    )
    return {"marked": result.rowcount, "unread": unread_count(user)}


def mark_read(user: User, ids: list[int]) -> dict[str, int]:
    return _mark(user, Notification.id.in_(sorted(set(ids))))


def mark_all_read(user: User) -> dict[str, int]:
    return _mark(user)


def settings(user: User) -> dict[str, Any]:
    choice = db.session.get(NoticePreference, user.id)
    off = choice.switched_off() if choice else set()
    return {
        "phone": mask_mobile(user.phone) if user.phone else None,
        "channels": [c.value for c in channels.reachable(user, channels.senders(), off)],
        "push_public_key": push.public_key(),
        "sms": Channel.sms not in off,
        "push": Channel.push not in off,
        "wechat": Channel.wechat not in off,
        "wechat_bound": bool(user.wechat_openid),
    }


def _set_phone(user: User, raw: str | None) -> None:
    if raw is None or not raw.strip():
        user.phone = None
        return
    phone = normalise_mobile(raw)
    if phone is None:
        raise ValidationFailed(
            "手机号无效 (not a mainland mobile number)",
            {"phone": ["11 digits starting 13–19 (+86 allowed)"]},
        )
    user.phone = phone


def update_settings(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Change what `data` names: the mobile number, and which outside channels are on."""
    if "phone" in data:
        _set_phone(user, data["phone"])
    choices = {name: data[name] for name in ("sms", "push", "wechat") if name in data}
    if choices:
        choice = db.session.get(NoticePreference, user.id)
        if choice is None:
            choice = NoticePreference(user_id=user.id, sms=True, push=True, wechat=True)
            db.session.add(choice)
        for name, on in choices.items():
            setattr(choice, name, on)
    db.session.flush()
    return settings(user)
