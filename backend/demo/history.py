"""Six weeks of demo work: inspections, the tickets they caused, and last month's 公示.

Everything goes through the services a real request uses, with the clock moved through the
weeks, so every demo account has real, consistent work to look at: most tickets closed on time,
a handful overdue and escalated, some rework and disputes (how each unit works: conduct.py).
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
from datetime import date, datetime, time, timedelta

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
from backend.demo.conduct import Cast, plan
from backend.demo.kaoping import seed_assessments
from backend.demo.plans import seed_plans
from backend.demo.revisits import Residents
from backend.demo.surveys import seed_survey_answers
from backend.demo.urges import urge_overdue
from backend.demo.watchlist import seed_watch_notes
from backend.disclosures import services as disclosures
from backend.inspections import services as inspections
from backend.inspections.models import InspectionStatus
from backend.photos import services as photos
from backend.places.models import Estate
from backend.reports import periods
from backend.tickets.escalation import escalate
from backend.tickets.models import Ticket

DAYS = 42
RECENT_WORKING_DAYS = 4  # tickets of these last days are caught mid-way (conduct.CAUGHT_MIDWAY)
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
    image = Image.new("RGB", (400, 300), tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(360), rng.randrange(260)
        draw.rectangle(
            (x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 90)),
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    draw.text((20, 20), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    data = out.getvalue()
    return photos.ingest(data, hashlib.sha256(data).hexdigest(), user).photo.sha256


def _recent_since(end: datetime) -> datetime:
    """The start of the last RECENT_WORKING_DAYS working days before `end`'s day."""
    day, found = end.astimezone(clock.SHANGHAI).date(), 0
    while found < RECENT_WORKING_DAYS:
        day -= timedelta(days=1)
        found += is_working_day(day)
    return datetime.combine(day, time(0), tzinfo=clock.SHANGHAI)


def _last_month(end: datetime) -> tuple[date, date]:
    month = periods.last_month(end.astimezone(clock.SHANGHAI).date())
    return month.first_day, month.last_day


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
        for name in ("inspector1", "inspector2", "street1", "supervisor1", "admin")
    }
    cast = Cast(
        inspectors=[users["inspector1"], users["inspector2"]],
        supervisors=[users["street1"], users["supervisor1"], users["admin"]],
        photo=lambda label, user: _photo(rng, label, user),
    )
    recent_since = _recent_since(end)
    urging = random.Random(seed + 3)  # its own draws: the story stays as it was
    # Weekly plans from the story's first day: its inspections fulfil (or miss) their tasks.
    today = end.astimezone(clock.SHANGHAI).date()
    seed_plans(today - timedelta(days=DAYS), today, version.checklist_id)
    # The city publishes last month's rankings (公示) on the first working morning after it.
    first, last = _last_month(end)
    publish_day = last + timedelta(days=1)
    while not is_working_day(publish_day):
        publish_day += timedelta(days=1)
    publish_at = datetime.combine(publish_day, time(10), tzinfo=clock.SHANGHAI)
    story.later(min(publish_at, end - timedelta(seconds=1)), lambda: _publish(first, last))
    # Residents call the hotline about the common problems, and answer its 回访 once closed.
    titles = {
        item.category: item.title.zh
        for item in definition.items
        if item.code in COMMON and item.responsible == "manager"  # the estate's own unit
    }
    residents = Residents(seed, sorted(titles.items()))
    called = db.session.scalars(
        sa.select(Estate)
        .where(Estate.grid_id.in_(set().union(*(scope_of(users[n]).grid_ids for n in
                                                  ("inspector1", "inspector2")))))
        .order_by(Estate.code)
    ).all()  # fmt: skip
    made = 0
    try:
        for offset in range(DAYS, 0, -1):
            day = (end - timedelta(days=offset)).astimezone(clock.SHANGHAI).date()
            if not is_working_day(day):
                continue
            morning = datetime.combine(day, time(8, 45), tzinfo=clock.SHANGHAI)
            story.run_until(morning)
            clock.freeze(morning)
            escalate(morning)  # cron runs it every minute; mornings are enough for the story
            urge_overdue(morning, cast.supervisors, story.later, urging)  # 催办 (demo/urges.py)
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
                        plan(ticket, story, cast, recent=ticket.dispatched_at >= recent_since)
            call = datetime.combine(day, time(16, residents.minute()), tzinfo=clock.SHANGHAI)
            story.run_until(call)
            clock.freeze(call)
            for _ in range(2):
                ticket = residents.complain(called)
                plan(ticket, story, cast, recent=ticket.dispatched_at >= recent_since)
        story.run_until(end)
        residents.answer_all(end)
        clock.freeze(end)
        escalate(end)
    finally:
        clock.freeze(None)
    seed_survey_answers(today, random.Random(seed + 1))  # its own draws: the story stays as it was
    seed_assessments(today, random.Random(seed + 2))  # 考评 (backend/demo/kaoping.py)
    seed_watch_notes(today)  # after every figure: the list is read as the supervisors see it
    db.session.flush()
    return made


def _publish(first: date, last: date) -> None:
    disclosures.publish(first, last, disclosures.city(), None, sections=("kaohe",))


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
    return list(
        db.session.scalars(
            sa.select(Ticket).where(Ticket.dispatched_at >= since).order_by(Ticket.id)
        )
    )
