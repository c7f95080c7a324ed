"""Two people act on one ticket at the same moment: exactly one wins, the other gets 412."""

import uuid

import pytest
import sqlalchemy as sa

from backend.database import db
from backend.tickets.models import Ticket
from tests.concurrency import purge, race, token
from tests.inspections.test_concurrency import _body


@pytest.fixture
def committed_ticket(app):
    headers = token(app, "inspector1")
    body = _body(app)
    failing = body["results"][1]  # ENV-02: a number item needing a photo and a note
    failing.update(answer=99, note="并发测试", photos=["c" * 64])
    uid = str(uuid.uuid4())
    response = app.test_client().put(f"/api/inspections/{uid}", json=body, headers=headers)
    assert response.status_code == 201, response.json
    with app.app_context():
        ticket_id = db.session.scalar(sa.select(Ticket.id).where(Ticket.inspection_id == uid))
        db.session.remove()
    yield ticket_id
    purge(app, [uid], [])


def test_concurrent_transitions_one_wins(app, committed_ticket):
    firm = token(app, "firm2")  # E002 (the shared body's estate) is firm2's
    version = (
        app.test_client().get(f"/api/tickets/{committed_ticket}", headers=firm).json["version"]
    )
    bodies = iter([{"action": "accept"}, {"action": "dispute", "reason": "不是我们的"}])

    def send(client):
        body = {**next(bodies), "version": version}
        return client.post(
            f"/api/tickets/{committed_ticket}/transitions", json=body, headers=firm
        ).status_code

    statuses = race(app, 2, send)
    assert sorted(statuses) == [200, 412], statuses
    final = app.test_client().get(f"/api/tickets/{committed_ticket}", headers=firm).json
    assert final["state"] in ("accepted", "disputed")
    assert [e["action"] for e in final["events"]].count("dispatch") == 1
    assert len(final["events"]) == 2  # dispatch + the one winner
