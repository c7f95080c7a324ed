"""Recurrence vs repeat, inspection edits, escalation (idempotent), inbox counts, the outbox."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.checklists.services import definition_for
from backend.clock import utcnow
from backend.tickets.escalation import escalate
from backend.tickets.models import Ticket, TicketEvent
from tests.inspections.conftest import passing


def test_a_new_failure_while_open_is_a_recurrence_not_a_new_ticket(
    inspect, tickets_of, client, login
):
    first = tickets_of(inspect("E003", failures=("GAR-06",))["id"])[0]
    again = inspect("E003", failures=("GAR-06",))
    assert tickets_of(again["id"]) == []
    ticket = client.get(f"/api/tickets/{first['id']}", headers=login("admin")).json
    assert ticket["recurrence_count"] == 1
    assert [e["action"] for e in ticket["events"]][-1] == "recurrence"
    assert len([p for p in ticket["photos"] if p["kind"] == "before"]) == 2


def test_a_failure_far_from_the_open_ticket_is_a_new_ticket(inspect, tickets_of):
    tickets_of(inspect("E004", failures=("GAR-06",))["id"])
    far = inspect("E004", failures=("GAR-06",), offset_m=400)
    assert len(tickets_of(far["id"])) == 1


def test_a_failure_soon_after_closure_is_a_repeat(inspect, tickets_of, act, upload):
    first = tickets_of(inspect("E006", failures=("ENV-02",))["id"])[0]
    act(first["id"], "accept", "firm2")
    act(first["id"], "rectify", "firm2", photos=[upload("firm2")])
    assert act(first["id"], "verify", "inspector1").json["state"] == "closed"
    repeat = tickets_of(inspect("E006", failures=("ENV-02",))["id"])[0]
    assert repeat["id"] != first["id"] and repeat["repeat_of_id"] == first["id"]


def test_an_edited_inspection_keeps_open_tickets_and_cancels_fixed_ones(
    inspect, tickets_of, client, login
):
    original = inspect("E008", failures=("ENV-02", "ENV-04"))
    tickets = {t["item_code"]: t for t in tickets_of(original["id"])}
    request = original["_request"]
    item = definition_for(request["body"]["checklist_version_id"]).item("ENV-04")
    fixed_row = {"item_code": "ENV-04", "answer": passing(item)}
    results = [fixed_row if r["item_code"] == "ENV-04" else r for r in request["body"]["results"]]
    body = {**request["body"], "results": results, "replaces": original["id"]}
    edited = client.put(
        f"/api/inspections/{uuid.uuid4()}", json=body, headers=login(request["username"])
    )
    assert edited.status_code == 201, edited.json
    admin = login("admin")
    kept = client.get(f"/api/tickets/{tickets['ENV-02']['id']}", headers=admin).json
    assert kept["inspection_id"] == edited.json["id"] and kept["state"] == "dispatched"
    fixed = client.get(f"/api/tickets/{tickets['ENV-04']['id']}", headers=admin).json
    assert fixed["state"] == "cancelled"
    assert [t["id"] for t in tickets_of(edited.json["id"])] == [kept["id"]]


def test_escalation_is_idempotent_and_goes_street_then_district(inspect, tickets_of, dbsession):
    ticket_id = tickets_of(inspect("E001", failures=("GAR-06",))["id"])[0]["id"]
    ticket = dbsession.get(Ticket, ticket_id)
    assert escalate(ticket.due_at - timedelta(minutes=1)) == 0
    just_late = ticket.due_at + timedelta(minutes=1)
    assert escalate(just_late) == 1 and ticket.escalation_level == 1
    assert escalate(just_late) == 0  # cron runs again: nothing new
    much_later = ticket.due_at + timedelta(days=10)
    assert escalate(much_later) == 1 and ticket.escalation_level == 2
    assert escalate(much_later) == 0
    events = dbsession.scalars(
        sa.select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.action == "escalate"
        )
    ).all()
    assert [e.data["to"] for e in events] == ["street", "district"]
    assert all(e.data["organisation_id"] for e in events)


def test_escalation_cli(app, dbsession):
    result = app.test_cli_runner().invoke(args=["tickets", "escalate"])
    assert result.exit_code == 0 and "escalation(s) recorded" in result.output


def test_inboxes_filters_and_counts(inspect, tickets_of, act, client, login, dbsession):
    ticket = tickets_of(inspect("E001", failures=("ENV-02", "GAR-06"))["id"])
    garbage = next(t for t in ticket if t["item_code"] == "GAR-06")
    act(garbage["id"], "accept", "firm1")
    row = dbsession.get(Ticket, garbage["id"])
    row.due_at = utcnow() - timedelta(hours=1)  # make it overdue
    dbsession.flush()
    firm = login("firm1")
    counts = client.get("/api/tickets/counts", headers=firm).json
    assert counts["accepted"] >= 1 and counts["dispatched"] >= 1 and counts["overdue"] >= 1
    overdue = client.get("/api/tickets?overdue=true", headers=firm).json
    assert garbage["id"] in {t["id"] for t in overdue} and all(t["overdue"] for t in overdue)
    accepted = client.get("/api/tickets?state=accepted&area=garbage", headers=firm).json
    assert {t["id"] for t in accepted} >= {garbage["id"]}
    assert all(t["state"] == "accepted" and t["area"] == "garbage" for t in accepted)
    # Inspectors see tickets of their grids, not others'.
    assert garbage["id"] in {
        t["id"] for t in client.get("/api/tickets?page_size=200", headers=login("inspector1")).json
    }
    assert garbage["id"] not in {
        t["id"] for t in client.get("/api/tickets?page_size=200", headers=login("inspector2")).json
    }
    assert client.get("/api/tickets?state=nonsense", headers=firm).status_code == 422


def test_outbox_can_be_followed_with_a_cursor(inspect, act, tickets_of, client, login):
    admin = login("admin")
    start = client.get("/api/events?after=0&limit=1000", headers=admin).json["next_after"]
    ticket = tickets_of(inspect("E002", failures=("ENV-02",))["id"])[0]
    act(ticket["id"], "accept", "firm2")
    page = client.get(f"/api/events?after={start}&limit=1", headers=admin).json
    assert [e["topic"] for e in page["events"]] == ["ticket.dispatch"]
    rest = client.get(f"/api/events?after={page['next_after']}", headers=admin).json
    assert [e["topic"] for e in rest["events"]] == ["ticket.accept"]
    assert rest["events"][0]["payload"]["ticket_id"] == ticket["id"]
    assert client.get("/api/events", headers=login("supervisor1")).status_code == 403


def test_supervisors_register_cases_by_hand(client, login, upload, dbsession):
    photo = upload("street1")
    estates = client.get("/api/estates?with_geometry=false", headers=login("street1")).json
    body = {"estate_id": estates[0]["id"], "item_code": "GAR-06", "description": "群众反映垃圾外溢",
            "photos": [photo]}  # fmt: skip
    created = client.post("/api/tickets", json=body, headers=login("street1"))
    assert created.status_code == 201, created.json
    assert created.json["source"] == "manual" and created.json["state"] == "dispatched"
    assert client.post("/api/tickets", json=body, headers=login("firm1")).status_code == 403
    bad = client.post(
        "/api/tickets", json={**body, "item_code": "NOPE-01"}, headers=login("street1")
    )
    assert bad.status_code == 422


@pytest.mark.parametrize("username", ["firm2", "inspector2"])
def test_out_of_scope_tickets_are_404(inspect, tickets_of, client, login, username):
    ticket = tickets_of(inspect("E001", failures=("ENV-02",))["id"])[0]
    assert client.get(f"/api/tickets/{ticket['id']}", headers=login(username)).status_code == 404
