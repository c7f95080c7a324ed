"""A ticket's detail names things for people: the estate (name, address), who found the problem
(the inspector, or a complaint's channel) and who did each step of its history; the names come
from one query whatever the length of the history."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.database import db
from backend.places.models import Estate
from tests.open311.conftest import api_key, inside, post  # noqa: F401


def _user(dbsession, username: str) -> User:
    return dbsession.scalar(sa.select(User).where(User.username == username))


def test_detail_names_the_estate_the_finder_and_the_people_in_the_history(
    inspect, tickets_of, act, upload, client, login, dbsession
):
    (ticket,) = tickets_of(inspect("E001", failures=("ENV-04",))["id"])
    act(ticket["id"], "accept", "firm1")
    rectified = act(ticket["id"], "rectify", "firm1", photos=[upload("firm1")], reason="已清理")
    # A transition's answer names its actor too.
    assert rectified.json["events"][-1]["actor_name"] == "万家物业 客服"
    detail = client.get(f"/api/tickets/{ticket['id']}", headers=login("supervisor1")).json
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "E001"))
    assert detail["estate_name"] == estate.name
    assert detail["estate_address"] == estate.address and estate.address
    inspector, firm = _user(dbsession, "inspector1"), _user(dbsession, "firm1")
    assert detail["found_by"] == {
        "user_id": inspector.id, "name": inspector.display_name, "channel": None,
    }  # fmt: skip
    names = [(e["action"], e["actor_id"], e["actor_name"]) for e in detail["events"]]
    assert names == [
        ("dispatch", inspector.id, "网格员 张明"),
        ("accept", firm.id, "万家物业 客服"),
        ("rectify", firm.id, "万家物业 客服"),
    ]
    # The firm reads the same names; inbox rows stay lean (no history, no names).
    as_firm = client.get(f"/api/tickets/{ticket['id']}", headers=login("firm1")).json
    assert as_firm["found_by"]["name"] == "网格员 张明"
    assert as_firm["events"][-1]["actor_name"] == "万家物业 客服"
    row = client.get("/api/tickets?page_size=200", headers=login("firm1")).json
    assert "found_by" not in next(r for r in row if r["id"] == ticket["id"])


def test_a_user_without_a_display_name_is_named_by_username(
    inspect, tickets_of, client, login, dbsession
):
    _user(dbsession, "inspector1").display_name = ""
    dbsession.commit()
    (ticket,) = tickets_of(inspect("E001", failures=("ENV-04",))["id"])
    detail = client.get(f"/api/tickets/{ticket['id']}", headers=login("admin")).json
    assert detail["found_by"]["name"] == "inspector1"
    assert detail["events"][0]["actor_name"] == "inspector1"


def test_a_complaint_is_found_by_its_channel(request, client, login):
    complain = request.getfixturevalue("post")  # the Open311 fixtures (imported above)
    answer = complain(description="3号楼垃圾桶满溢")
    assert answer.status_code == 201, answer.json
    rows = client.get("/api/tickets?page_size=200&sort=-dispatched", headers=login("admin")).json
    ticket = next(r for r in rows if r["source"] == "complaint")
    detail = client.get(f"/api/tickets/{ticket['id']}", headers=login("supervisor1")).json
    assert detail["found_by"] == {"user_id": None, "name": None, "channel": "12345热线"}
    assert detail["events"][0]["actor_id"] is None and detail["events"][0]["actor_name"] is None


def test_names_cost_one_query_however_long_the_history(
    inspect, tickets_of, act, upload, client, login
):
    (ticket,) = tickets_of(inspect("E001", failures=("ENV-04",))["id"])
    headers = login("supervisor1")

    def statements() -> int:
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/api/tickets/{ticket['id']}", headers=headers).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    act(ticket["id"], "accept", "firm1")
    act(ticket["id"], "rectify", "firm1", photos=[upload("firm1")])
    # Measured in the same state (awaiting verification: the same actions are checked).
    short = statements()
    act(ticket["id"], "reject", "inspector1", reason="仍有堆放物", photos=[upload("inspector1")])
    act(ticket["id"], "rectify", "firm1", photos=[upload("firm1")])
    assert statements() == short
