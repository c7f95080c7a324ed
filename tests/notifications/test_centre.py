"""The notification centre API: only the caller's own notices; unread counts; settings."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.notifications import notifier


def test_each_user_lists_counts_and_marks_only_their_own(
    client, login, dbsession, notifier_at_head, inspect, tickets_of
):
    ticket = tickets_of(inspect("E001", failures=("GAR-06", "ENV-02"))["id"])[0]
    notifier.run_once()
    firm1, firm2 = login("firm1"), login("firm2")
    assert client.get("/api/notifications/unread", headers=firm1).json == {"unread": 2}
    assert client.get("/api/notifications/unread", headers=firm2).json == {"unread": 0}
    listed = client.get("/api/notifications", headers=firm1)
    assert listed.status_code == 200 and len(listed.json) == 2
    assert listed.json[0]["id"] > listed.json[1]["id"]  # newest first
    assert {n["link"] for n in listed.json} >= {f"/ticket/{ticket['id']}"}
    assert client.get("/api/notifications", headers=firm2).json == []
    ids = [n["id"] for n in listed.json]
    # Another user's ids change nothing.
    other = client.post("/api/notifications/read", json={"ids": ids}, headers=firm2)
    assert other.json == {"marked": 0, "unread": 0}
    marked = client.post("/api/notifications/read", json={"ids": ids[:1]}, headers=firm1)
    assert marked.json == {"marked": 1, "unread": 1}
    unread = client.get("/api/notifications?unread=true", headers=firm1).json
    assert [n["id"] for n in unread] == ids[1:]
    assert client.post("/api/notifications/read-all", headers=firm1).json == {
        "marked": 1,
        "unread": 0,
    }


def test_bad_mark_read_bodies_are_422(client, login):
    for body in ({}, {"ids": []}, {"ids": ["x"]}, {"ids": [0]}):
        answer = client.post("/api/notifications/read", json=body, headers=login("firm1"))
        assert answer.status_code == 422 and "ids" in answer.json["errors"]


def test_a_user_sets_their_mobile_number(client, login, dbsession):
    headers = login("firm1")
    start = client.get("/api/notifications/settings", headers=headers).json
    assert start["phone"] is None and start["channels"] == ["inapp"]
    answer = client.put(
        "/api/notifications/settings", json={"phone": "+86 138-0013-8000"}, headers=headers
    )
    assert answer.status_code == 200 and answer.json["phone"] == "138****8000"
    user = dbsession.scalar(sa.select(User).where(User.username == "firm1"))
    assert user.phone == "13800138000"
    for bad in ("12345", "1380013800", "138\x0013800", "23800138000"):
        refused = client.put("/api/notifications/settings", json={"phone": bad}, headers=headers)
        assert refused.status_code == 422 and "phone" in refused.json["errors"], bad
    assert user.phone == "13800138000"
    cleared = client.put("/api/notifications/settings", json={"phone": None}, headers=headers)
    assert cleared.json["phone"] is None and user.phone is None


def test_sms_reaches_users_with_a_number_when_the_gateway_is_set(
    client, login, dbsession, phones, sms_on
):
    settings = client.get("/api/notifications/settings", headers=login("firm1")).json
    assert settings["channels"] == ["inapp", "sms"]
