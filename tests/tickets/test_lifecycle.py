"""The lifecycle: a scripted walk to closure with rework, every transition per role, bad input."""

import pytest
import sqlalchemy as sa

from backend.tickets.models import OutboxEvent, TicketEvent


@pytest.fixture
def ticket(inspect, tickets_of):
    """A fresh ticket on E001 (firm1's estate, inspector1's grid, street1 and supervisor1's area)."""
    inspection = inspect("E001", failures=("ENV-04",))
    return tickets_of(inspection["id"])[0]


def test_a_finding_walks_to_closure_through_a_rework_loop(
    ticket, act, upload, client, login, dbsession
):
    tid = ticket["id"]
    assert act(tid, "accept", "firm1").json["state"] == "accepted"
    first_fix = upload("firm1")
    rectified = act(tid, "rectify", "firm1", photos=[first_fix], reason="已清理")
    assert rectified.status_code == 200 and rectified.json["state"] == "rectified"
    rejected = act(tid, "reject", "inspector1", reason="仍有堆放物", photos=[upload("inspector1")])
    assert rejected.json["state"] == "rework" and rejected.json["rework_count"] == 1
    again = act(tid, "rectify", "firm1", photos=[upload("firm1")])
    assert again.json["state"] == "rectified"
    closed = act(tid, "verify", "street1", photos=[upload("street1")])
    assert closed.status_code == 200 and closed.json["state"] == "closed"
    detail = client.get(f"/api/tickets/{tid}", headers=login("supervisor1")).json
    trail = [(e["action"], e["from_state"], e["to_state"]) for e in detail["events"]]
    assert trail == [
        ("dispatch", None, "dispatched"), ("accept", "dispatched", "accepted"),
        ("rectify", "accepted", "rectified"), ("reject", "rectified", "rework"),
        ("rectify", "rework", "rectified"), ("verify", "rectified", "closed"),
    ]  # fmt: skip
    kinds = [p["kind"] for p in detail["photos"]]
    assert kinds == ["before", "after", "verification", "after", "verification"]
    # Everyone who may see the ticket may see its photos; others may not.
    assert (
        client.get(f"/api/photos/{first_fix}/thumb", headers=login("supervisor1")).status_code
        == 200
    )
    assert client.get(f"/api/photos/{first_fix}/thumb", headers=login("firm2")).status_code == 404
    # The outbox holds the same events in the same order, one per audit event.
    events = dbsession.scalars(
        sa.select(TicketEvent).where(TicketEvent.ticket_id == tid).order_by(TicketEvent.id)
    ).all()
    outbox = dbsession.scalars(
        sa.select(OutboxEvent)
        .where(OutboxEvent.ticket_event_id.in_([e.id for e in events]))
        .order_by(OutboxEvent.id)
    ).all()
    assert [o.ticket_event_id for o in outbox] == [e.id for e in events]
    assert [o.topic for o in outbox] == [f"ticket.{e.action}" for e in events]


# action, actor who may, actors who may not (from the state the action needs)
RULES = {
    "accept": ("firm1", ["firm2", "inspector1", "street1", "admin"]),
    "dispute": ("firm1", ["inspector1", "supervisor1", "firm2"]),
    "rectify": ("firm1", ["inspector1", "supervisor1", "admin"]),
    "verify": ("inspector1", ["firm1", "inspector2", "firm2"]),
    "reject": ("supervisor1", ["firm1", "inspector2"]),
    "return": ("street1", ["firm1", "inspector1"]),
    "reroute": ("supervisor1", ["firm1", "inspector1"]),
    "cancel": ("admin", ["firm1", "inspector1"]),
}
SETUP = {  # how to bring a fresh ticket into the state the action needs
    "accept": [], "dispute": [], "reroute": [], "cancel": [],
    "rectify": [("accept", "firm1", {})],
    "verify": [("accept", "firm1", {}), ("rectify", "firm1", {"photos": "new"})],
    "reject": [("accept", "firm1", {}), ("rectify", "firm1", {"photos": "new"})],
    "return": [("dispute", "firm1", {"reason": "不属于我方"})],
}  # fmt: skip


def _body(action, upload, username):
    body = {"reason": "理由"}
    if action in ("rectify",):
        body["photos"] = [upload(username)]
    return body


@pytest.mark.parametrize("action", sorted(RULES))
def test_who_may_do_what(action, inspect, tickets_of, act, upload, client, login, dbsession):
    ticket = tickets_of(inspect("E001", failures=("ENV-04",))["id"])[0]
    for step, username, body in SETUP[action]:
        body = {k: [upload(username)] if v == "new" else v for k, v in body.items()}
        assert act(ticket["id"], step, username, **body).status_code == 200
    allowed, denied = RULES[action]
    extra = {}
    if action == "reroute":
        extra["organisation_id"] = client.get("/api/me", headers=login("firm2")).json[
            "organisation_id"
        ]
    for username in denied:
        response = act(ticket["id"], action, username, **_body(action, upload, username), **extra)
        assert response.status_code in (403, 404), (action, username, response.json)
        if response.status_code == 403:
            assert action not in response.json["errors"]["allowed"]
    response = act(ticket["id"], action, allowed, **_body(action, upload, allowed), **extra)
    assert response.status_code == 200, (action, allowed, response.json)


def test_illegal_transitions_are_409_with_the_allowed_ones(ticket, act):
    response = act(ticket["id"], "verify", "inspector1")
    assert response.status_code == 409
    assert response.json["errors"]["state"] == "dispatched"
    assert response.json["errors"]["allowed"] == []  # an inspector can do nothing yet
    response = act(ticket["id"], "rectify", "firm1", photos=[])
    assert response.status_code == 409 and set(response.json["errors"]["allowed"]) == {
        "accept", "dispute", "request_extension"
    }  # fmt: skip


def test_missing_reasons_evidence_and_versions_change_nothing(
    ticket, act, upload, client, login, dbsession
):
    tid = ticket["id"]
    assert act(tid, "dispute", "firm1").status_code == 422  # no reason
    act(tid, "accept", "firm1")
    no_photo = act(tid, "rectify", "firm1")
    assert no_photo.status_code == 422 and "photos" in no_photo.json["errors"]
    missing = act(tid, "rectify", "firm1", photos=["f" * 64])
    assert missing.status_code == 422 and "not uploaded" in str(missing.json["errors"])
    headers = login("firm1")
    no_version = client.post(f"/api/tickets/{tid}/transitions", json={"action": "dispute", "reason": "x"},
                             headers=headers)  # fmt: skip
    assert no_version.status_code == 428
    stale = client.post(f"/api/tickets/{tid}/transitions",
                        json={"action": "dispute", "reason": "x", "version": 1}, headers=headers)  # fmt: skip
    assert stale.status_code == 412
    unknown = client.post(f"/api/tickets/{tid}/transitions", json={"action": "teleport", "version": 1},
                          headers=headers)  # fmt: skip
    assert unknown.status_code == 422
    assert client.get(f"/api/tickets/{tid}", headers=headers).json["state"] == "accepted"
    assert act(tid, "accept", "firm2").status_code == 404  # out of scope


def test_dispute_return_and_reroute(ticket, act, client, login):
    tid = ticket["id"]
    firm2 = client.get("/api/me", headers=login("firm2")).json["organisation_id"]
    assert act(tid, "dispute", "firm1", reason="围墙属于相邻单位").json["state"] == "disputed"
    assert act(tid, "return", "street1", reason="经核实属于贵公司").json["state"] == "dispatched"
    act(tid, "dispute", "firm1", reason="仍有异议")
    rerouted = act(tid, "reroute", "supervisor1", reason="改派", organisation_id=firm2)
    assert rerouted.json["state"] == "dispatched" and rerouted.json["responsible_org_id"] == firm2
    # firm1 keeps read-only access to the history it took part in; firm2 can now act.
    firm1_view = client.get(f"/api/tickets/{tid}", headers=login("firm1"))
    assert firm1_view.status_code == 200 and firm1_view.json["allowed_actions"] == []
    assert (
        "accept"
        in client.get(f"/api/tickets/{tid}", headers=login("firm2")).json["allowed_actions"]
    )


def test_extension_requests_need_a_supervisors_approval(ticket, act):
    tid = ticket["id"]
    asked = act(
        tid, "request_extension", "firm1", reason="需采购配件", amount=2, unit="working_days"
    )
    assert asked.status_code == 200
    assert (
        act(
            tid, "request_extension", "firm1", reason="again", amount=1, unit="working_days"
        ).status_code
        == 422
    )
    assert act(tid, "approve_extension", "firm1").status_code == 403
    approved = act(tid, "approve_extension", "supervisor1")
    assert approved.status_code == 200 and approved.json["extension_count"] == 1
    assert approved.json["due_at"] > ticket["due_at"]


def test_audit_events_cannot_be_rewritten(ticket, dbsession):
    event = dbsession.scalar(sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket["id"]))
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        dbsession.flush()
    dbsession.rollback()
