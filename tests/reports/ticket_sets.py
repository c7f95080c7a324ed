"""Random ticket sets for the scorecard tests and bench/scorecards.py: tickets in every state over
the demo's estates and responsible units, their verifications, rejections, recurrences and
rectifications (some with flagged after-photos), repeats, and submitted, draft and unscored
inspections with area scores. Written with bulk INSERTs (no services): the scorecards read the
columns, so any combination is fair game, including ones the workflow would not produce.
Deterministic for a seed; works on SpatiaLite and PostGIS.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from backend.accounts.models import User
from backend.checklists.models import ChecklistVersion
from backend.database import db
from backend.inspections.models import AreaScore, Inspection, InspectionStatus
from backend.places.models import Estate, Organisation
from backend.tickets.models import (
    PhotoKind,
    Ticket,
    TicketEvent,
    TicketPhoto,
    TicketSource,
    TicketState,
)

AREAS = ("environment", "facilities", "greening", "safety", "services")
ACTIONS = ("verify", "verify", "reject", "recurrence", "rectify", "accept")
BATCH = 5000


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    for at in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[at : at + BATCH])


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = (end - start).total_seconds()
    return start + timedelta(seconds=rng.random() * span, microseconds=rng.randrange(1_000_000))


def add_tickets(rng: random.Random, n: int, start: datetime, end: datetime) -> None:
    """`n` tickets dispatched between `start` and `end`, with their trail events and photos."""
    estates = list(db.session.scalars(sa.select(Estate.id)))
    orgs = list(db.session.scalars(sa.select(Organisation.id)))
    states = list(TicketState)
    rows = []
    for _ in range(n):
        dispatched = _moment(rng, start, end)
        due = dispatched + timedelta(hours=rng.choice((4, 24, 72, 120, 240)))
        rectified = closed = None
        if rng.random() < 0.7:
            rectified = dispatched + timedelta(hours=rng.random() * 300)
            if rng.random() < 0.8:
                closed = rectified + timedelta(hours=rng.random() * 80)
        if rng.random() < 0.03:
            rectified = due  # exactly on the deadline counts as on time
        rows.append(
            {
                "estate_id": rng.choice(estates),
                "source": TicketSource.manual,
                "item_code": "ENV-02",
                "category": "环境",
                "area": rng.choice(AREAS),
                "severity": "minor",
                "title": "随机工单",
                "description": "",
                "state": rng.choice(states),
                "responsible_org_id": rng.choice(orgs),
                "responsible_basis": "contract",
                "found_at": dispatched - timedelta(hours=1),
                "dispatched_at": dispatched,
                "due_at": due,
                "due_provisional": False,
                "rectified_at": rectified,
                "closed_at": closed,
                "rework_count": 0,
                "recurrence_count": 0,
                "extension_count": 1 if rng.random() < 0.15 else 0,
                "escalation_level": 0,
                "version": 1,
                "created_at": dispatched,
                "updated_at": dispatched,
            }
        )
    _insert(Ticket, rows)
    ids = list(db.session.scalars(sa.select(Ticket.id).order_by(Ticket.id)))
    repeats = [{"t": t, "r": rng.choice(ids)} for t in ids if rng.random() < 0.08]
    if repeats:
        db.session.execute(
            sa.update(Ticket.__table__)
            .where(Ticket.__table__.c.id == sa.bindparam("t"))
            .values(repeat_of_id=sa.bindparam("r")),
            repeats,
        )
    _add_events(rng, ids, start, end)


def _add_events(rng: random.Random, ticket_ids: list[int], start: datetime, end: datetime) -> None:
    users = list(db.session.scalars(sa.select(User.id)))
    events = []
    for ticket_id in ticket_ids:
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            events.append(
                {
                    "ticket_id": ticket_id,
                    "action": rng.choice(ACTIONS),
                    "actor_id": rng.choice(users) if rng.random() < 0.95 else None,
                    "at": _moment(rng, start, end),
                    "reason": "",
                    "data": {},
                }
            )
    _insert(TicketEvent, events)
    rectify = db.session.execute(
        sa.select(TicketEvent.id, TicketEvent.ticket_id).where(TicketEvent.action == "rectify")
    ).all()
    photos = []
    for event_id, ticket_id in rectify:
        for n in range(rng.choice((0, 1, 2))):
            photos.append(
                {
                    "ticket_id": ticket_id,
                    "photo_sha256": f"{event_id:032x}{n:032x}",
                    "kind": rng.choice((PhotoKind.after, PhotoKind.after, PhotoKind.before)),
                    "event_id": event_id,
                    "flagged": rng.random() < 0.3,
                }
            )
    _insert(TicketPhoto, photos)


def add_inspections(rng: random.Random, per_estate: int, start: datetime, end: datetime) -> None:
    """About `per_estate` inspections per estate (some drafts, some without a total score)."""
    estates = list(db.session.scalars(sa.select(Estate.id)))
    version = db.session.scalar(sa.select(ChecklistVersion.id).limit(1))
    inspector = db.session.scalar(sa.select(User.id).limit(1))
    inspections, scores = [], []
    for estate_id in estates:
        for _ in range(rng.randrange(per_estate * 2 + 1)):
            submitted = _moment(rng, start, end)
            status = rng.choice((InspectionStatus.submitted,) * 4 + (InspectionStatus.draft,))
            total = None if rng.random() < 0.1 else round(rng.uniform(40, 100), 1)
            inspection_id = str(uuid.UUID(int=rng.getrandbits(128)))
            inspections.append(
                {
                    "id": inspection_id,
                    "estate_id": estate_id,
                    "checklist_version_id": version,
                    "inspector_id": inspector,
                    "status": status,
                    "started_at": submitted - timedelta(hours=1),
                    "submitted_at": submitted if status is InspectionStatus.submitted else None,
                    "body_hash": "0" * 64,
                    "total_score": total,
                    "evidence": [],
                    "created_at": submitted,
                    "updated_at": submitted,
                }
            )
            for area in rng.sample(AREAS, rng.randrange(len(AREAS) + 1)):
                scores.append(
                    {"inspection_id": inspection_id, "area": area,
                     "score": round(rng.uniform(30, 100), 1)}
                )  # fmt: skip
    _insert(Inspection, inspections)
    _insert(AreaScore, scores)
