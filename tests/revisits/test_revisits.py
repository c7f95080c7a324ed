"""回访 on residents' tickets: the page, one answer per closure, "not solved" reopens exactly once,
the window, forged tokens and replays, and who may read single answers."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from backend import clock
from backend.accounts.models import User
from backend.places.models import Estate
from backend.revisits.models import RevisitLink
from backend.tickets.models import Ticket, TicketEvent
from tests.revisits.conftest import PAGE, reply


def _ticket(dbsession, ticket_id: int) -> Ticket:
    dbsession.expire_all()
    return dbsession.get(Ticket, ticket_id)


def test_the_page_shows_the_ticket_and_no_people(client, complaint, dbsession):
    c = complaint(description="垃圾桶满了 联系人13904110000")
    assert c["short"] is not None and len(c["short"]) == 10
    for token in (c["token"], c["short"], c["short"].lower()):
        page = client.get(f"{PAGE}/{token}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert c["code"] in html and "问题解决了吗" in html and "Was the problem solved" in html
        assert "已清运,现场已清理" in html and "1 张" in html
        assert page.headers["Cache-Control"] == "no-store"
        assert page.headers["Referrer-Policy"] == "no-referrer"
    names = dbsession.execute(
        sa.select(User.display_name, User.username).where(User.username.in_(("firm1", "street1")))
    ).all()
    for display, username in names:
        assert username not in html and (not display or display not in html)
    assert "13904110000" not in html


def test_solved_is_recorded_once_and_a_replay_is_refused(client, complaint, answers, dbsession):
    c = complaint()
    done = reply(client, c["short"], "yes", "5", "很满意")
    assert done.status_code == 200
    assert "感谢您的回访" in done.get_data(as_text=True)
    again = reply(client, c["short"], "no", "1")  # a replay, or a second phone
    assert again.status_code == 409 and "已回访过" in again.get_data(as_text=True)
    via_open311_token = reply(client, c["token"], "yes", "4")
    assert via_open311_token.status_code == 409
    (row,) = answers(c["id"])
    assert (row.resolved, row.rating, row.comment, row.reopened) == (True, 5, "很满意", False)
    assert row.organisation_id == _ticket(dbsession, c["id"]).responsible_org_id
    assert _ticket(dbsession, c["id"]).state.value == "closed"
    assert "本次结案已回访过" in client.get(f"{PAGE}/{c['short']}").get_data(as_text=True)


def test_not_solved_reopens_exactly_once(client, complaint, close, answers, act, login, dbsession):
    c = complaint()
    first = reply(client, c["short"], "no", "2", "还是有垃圾,电话13904119999")
    assert first.status_code == 200 and "退回责任单位返工" in first.get_data(as_text=True)
    ticket = _ticket(dbsession, c["id"])
    assert ticket.state.value == "rework" and ticket.closed_at is None and ticket.rework_count == 1
    assert not ticket.overdue_at(clock.utcnow())  # a fresh deadline, as for a new dispatch
    event = dbsession.scalar(
        sa.select(TicketEvent)
        .where(TicketEvent.ticket_id == c["id"])
        .order_by(TicketEvent.id.desc())
        .limit(1)
    )
    assert (event.action, event.from_state, event.to_state, event.actor_id) == (
        "reopen", "closed", "rework", None
    )  # fmt: skip
    assert "还是有垃圾" in event.reason and "13904119999" not in event.reason
    # The unit sees the resident's words in the history, and works on it again.
    seen = client.get(f"/api/tickets/{c['id']}", headers=login("firm1")).json
    assert seen["events"][-1]["action"] == "reopen" and seen["events"][-1]["actor_name"] is None
    assert "rectify" in seen["allowed_actions"]
    page = client.get(f"{PAGE}/{c['short']}").get_data(as_text=True)
    assert "正在处理中" in page and "<form" not in page
    close(c["id"], note="已彻底清理")
    page = client.get(f"{PAGE}/{c['short']}").get_data(as_text=True)
    assert "不再退回返工" in page and "<form" in page  # the page says it before the answer
    second = reply(client, c["short"], "no", "1", "仍未解决")
    assert second.status_code == 200 and "监管部门将跟进" in second.get_data(as_text=True)
    assert _ticket(dbsession, c["id"]).state.value == "closed"  # recorded, not reopened
    rows = answers(c["id"])
    assert [(r.resolved, r.reopened) for r in rows] == [(False, True), (False, False)]
    assert rows[0].closure_event_id != rows[1].closure_event_id
    reopens = dbsession.scalar(
        sa.select(sa.func.count()).where(
            TicketEvent.ticket_id == c["id"], TicketEvent.action == "reopen"
        )
    )
    assert reopens == 1
    # Supervisors see both answers, the second one too.
    seen = client.get(f"/api/tickets/{c['id']}/revisit", headers=login("supervisor1"))
    assert seen.status_code == 200, seen.json
    assert [a["reopened"] for a in seen.json["answers"]] == [True, False]
    assert seen.json["status"] == "answered" and seen.json["would_reopen"] is False
    assert seen.json["token"] == c["short"] and seen.json["url"].endswith(f"/public/r/{c['short']}")
    # Nobody signed in can reopen a ticket through the API.
    refused = act(c["id"], "reopen", "supervisor1", reason="试试")
    assert refused.status_code == 422


def test_answers_after_the_window_are_refused(
    client, complaint, answers, app, frozen_clock, dbsession
):
    c = complaint()
    closed_at = _ticket(dbsession, c["id"]).closed_at
    days = app.config["REVISIT_WINDOW_DAYS"]
    frozen_clock(closed_at + timedelta(days=days) - timedelta(minutes=1))
    assert "<form" in client.get(f"{PAGE}/{c['short']}").get_data(as_text=True)
    frozen_clock(closed_at + timedelta(days=days))
    late = reply(client, c["short"], "no", "1")
    assert late.status_code == 410 and "回访已截止" in late.get_data(as_text=True)
    page = client.get(f"{PAGE}/{c['short']}")
    assert page.status_code == 200 and "window has closed" in page.get_data(as_text=True)
    assert answers(c["id"]) == []
    assert _ticket(dbsession, c["id"]).state.value == "closed"
    clock.freeze(None)


def test_forged_tokens_and_bad_forms_write_nothing(client, complaint, answers):
    c = complaint()
    forged = [
        "A" * 10, "23456789AB", c["short"][:-1] + ("2" if c["short"][-1] != "2" else "3"),
        c["token"][:-1] + ("x" if c["token"][-1] != "x" else "y"), "x" * 300, "%00abc",
    ]  # fmt: skip
    for token in forged:
        assert client.get(f"{PAGE}/{token}").status_code == 404, token
        assert reply(client, token).status_code == 404, token
    for resolved, rating in (("maybe", "5"), ("yes", "6"), ("yes", "0"), ("", ""), ("no", "x")):
        bad = reply(client, c["short"], resolved, rating)
        assert bad.status_code == 422, (resolved, rating)
        assert "<form" in bad.get_data(as_text=True)
    long = reply(client, c["short"], "yes", "4", "字" * 1001)
    assert long.status_code == 422
    assert answers(c["id"]) == []


def test_open_tickets_and_findings_have_nothing_to_answer(
    client, complaint, inspect, tickets_of, answers, dbsession, login
):
    c = complaint(closed=False)
    assert c["short"] is None  # the link is made at the first closure
    page = client.get(f"{PAGE}/{c['token']}")
    assert page.status_code == 200 and "正在处理中" in page.get_data(as_text=True)
    assert reply(client, c["token"]).status_code == 409
    assert answers(c["id"]) == []
    finding = tickets_of(inspect("E001", failures=("ENV-02",))["id"])[0]
    assert dbsession.get(RevisitLink, finding["id"]) is None
    nobody = client.get(f"/api/tickets/{finding['id']}/revisit", headers=login("supervisor1"))
    assert nobody.status_code == 200 and nobody.json["status"] == "none"


def test_a_case_registered_by_hand_gets_a_short_link(client, login, upload, close, dbsession):
    estate_id = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E001"))
    body = {"estate_id": estate_id, "item_code": "GAR-06", "description": "居民来电反映垃圾外溢",
            "photos": [upload("street1")]}  # fmt: skip
    created = client.post("/api/tickets", json=body, headers=login("street1"))
    assert created.status_code == 201, created.json
    close(created.json["id"])
    link = dbsession.get(RevisitLink, created.json["id"])
    assert link is not None
    shown = client.get(f"/api/tickets/{created.json['id']}/revisit", headers=login("street1"))
    assert shown.json["token"] == link.token and shown.json["status"] == "ask"
    assert reply(client, link.token, "yes", "4").status_code == 200


def test_only_supervisors_and_admins_read_single_answers(client, complaint, login):
    c = complaint()
    reply(client, c["short"], "yes", "3", "一般")
    for username, status in (("firm1", 403), ("inspector1", 403), ("supervisor1", 200),
                             ("admin", 200), ("firm2", 403)):  # fmt: skip
        got = client.get(f"/api/tickets/{c['id']}/revisit", headers=login(username))
        assert got.status_code == status, username
    # Nothing of the answer shows in the ticket the firm reads.
    ticket = client.get(f"/api/tickets/{c['id']}", headers=login("firm1")).get_data(as_text=True)
    assert "一般" not in ticket and "rating" not in ticket
