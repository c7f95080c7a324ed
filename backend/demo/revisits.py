"""Residents in the demo story: complaints through the 12345 hotline (Open311), handled like any
ticket, and their 回访 once closed, so every role sees 满意率 on first start.

Residents judge each unit by a fixed cycle of answers (counted, not diced, like conduct.py):
万家's residents are mostly satisfied, 海湾's mostly not (one "not solved" reopens a ticket), the
others in between. Some residents never answer: their links stay open, or expire.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from geoalchemy2.shape import to_shape
from werkzeug.datastructures import MultiDict

from backend import clock
from backend.database import db
from backend.open311 import services as open311
from backend.open311.keys import create_key, key_digest
from backend.open311.models import ApiKey
from backend.places.models import Estate, Organisation
from backend.revisits import services as revisits
from backend.tickets.models import Ticket, TicketSource, TicketState

CHANNEL = "12345市民服务热线"
# (solved, rating) cycles per unit; None: the resident does not answer.
GOOD = [(True, 5), (True, 4), (True, 5), None, (True, 4), (True, 5), (True, 3)]
POOR = [(True, 2), (False, 2), None, (True, 3), (False, 1), (True, 4), (True, 2)]
MIDDLE = [(True, 4), (True, 5), (True, 3), None, (True, 4), (False, 2), (True, 5)]
CYCLES = {"大连万家物业服务有限公司": GOOD, "大连海湾物业管理有限公司": POOR}
COMMENTS = {True: "处理及时,谢谢", False: "还是老样子,没有解决"}


class Residents:
    """Files complaints through the hotline's Open311 key; answers 回访 at the story's end."""

    def __init__(self, seed: int, categories: list[tuple[str, str]]) -> None:
        """`categories`: (service code, what a resident calls it)."""
        self.rng = random.Random(seed + 311)  # its own dice: the inspections' story is unchanged
        self.categories = categories
        self.key = self._channel_key()

    @staticmethod
    def _channel_key() -> str:
        """The hotline's key for the story (a new one on an existing channel: none was shown)."""
        row = db.session.scalar(sa.select(ApiKey).where(ApiKey.name == CHANNEL))
        if row is None:
            return create_key(CHANNEL)[1]
        key = secrets.token_urlsafe(32)
        row.key_hash, row.active = key_digest(key), True
        db.session.flush()
        return key

    def minute(self) -> int:
        return self.rng.randrange(60)

    def complain(self, estates: list[Estate]) -> Ticket:
        """A resident calls the hotline about a problem at one of `estates`."""
        estate = self.rng.choice(estates)
        point = to_shape(estate.boundary).representative_point()
        category, title = self.rng.choice(self.categories)
        values = MultiDict(
            {"api_key": self.key, "service_code": category, "lat": f"{point.y:.7f}",
             "long": f"{point.x:.7f}", "description": f"市民来电反映:{title},希望尽快处理",
             "phone": f"1390411{self.rng.randrange(10_000):04d}"}
        )  # fmt: skip
        record, _ = open311.file_request(values)
        return db.session.get(Ticket, record.ticket_id)

    def answer_all(self, end: datetime) -> int:
        """Each closed resident ticket gets its answer a few hours to two days after closing,
        if that moment has come by `end` (and the resident answers at all)."""
        made, turns = 0, defaultdict(int)
        names = dict(db.session.execute(sa.select(Organisation.id, Organisation.name)).all())
        closed = db.session.scalars(
            sa.select(Ticket)
            .where(Ticket.source == TicketSource.complaint, Ticket.state == TicketState.closed)
            .order_by(Ticket.closed_at, Ticket.id)
        ).all()
        for ticket in closed:
            at = ticket.closed_at + timedelta(hours=self.rng.uniform(2, 48))
            if at >= end:
                continue  # not yet: the link waits for its answer
            org = ticket.responsible_org_id
            cycle = CYCLES.get(names.get(org, ""), MIDDLE)
            choice = cycle[turns[org] % len(cycle)]
            turns[org] += 1
            if choice is None:
                continue
            solved, rating = choice
            clock.freeze(at)
            revisits.answer(ticket, resolved=solved, rating=rating, comment=COMMENTS[solved])
            made += 1
        return made
