"""考评 reminders with a frozen clock: in a quarter's last two weeks and its grace, each assessor
with estates not yet assessed is told once (考评待填写, how many, and the closing day); one who
has assessed them all, and everyone who assesses nothing, is told nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from backend.clock import SHANGHAI
from backend.notifications import notifier
from backend.notifications.assessment_notices import open_quarters, queue_assessment_notices
from backend.notifications.models import Delivery, Notification
from backend.places.models import Estate
from tests.kaoping.test_kaoping import COMMITTEE_80
from tests.security.tokens import bearer

Q4 = (date(2026, 10, 1), date(2026, 12, 31))


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "quarters"),
    [
        (date(2026, 12, 17), []),  # more than 14 days before the last day
        (date(2026, 12, 18), [Q4]),
        (date(2026, 12, 31), [Q4]),
        (date(2027, 1, 15), [Q4]),  # the last day of the grace (15 days)
        (date(2027, 1, 16), []),
    ],
)
def test_the_reminder_window(app, day, quarters):
    with app.app_context():
        assert open_quarters(day) == quarters


def _told(dbsession) -> dict[str, list[tuple[str, str, str]]]:
    rows = dbsession.execute(
        sa.select(User.username, Notification.title, Notification.body, Notification.link)
        .join(User, User.id == Notification.user_id)
        .where(Notification.topic == "assessment.due")
        .order_by(User.username)
    ).all()
    told: dict[str, list[tuple[str, str, str]]] = {}
    for username, title, body, link in rows:
        told.setdefault(username, []).append((title, body, link))
    return told


def _waiting(client, dbsession, username: str) -> int:
    mine = client.get("/api/assessments/mine", headers=bearer(dbsession, username)).json
    return sum(1 for row in mine["estates"] if row["assessment"] is None)


def test_assessors_with_estates_left_are_told_once(client, dbsession, frozen_clock):
    frozen_clock(_at(2026, 12, 10))
    assert queue_assessment_notices() == 0  # three weeks before the end: not yet
    # committee1 assesses its one estate early; it will be told nothing.
    e003 = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E003"))
    done = client.put(f"/api/assessments/{e003}", json={"ratings": COMMITTEE_80},
                      headers=bearer(dbsession, "committee1"))  # fmt: skip
    assert done.status_code == 200, done.json

    frozen_clock(_at(2026, 12, 20))
    left = {name: _waiting(client, dbsession, name) for name in ("community1", "street1")}
    assert all(n > 0 for n in left.values()) and _waiting(client, dbsession, "committee1") == 0
    assert queue_assessment_notices() > 0
    notifier.run_once()
    told = _told(dbsession)
    assert set(told) == {"community1", "street1"}
    for name, n in left.items():
        assert told[name] == [
            ("考评待填写", f"2026年第4季度还有 {n} 个小区未考评，1月15日截止", "/assess")
        ]

    # Later rounds, in the quarter and in its grace, queue nothing new for the same quarter.
    before = dbsession.scalar(sa.select(sa.func.count()).select_from(Delivery))
    assert queue_assessment_notices() == 0
    frozen_clock(_at(2027, 1, 10))
    assert queue_assessment_notices() == 0
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(Delivery)) == before


def test_the_notice_centre_is_open_to_assessors(client, dbsession, frozen_clock):
    frozen_clock(_at(2026, 12, 20))
    queue_assessment_notices()
    notifier.run_once()
    headers = bearer(dbsession, "community1")
    assert client.get("/api/notifications/unread", headers=headers).json == {"unread": 1}
    [notice] = client.get("/api/notifications", headers=headers).json
    assert notice["title"] == "考评待填写" and notice["link"] == "/assess"
    marked = client.post("/api/notifications/read", json={"ids": [notice["id"]]}, headers=headers)
    assert marked.status_code == 200, marked.json
    assert client.get("/api/notifications/unread", headers=headers).json == {"unread": 0}
