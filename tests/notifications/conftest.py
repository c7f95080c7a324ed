"""Notifier tests: tickets made through the API (the tickets' fixtures), the notifier run in the
test's transaction, SMS to the local fake gateway."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from backend.notifications.models import NotifierCursor
from backend.tickets.models import OutboxEvent
from tests.tickets.conftest import act, inspect, tickets_of, upload  # noqa: F401 (fixtures)

PHONES = {"firm1": "13800000001", "firm2": "13800000002", "street1": "13800000003"}


@pytest.fixture(autouse=True)
def no_quiet_hours(app: Any) -> Iterator[None]:
    """Tests run at any hour: quiet hours are off unless a test sets them (test_policy.py)."""
    saved = app.config["NOTIFY_QUIET_START"], app.config["NOTIFY_QUIET_END"]
    app.config.update(NOTIFY_QUIET_START="00:00", NOTIFY_QUIET_END="00:00")
    yield
    app.config.update(NOTIFY_QUIET_START=saved[0], NOTIFY_QUIET_END=saved[1])


@pytest.fixture
def notifier_at_head(dbsession: Any) -> int:
    """Start the notifier after what the demo world already wrote; returns that outbox id."""
    head = dbsession.scalar(sa.select(sa.func.coalesce(sa.func.max(OutboxEvent.id), 0)))
    cursor = dbsession.get(NotifierCursor, "outbox")
    if cursor is None:
        dbsession.add(NotifierCursor(name="outbox", last_id=head))
    else:
        cursor.last_id = head
    dbsession.flush()
    return head


@pytest.fixture
def phones(dbsession: Any) -> dict[str, str]:
    for username, phone in PHONES.items():
        dbsession.scalar(sa.select(User).where(User.username == username)).phone = phone
    dbsession.flush()
    return PHONES


@pytest.fixture
def sms_on(app: Any, fake_sms: Any) -> Iterator[Any]:
    """SMS configured to the fake gateway for this test."""
    saved = {k: app.config.get(k) for k in ("SMS_GATEWAY_URL", "SMS_GATEWAY_KEY")}
    app.config.update(SMS_GATEWAY_URL=fake_sms.url, SMS_GATEWAY_KEY=fake_sms.key)
    yield fake_sms
    app.config.update(saved)


def user_id(dbsession: Any, username: str) -> int:
    return dbsession.scalar(sa.select(User.id).where(User.username == username))


@pytest.fixture
def push_on(app: Any, fake_push: Any) -> Iterator[Any]:
    """Web Push configured with a fresh VAPID key pair, pushing to the fake service."""
    from tests.fakes.push_service import vapid_keys

    private, public = vapid_keys()
    fake_push.public_key = public
    names = ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT")
    saved = {k: app.config.get(k) for k in names}
    app.config.update(
        VAPID_PRIVATE_KEY=private, VAPID_PUBLIC_KEY=public, VAPID_SUBJECT="mailto:ops@wuhao.test"
    )
    yield fake_push
    app.config.update(saved)


@pytest.fixture
def wechat_on(app: Any, fake_wechat: Any) -> Iterator[Any]:
    """WeChat configured to the fake API; firm1 bound to an openid."""
    names = ("WECHAT_API_BASE", "WECHAT_APPID", "WECHAT_SECRET", "WECHAT_TEMPLATE_ID",
             "NOTIFY_PUBLIC_URL")  # fmt: skip
    saved = {k: app.config.get(k) for k in names}
    app.config.update(
        WECHAT_API_BASE=fake_wechat.base,
        WECHAT_APPID=fake_wechat.appid,
        WECHAT_SECRET=fake_wechat.secret,
        WECHAT_TEMPLATE_ID=fake_wechat.template_id,
        NOTIFY_PUBLIC_URL="https://wuhao.example.cn",
    )
    yield fake_wechat
    app.config.update(saved)
