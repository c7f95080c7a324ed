"""Helpers for tests that need real commits and real threads (no rollback-per-test here)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask

from backend.database import db


def race(app: Flask, requests: int, send: Callable[[Any], int]) -> list[int]:
    """Start `requests` test clients together (a barrier) and collect their status codes."""
    barrier = threading.Barrier(requests)
    statuses: list[int] = []

    def worker() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(send(client))

    threads = [threading.Thread(target=worker) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def token(app: Flask, username: str) -> dict[str, str]:
    response = app.test_client().post(
        "/api/auth/login", json={"username": username, "password": "demo12345"}
    )
    return {"Authorization": f"Bearer {response.json['token']}"}


def purge(app: Flask, inspection_ids: list[str], photo_hashes: list[str]) -> None:
    """Delete what a committing test made. Core DELETEs: audit rows refuse ORM deletes."""
    tables = db.metadata.tables
    with app.app_context():
        tickets = sa.select(tables["tickets"].c.id).where(
            tables["tickets"].c.inspection_id.in_(inspection_ids)
        )
        events = sa.select(tables["ticket_events"].c.id).where(
            tables["ticket_events"].c.ticket_id.in_(tickets)
        )
        db.session.execute(sa.delete(tables["outbox_events"]).where(
            tables["outbox_events"].c.ticket_event_id.in_(events)))  # fmt: skip
        for name in ("ticket_photos", "ticket_parties", "ticket_extensions"):
            db.session.execute(sa.delete(tables[name]).where(tables[name].c.ticket_id.in_(tickets)))
        db.session.execute(
            sa.delete(tables["ticket_events"]).where(
                tables["ticket_events"].c.ticket_id.in_(tickets)
            )
        )
        db.session.execute(sa.delete(tables["tickets"]).where(tables["tickets"].c.id.in_(tickets)))
        results = sa.select(tables["inspection_results"].c.id).where(
            tables["inspection_results"].c.inspection_id.in_(inspection_ids)
        )
        db.session.execute(sa.delete(tables["inspection_result_photos"]).where(
            tables["inspection_result_photos"].c.result_id.in_(results)))  # fmt: skip
        for name in ("inspection_results", "inspection_area_scores"):
            db.session.execute(
                sa.delete(tables[name]).where(tables[name].c.inspection_id.in_(inspection_ids))
            )
        db.session.execute(
            sa.delete(tables["inspections"]).where(tables["inspections"].c.id.in_(inspection_ids))
        )
        db.session.execute(
            sa.delete(tables["photos"]).where(tables["photos"].c.sha256.in_(photo_hashes))
        )
        db.session.commit()
        db.session.remove()
