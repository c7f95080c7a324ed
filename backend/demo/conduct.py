"""How each responsible unit works in the demo story, and the steps that tell it.

Each unit has a conduct: every n-th of its tickets is rectified after the deadline, every n-th
repair fails verification, and so on. Counting instead of dice keeps each unit's figures steady
whatever day the demo is seeded, so the scorecards spread from A to D: 万家 works well, the state
firm fairly, the owners' committees (volunteers) slower, and 海湾 is clearly failing.

Tickets of the last working days are caught mid-way (waiting for acceptance, in progress, awaiting
verification, in rework, disputed), so every inbox has something to act on today.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from backend import clock
from backend.accounts.models import Role, User
from backend.accounts.services import UserSpec, create_user, scope_of
from backend.database import db
from backend.errors import AppError
from backend.places.models import Estate, Organisation, OrgKind
from backend.tickets import services as tickets
from backend.tickets.models import Ticket

NOT_OURS = "该问题不属于本单位管理范围"
IS_YOURS = "经核实属于贵单位,请整改"
NEED_PARTS = "需采购配件,申请延期"
POOR_REPAIR = "整改不到位,仍有问题"


@dataclass(frozen=True)
class Conduct:
    late_every: int  # every n-th ticket is rectified after its deadline (0: never)
    reject_every: int  # every n-th repair fails verification (返工)
    neglect_every: int = 0  # every n-th ticket lies untouched for days: overdue, escalated
    dispute_every: int = 0  # every n-th ticket is disputed; a supervisor returns it
    extend_every: int = 0  # every n-th ticket waits for parts with an approved extension


CONDUCTS = {
    "大连万家物业服务有限公司": Conduct(30, 15, dispute_every=30, extend_every=9),
    "大连国有物业服务集团有限公司": Conduct(5, 6, extend_every=7),
    "大连海湾物业管理有限公司": Conduct(3, 4, neglect_every=6, dispute_every=8),
}
OWNERS_COMMITTEE = Conduct(6, 6)
OTHER_UNIT = Conduct(8, 10)
# Tickets of the last working days stop here (None: they run their normal course).
CAUGHT_MIDWAY = ("disputed", "rework", "rectified", "accepted", "dispatched") + (None,) * 5


def _every(n: int, k: int) -> bool:
    return n > 0 and k % n == 0


@dataclass
class Cast:
    """Who acts: each unit's clerk, the estates' inspectors, the supervisors above them."""

    inspectors: list[User]
    supervisors: list[User]  # the narrowest first: street, district, then admin
    photo: Callable[[str, User], str]
    staff: dict[int, User | None] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    recent: int = 0

    def clerk(self, organisation_id: int) -> User | None:
        """The unit's own account; a clerk is added for a unit that may have one."""
        if organisation_id not in self.staff:
            found = db.session.scalars(
                sa.select(User).where(User.organisation_id == organisation_id).order_by(User.id)
            ).first()
            org = db.session.get(Organisation, organisation_id)
            if found is None and org is not None and _has_staff(org):
                found = _new_clerk(org)
            self.staff[organisation_id] = found
        return self.staff[organisation_id]


def _new_clerk(org: Organisation) -> User:
    spec = UserSpec(
        f"clerk{org.id}",
        secrets.token_urlsafe(24),  # nobody signs in as a story clerk
        Role.firm,
        f"{org.name} 经办人",
        organisation_id=org.id,
    )
    if org.kind is OrgKind.street_office:  # an office answers through its staff's account
        spec.role, spec.street_id = Role.supervisor, org.street_id
    return create_user(spec)


def _has_staff(org: Organisation) -> bool:
    """Utilities have no accounts in Wuhao: their tickets stay open and escalate."""
    return org.kind in (OrgKind.property_firm, OrgKind.owners_committee, OrgKind.street_office)


def _act(ticket_id: int, action: str, people: list[User], **extra) -> bool:
    """The first of `people` who may do `action` does it; False when nobody may (moved on)."""
    ticket = db.session.get(Ticket, ticket_id)
    request = {"action": action, "reason": "", "photos": [], **extra}
    for user in people:
        if action not in tickets.actions_for(ticket, user, scope_of(user)):
            continue
        try:
            with db.session.begin_nested():
                tickets.transition(ticket_id, request, ticket.version, user, scope_of(user))
        except AppError:
            return False  # e.g. approving a request that never came: a person would move on
        return True
    return False


class TicketPlan:
    """One ticket's course, as steps at later moments; each step plans the next from the
    ticket as it then is (its deadline may have moved)."""

    def __init__(self, ticket: Ticket, story, cast: Cast, recent: bool) -> None:
        self.id, self.story, self.cast, self.rng = ticket.id, story, cast, story.rng
        org = ticket.responsible_org_id
        cast.counts[org] += 1
        k = cast.counts[org]
        self.unit = cast.clerk(org)
        name, kind = db.session.execute(
            sa.select(Organisation.name, Organisation.kind).where(Organisation.id == org)
        ).one()
        owners = kind is OrgKind.owners_committee
        conduct = CONDUCTS.get(name, OWNERS_COMMITTEE if owners else OTHER_UNIT)
        grid_id = db.session.get(Estate, ticket.estate_id).grid_id
        self.verifiers = [u for u in cast.inspectors if grid_id in scope_of(u).grid_ids]
        self.verifiers += cast.supervisors
        self.late = _every(conduct.late_every, k)
        self.rework = _every(conduct.reject_every, k)
        self.neglect = _every(conduct.neglect_every, k)
        self.dispute = _every(conduct.dispute_every, k)
        self.extend = _every(conduct.extend_every, k)
        self.stop: str | None = None
        if self.unit is None:
            self.stop = "dispatched"  # nobody to act: it stays open and escalates
        elif recent:
            self.stop = CAUGHT_MIDWAY[cast.recent % len(CAUGHT_MIDWAY)]
            cast.recent += 1
        if self.stop is not None:  # caught mid-way today: the unit's habits come later
            self.dispute = self.neglect = self.extend = False

    # --- helpers ---------------------------------------------------------------------------

    def at(self, moment: datetime, run: Callable[[], None]) -> None:
        self.story.later(moment, run)

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def ticket(self) -> Ticket:
        ticket = db.session.get(Ticket, self.id)
        assert ticket is not None
        return ticket

    def fix_time(self, now: datetime) -> datetime:
        """Shortly before the deadline, or some hours after it for a late one."""
        due = self.ticket().due_at
        if self.late or due <= now:
            return max(due, now) + self.hours(1, 26)
        margin = min((due - now) * 0.8, timedelta(hours=3))
        return due - margin * self.rng.uniform(0.2, 1.0)

    # --- the course ------------------------------------------------------------------------

    def start(self) -> None:
        t0 = self.ticket().dispatched_at
        if self.stop == "dispatched":
            return
        if self.stop == "disputed" or self.dispute:
            self.at(t0 + self.hours(0.5, 2), self.disputed)
        elif self.neglect:
            days = timedelta(days=self.rng.uniform(5, 20))
            self.at(self.ticket().due_at + days, self.accept)
        else:
            self.at(t0 + self.hours(0.2, 1), self.accept)

    def disputed(self) -> None:
        if not _act(self.id, "dispute", [self.unit], reason=NOT_OURS) or self.stop == "disputed":
            return
        self.at(clock.utcnow() + self.hours(18, 26), self.returned)

    def returned(self) -> None:
        if _act(self.id, "return", self.cast.supervisors, reason=IS_YOURS):
            self.at(clock.utcnow() + self.hours(0.5, 2), self.accept)

    def accept(self) -> None:
        if not _act(self.id, "accept", [self.unit]) or self.stop == "accepted":
            return
        now = clock.utcnow()
        if self.extend:
            self.at(now + self.hours(0.5, 1.5), self.ask_extension)
        elif self.stop in ("rectified", "rework"):  # caught today: quick work, checked at once
            self.at(now + self.hours(0.5, 1), self.rectify)
        else:
            self.at(self.fix_time(now), self.rectify)

    def ask_extension(self) -> None:
        parts = {"reason": NEED_PARTS, "amount": 3, "unit": "working_days"}
        if _act(self.id, "request_extension", [self.unit], **parts):
            self.at(clock.utcnow() + self.hours(2, 4), self.extension_approved)

    def extension_approved(self) -> None:
        _act(self.id, "approve_extension", self.cast.supervisors)
        self.at(self.fix_time(clock.utcnow()), self.rectify)

    def rectify(self) -> None:
        photo = self.cast.photo(f"after {self.id}", self.unit)
        if not _act(self.id, "rectify", [self.unit], reason="已整改", photos=[photo]):
            return
        if self.stop == "rectified":
            return
        soon = (0.5, 1) if self.stop == "rework" else self.rng.choice([(1, 3), (3, 6), (18, 22)])
        self.at(clock.utcnow() + self.hours(*soon), self.check)

    def check(self) -> None:
        if self.rework or self.stop == "rework":
            self.rework = False  # the second repair holds
            if _act(self.id, "reject", self.verifiers, reason=POOR_REPAIR) and self.stop is None:
                self.at(clock.utcnow() + self.hours(1, 3), self.rectify)
            return
        _act(self.id, "verify", self.verifiers)


def plan(ticket: Ticket, story, cast: Cast, recent: bool) -> None:
    """Decide what happens to a new ticket, as actions at later moments."""
    TicketPlan(ticket, story, cast, recent).start()
