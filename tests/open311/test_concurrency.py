"""Two identical posts from one channel at the same moment make one ticket (real commits)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import to_shape

from backend.database import db
from backend.open311.models import ApiKey, ServiceRequest
from backend.places.models import Estate
from tests.concurrency import race
from tests.open311.conftest import BASE


@pytest.fixture
def committed_key(app):
    from backend.open311.keys import create_key

    with app.app_context():
        row, key = create_key("并发测试渠道")
        db.session.commit()
        key_id = row.id
        db.session.remove()
    yield key
    tables = db.metadata.tables
    with app.app_context():
        tickets = sa.select(ServiceRequest.ticket_id).where(ServiceRequest.api_key_id == key_id)
        ticket_ids = list(db.session.scalars(tickets))
        events = sa.select(tables["ticket_events"].c.id).where(
            tables["ticket_events"].c.ticket_id.in_(ticket_ids)
        )
        # Core DELETEs: the audit rows refuse ORM deletes.
        db.session.execute(sa.delete(tables["outbox_events"]).where(
            tables["outbox_events"].c.ticket_event_id.in_(events)))  # fmt: skip
        db.session.execute(sa.delete(tables["open311_requests"]).where(
            tables["open311_requests"].c.api_key_id == key_id))  # fmt: skip
        for name in ("ticket_photos", "ticket_parties", "ticket_events"):
            db.session.execute(
                sa.delete(tables[name]).where(tables[name].c.ticket_id.in_(ticket_ids))
            )
        db.session.execute(
            sa.delete(tables["tickets"]).where(tables["tickets"].c.id.in_(ticket_ids))
        )
        db.session.execute(sa.delete(tables["open311_api_keys"]).where(
            tables["open311_api_keys"].c.id == key_id))  # fmt: skip
        db.session.commit()
        db.session.remove()


def test_identical_posts_at_once_make_one_ticket(app, committed_key):
    with app.app_context():
        boundary = db.session.scalar(sa.select(Estate.boundary).where(Estate.code == "E001"))
        point = to_shape(boundary).representative_point()
        db.session.remove()
    form = {"api_key": committed_key, "service_code": "garbage.overflow", "lat": str(point.y),
            "long": str(point.x), "description": "同时提交两次"}  # fmt: skip
    answers = []

    def send(client) -> int:
        response = client.post(f"{BASE}/requests.json", data=form)
        answers.append(response.json)
        return response.status_code

    statuses = race(app, 4, send)
    assert sorted(statuses) == [200, 200, 200, 201], answers
    assert len({answer[0]["service_request_id"] for answer in answers}) == 1
    with app.app_context():
        key_id = db.session.scalar(sa.select(ApiKey.id).where(ApiKey.name == "并发测试渠道"))
        count = db.session.scalar(
            sa.select(sa.func.count()).where(ServiceRequest.api_key_id == key_id)
        )
        db.session.remove()
    assert count == 1
