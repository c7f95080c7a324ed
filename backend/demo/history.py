"""Six weeks of demo work: inspections and the tickets they caused, in every state.

Everything goes through the services a real request uses, with the clock moved through the
weeks, so the demo firm, inspector and supervisor accounts have real, consistent work to look at.
Deterministic (seeded), so every `make serve` on a fresh database tells the same story.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from geoalchemy2.shape import to_shape
from PIL import Image, ImageDraw

from backend import clock
from backend.accounts.models import User
from backend.accounts.services import find_user, scope_of
from backend.checklists import services as checklists
from backend.checklists.calendar import is_working_day
from backend.checklists.definition import ChoiceAnswer, Item, NumberAnswer
from backend.checklists.models import ChecklistVersion, VersionStatus
from backend.database import db
from backend.errors import AppError
from backend.inspections import services as inspections
from backend.inspections.models import InspectionStatus
from backend.photos import services as photos
from backend.places.models import Estate
from backend.tickets import services as tickets
from backend.tickets.escalation import escalate
from backend.tickets.models import Ticket

DAYS = 42
NOT_OURS = "该问题不属于本单位管理范围"
IS_YOURS = "经核实属于贵单位,请整改"
NEED_PARTS = "需采购配件,申请延期"
# Problems inspectors find most often (weights): garbage, piles, parking, lights, stairwells.
COMMON = {
    "GAR-06": 6,
    "GAR-07": 4,
    "ENV-02": 5,
    "ENV-04": 4,
    "ORD-01": 3,
    "FAC-03": 3,
    "ENV-07": 2,
    "ORD-03": 2,
    "FAC-05": 2,
    "PRO-02": 2,
    "ORD-08": 1,
    "PRO-07": 1,
}


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


class _Story:
    def __init__(self, rng: random.Random, end: datetime) -> None:
        self.rng, self.end = rng, end
        self.queue: list[_Step] = []
        self.counter = 0

    def later(self, at: datetime, run: Callable[[], None]) -> None:
        if at < self.end:
            self.counter += 1
            heapq.heappush(self.queue, _Step(at, self.counter, run))

    def run_until(self, moment: datetime) -> None:
        while self.queue and self.queue[0].at <= moment:
            step = heapq.heappop(self.queue)
            clock.freeze(step.at)
            step.run()


def _answer(item: Item, fail: bool):
    spec = item.answer
    if isinstance(spec, NumberAnswer):
        if not fail:
            value = spec.pass_min if spec.pass_min is not None else (spec.min or 0)
        else:
            value = spec.pass_max + 1 if spec.pass_max is not None else spec.pass_min - 1
        return int(value) if spec.integer else value
    if isinstance(spec, ChoiceAnswer):
        return next(o.value for o in spec.options if o.passes is not fail)
    return "fail" if fail else "pass"


def _photo(rng: random.Random, label: str, user: User) -> str:
    """A small picture standing in for a phone photo, stored through the real pipeline."""
    image = Image.new("RGB", (640, 480), tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(600), rng.randrange(440)
        draw.rectangle(
            (x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 90)),
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    draw.text((20, 20), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    data = out.getvalue()
    return photos.ingest(data, hashlib.sha256(data).hexdigest(), user).photo.sha256


def seed_history(now: datetime | None = None, seed: int = 2026) -> int:
    """Create the story; returns the number of inspections made. Call once, on a fresh world."""
    end = now or clock.utcnow()
    rng = random.Random(seed)
    version = db.session.scalar(
        sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
    )
    if version is None:
        return 0
    definition = checklists.definition_of(version)
    story = _Story(rng, end)
    users = {
        name: find_user(name)
        for name in ("inspector1", "inspector2", "firm1", "firm2", "street1", "supervisor1")
    }
    made = 0
    try:
        for offset in range(DAYS, 0, -1):
            day = (end - timedelta(days=offset)).astimezone(clock.SHANGHAI).date()
            if not is_working_day(day):
                continue
            for name in ("inspector1", "inspector2"):
                inspector = users[name]
                scope = scope_of(inspector)
                estates = db.session.scalars(
                    sa.select(Estate)
                    .where(Estate.grid_id.in_(scope.grid_ids))
                    .order_by(Estate.code)
                ).all()
                for estate in rng.sample(estates, k=min(len(estates), rng.choice([1, 2]))):
                    start = datetime.combine(
                        day, time(9 + rng.randrange(6), rng.randrange(60)), tzinfo=clock.SHANGHAI
                    )
                    story.run_until(start)
                    clock.freeze(start + timedelta(minutes=45))
                    _inspect(estate, inspector, version.id, definition, start, rng)
                    made += 1
                    for ticket in _new_tickets(start):
                        _plan(ticket, story, users, rng)
        story.run_until(end)
        clock.freeze(end)
        escalate(end)
    finally:
        clock.freeze(None)
    db.session.flush()
    return made


def _inspect(estate, inspector, version_id, definition, start, rng) -> None:
    point = to_shape(estate.boundary).representative_point()
    where = {"lat": point.y, "lng": point.x, "accuracy_m": float(rng.randrange(4, 15))}
    codes, weights = zip(*COMMON.items(), strict=True)
    failing = set(rng.choices(codes, weights=weights, k=rng.choice([0, 1, 1, 2, 2, 3])))
    results = []
    for item in definition.items:
        fail = item.code in failing
        row = {
            "item_code": item.code,
            "answer": _answer(item, fail),
            "note": "",
            "position": None,
            "photos": [],
        }
        if fail:
            row.update(
                note=f"{item.title.zh}:现场发现问题",
                position=where,
                photos=[_photo(rng, item.code, inspector)],
            )
        results.append(row)
    data = {
        "estate_id": estate.id,
        "checklist_version_id": version_id,
        "status": InspectionStatus.submitted,
        "started_at": start,
        "finished_at": start + timedelta(minutes=40),
        "position": where,
        "track": None,
        "replaces": None,
        "results": results,
    }
    inspections.put_inspection(
        str(uuid.UUID(int=rng.getrandbits(128))), data, inspector, scope_of(inspector)
    )


def _new_tickets(since: datetime) -> list[Ticket]:
    return list(db.session.scalars(sa.select(Ticket).where(Ticket.dispatched_at >= since)))


def _act(ticket_id: int, action: str, user: User, **extra) -> None:
    ticket = db.session.get(Ticket, ticket_id)
    if action not in tickets.actions_for(ticket, user, scope_of(user)):
        return  # the story moved on (e.g. rerouted); a real user would not see the button
    request = {"action": action, "reason": extra.pop("reason", ""), "photos": [], **extra}
    try:
        with db.session.begin_nested():
            tickets.transition(ticket_id, request, ticket.version, user, scope_of(user))
    except AppError:
        pass  # e.g. approving a request that never came: a real user would see an error, move on


def _plan(ticket: Ticket, story: _Story, users: dict[str, User], rng: random.Random) -> None:
    """Decide what happens to a ticket, as actions at later moments."""
    unit = next((u for u in users.values() if u.organisation_id == ticket.responsible_org_id), None)
    if unit is None:
        return  # a unit without demo staff (custodian, utility): it stays open and escalates
    grid_id = db.session.get(Estate, ticket.estate_id).grid_id
    verifier = next(u for u in users.values() if grid_id in scope_of(u).grid_ids)
    tid, t0 = ticket.id, ticket.dispatched_at
    fates = {
        "close": 38,
        "rework": 10,
        "reworking": 12,
        "dispute": 8,
        "open": 8,
        "accepted": 6,
        "extended": 4,
        "rectified": 10,
        "ignored": 8,
    }
    fate = rng.choices(list(fates), weights=list(fates.values()))[0]
    if fate in ("open", "ignored"):
        return
    if fate == "dispute":
        story.later(
            t0 + timedelta(hours=2),
            lambda: _act(tid, "dispute", unit, reason="该问题不属于本单位管理范围"),
        )
        story.later(
            t0 + timedelta(days=1),
            lambda: _act(tid, "return", users["supervisor1"], reason="经核实属于贵单位,请整改"),
        )
        return
    accept_at = t0 + timedelta(hours=rng.choice([1, 2, 3, 20]))
    story.later(accept_at, lambda: _act(tid, "accept", unit))
    if fate == "accepted":
        return
    if fate == "extended":
        ask = accept_at + timedelta(hours=1)
        story.later(
            ask,
            lambda: _act(
                tid, "request_extension", unit, reason=NEED_PARTS, amount=3, unit="working_days"
            ),
        )
        story.later(
            ask + timedelta(hours=3), lambda: _act(tid, "approve_extension", users["supervisor1"])
        )
        return
    fix_at = accept_at + timedelta(hours=rng.choice([3, 6, 26, 70]))
    story.later(
        fix_at,
        lambda: _act(
            tid, "rectify", unit, reason="已整改", photos=[_photo(rng, f"after {tid}", unit)]
        ),
    )
    if fate == "rectified":
        return
    check_at = fix_at + timedelta(hours=rng.choice([18, 24, 44]))
    if fate in ("rework", "reworking"):
        story.later(check_at, lambda: _act(tid, "reject", verifier, reason="整改不到位,仍有问题"))
        if fate == "reworking":
            return
        fix_at = check_at + timedelta(hours=20)
        story.later(
            fix_at,
            lambda: _act(
                tid,
                "rectify",
                unit,
                reason="已重新整改",
                photos=[_photo(rng, f"again {tid}", unit)],
            ),
        )
        check_at = fix_at + timedelta(hours=24)
    story.later(check_at, lambda: _act(tid, "verify", verifier))
