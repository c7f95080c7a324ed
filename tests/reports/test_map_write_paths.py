"""Whatever writes the tickets, the low-zoom map equals the direct query for every caller.

Random sequences of the write paths a deployment has (ORM changes, Core and raw-SQL updates,
bulk inserts and deletes, an estate moved to another street, a street to another district, a
ticket rerouted to another party, the clock passing due times, folds and refreshes), inside
savepoints that are released or rolled back and transactions that commit or roll back. After
every commit, each aggregate caller's clusters at every low zoom equal the direct query's.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point

from backend.accounts.models import User
from backend.accounts.services import scope_of
from backend.clock import utcnow
from backend.maps import cells as map_cells
from backend.maps.clusters import aggregate_applies, aggregated, clusters, direct
from backend.maps.grid import CellRange
from backend.places.models import Estate, Organisation, Street
from backend.tickets.models import Ticket, TicketParty, TicketState
from backend.tickets.services import TicketFilter

CITY = (121.3, 38.7, 122.0, 39.2)
ZOOMS = (8, 9, 11, 12, 14, 16)
CALLERS = ("admin", "supervisor1", "street1")
FILTERS = (
    TicketFilter(),
    TicketFilter(overdue=True),
    TicketFilter(severity="major"),
    TicketFilter(states=(TicketState.dispatched, TicketState.rework)),
)


@pytest.fixture
def seeded(inspect, dbsession):
    for code, items in (
        ("E001", ("ENV-02", "FAC-05", "GAR-06")),
        ("E002", ("ORD-01", "ENV-02")),
        ("E004", ("ENV-04",)),
        ("E006", ("ENV-02", "FAC-05")),
    ):
        inspect(code, failures=items)
    dbsession.commit()


class Writer:
    """The write paths, each picking its target at random from what is in the database now."""

    def __init__(self, session, rng: random.Random, clock: Callable) -> None:
        self.session, self.rng, self.clock = session, rng, clock
        self.now = utcnow()

    def _ticket_id(self) -> int:
        ids = self.session.scalars(sa.select(Ticket.id).order_by(Ticket.id)).all()
        return self.rng.choice(ids)

    def _one_of(self, column: sa.ColumnElement) -> object:
        return self.rng.choice(self.session.scalars(sa.select(column).order_by(column)).all())

    def orm(self) -> None:
        ticket = self.session.get(Ticket, self._ticket_id())
        change = self.rng.choice(("state", "severity", "due", "move", "org", "area", "estate"))
        if change == "state":
            ticket.state = self.rng.choice(list(TicketState))
        elif change == "severity":
            ticket.severity = self.rng.choice(("urgent", "major", "minor"))
        elif change == "due":
            ticket.due_at = self.now + timedelta(hours=self.rng.randint(-48, 48))
        elif change == "move" and ticket.position is not None:
            point = to_shape(ticket.position)
            moved = Point(point.x + self.rng.uniform(-0.03, 0.03), point.y + 0.01)
            ticket.position = from_shape(moved, srid=4326)
        elif change == "org":
            ticket.responsible_org_id = self._one_of(Organisation.id)
        elif change == "area":
            ticket.area = self.rng.choice(("sanitation", "order", "facilities"))
        else:
            ticket.estate_id = self._one_of(Estate.id)
        self.session.flush()

    def core(self) -> None:
        values = self.rng.choice(
            ({"state": self.rng.choice(list(TicketState))}, {"severity": "urgent"},
             {"due_at": self.now + timedelta(hours=self.rng.randint(-30, 30))})
        )  # fmt: skip
        self.session.execute(sa.update(Ticket).where(Ticket.id == self._ticket_id()).values(values))

    def raw(self) -> None:
        state = self.rng.choice(list(TicketState)).value
        self.session.execute(
            sa.text("UPDATE tickets SET state = :state, severity = :severity WHERE id = :id"),
            {
                "state": state,
                "severity": self.rng.choice(("minor", "major")),
                "id": self._ticket_id(),
            },
        )

    def bulk_insert(self) -> None:
        """Copies of a few tickets in one INSERT ... SELECT (an import)."""
        columns = [c for c in Ticket.__table__.c if c.name not in ("id", "inspection_id")]
        picked = sa.select(*columns).where(Ticket.id.in_([self._ticket_id() for _ in range(3)]))
        self.session.execute(sa.insert(Ticket).from_select([c.name for c in columns], picked))

    def bulk_update(self) -> None:
        estate = self._one_of(Ticket.estate_id)
        later = self.rng.choice((timedelta(hours=-20), timedelta(hours=20)))
        self.session.execute(
            sa.update(Ticket).where(Ticket.estate_id == estate).values(due_at=self.now + later)
        )

    def delete(self) -> None:
        """Core DELETE of a ticket nothing refers to (one a bulk insert made), if any."""
        referred = sa.select(TicketParty.ticket_id)
        lonely = self.session.scalars(
            sa.select(Ticket.id).where(Ticket.inspection_id.is_(None), Ticket.id.not_in(referred))
        ).all()
        if lonely:
            self.session.execute(sa.delete(Ticket).where(Ticket.id == self.rng.choice(lonely)))

    def estate_to_street(self) -> None:
        estate, street = self._one_of(Estate.id), self._one_of(Street.id)
        self.session.execute(sa.update(Estate).where(Estate.id == estate).values(street_id=street))

    def street_to_district(self) -> None:
        street, district = self._one_of(Street.id), self._one_of(Street.district_id)
        self.session.execute(
            sa.update(Street).where(Street.id == street).values(district_id=district)
        )

    def reroute(self) -> None:
        ticket = self.session.get(Ticket, self._ticket_id())
        org = self._one_of(Organisation.id)
        ticket.responsible_org_id = org
        if self.session.get(TicketParty, (ticket.id, org)) is None:
            self.session.add(TicketParty(ticket_id=ticket.id, organisation_id=org))
        self.session.flush()

    def time_passes(self) -> None:
        self.now += timedelta(hours=self.rng.choice((-30, 7, 26)))
        self.clock(self.now)

    def fold(self) -> None:
        map_cells.fold()

    def refresh(self) -> None:
        map_cells.refresh(self.now)

    PATHS = ("orm", "orm", "core", "raw", "bulk_insert", "bulk_update", "delete",
             "estate_to_street", "street_to_district", "reroute", "time_passes", "fold")  # fmt: skip

    def some(self, count: int) -> None:
        for _ in range(count):
            getattr(self, self.rng.choice(self.PATHS))()


def _same_map(session, users: list[User], now) -> None:
    for user in users:
        scope = scope_of(user)
        for f in FILTERS:
            for zoom in ZOOMS:
                assert aggregate_applies(user, scope, f, zoom)
                cr = CellRange.covering(*CITY, zoom)
                expected = direct(user, scope, f, cr, now)
                assert aggregated(user, scope, f, cr, now) == expected, (user.username, f, zoom)
                assert clusters(user, scope, f, cr, now) == expected


@pytest.mark.parametrize("seed", [17, 1017])
def test_low_zoom_map_equals_direct_query_through_any_write(seeded, dbsession, frozen_clock, seed):
    rng = random.Random(seed)
    writer = Writer(dbsession, rng, frozen_clock)
    frozen_clock(writer.now)
    users = [dbsession.scalar(sa.select(User).where(User.username == n)) for n in CALLERS]
    for step in range(14):
        outcome = rng.choice(("commit", "commit", "commit", "rollback"))
        writer.some(rng.randint(1, 3))
        with dbsession.begin_nested():  # released
            writer.some(rng.randint(1, 2))
        nested = dbsession.begin_nested()
        writer.some(rng.randint(1, 3))
        nested.rollback() if rng.random() < 0.6 else nested.commit()
        if step == 9:
            writer.refresh()
        if outcome == "rollback":
            dbsession.rollback()
        else:
            dbsession.commit()
        for user in users:
            dbsession.refresh(user)
        _same_map(dbsession, users, writer.now)


def test_refresh_after_any_writes_changes_no_cluster(seeded, dbsession, frozen_clock):
    """The triggers leave exactly what a rebuild makes: refresh is a repair, never a step."""
    rng = random.Random(5)
    writer = Writer(dbsession, rng, frozen_clock)
    frozen_clock(writer.now)
    writer.some(25)
    dbsession.commit()
    admin = dbsession.scalar(sa.select(User).where(User.username == "admin"))
    cr = CellRange.covering(*CITY, 12)
    before = aggregated(admin, scope_of(admin), TicketFilter(), cr, writer.now)
    map_cells.fold()
    folded = aggregated(admin, scope_of(admin), TicketFilter(), cr, writer.now)
    map_cells.refresh(writer.now)
    assert before == folded == aggregated(admin, scope_of(admin), TicketFilter(), cr, writer.now)


@pytest.mark.postgis_only
def test_truncating_the_tickets_empties_the_map(seeded, dbsession):
    dbsession.execute(sa.text("TRUNCATE tickets CASCADE"))  # fires no row trigger
    admin = dbsession.scalar(sa.select(User).where(User.username == "admin"))
    cr = CellRange.covering(*CITY, 12)
    assert aggregated(admin, scope_of(admin), TicketFilter(), cr, utcnow()) == []
