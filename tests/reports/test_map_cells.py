"""The map_cells aggregate gives exactly the clusters the direct query gives, through random
ticket changes, moving time (overdue) and refreshes; folds keep what a refresh would build."""

import random
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point

from backend.accounts.models import User
from backend.accounts.services import scope_of
from backend.clock import utcnow
from backend.maps import cells as map_cells
from backend.maps.clusters import aggregate_applies, aggregated, direct
from backend.maps.grid import CellRange
from backend.tickets.models import OPEN_STATES, Ticket, TicketState
from backend.tickets.services import TicketFilter

CITY = (121.3, 38.7, 122.0, 39.2)
ZOOMS = (9, 13, 16)  # merged from 10 and 14; 16 stored as is


@pytest.fixture
def many(inspect, tickets_of, dbsession):
    for code, items in (
        ("E001", ("ENV-02", "FAC-05", "GAR-06", "ENV-04")),
        ("E002", ("ORD-01", "ENV-02")),
        ("E004", ("ENV-04", "GAR-06")),
        ("E006", ("ENV-02", "FAC-05")),
    ):
        inspect(code, failures=items)
    return dbsession.scalars(sa.select(Ticket).where(Ticket.position.is_not(None))).all()


def _filters(dbsession):
    orgs = dbsession.scalars(sa.select(Ticket.responsible_org_id).distinct()).all()
    areas = dbsession.scalars(sa.select(Ticket.area).distinct()).all()
    return [
        TicketFilter(),
        TicketFilter(overdue=True),
        TicketFilter(overdue=False),
        TicketFilter(severity="urgent"),
        TicketFilter(severity="minor", overdue=True),
        TicketFilter(area=areas[0]),
        TicketFilter(organisation_id=orgs[0]),
        TicketFilter(states=(TicketState.dispatched, TicketState.rework)),
        TicketFilter(states=(TicketState.rectified,), overdue=False),
    ]


def _compare(dbsession, users, now):
    for user in users:
        scope = scope_of(user)
        for f in _filters(dbsession):
            for zoom in ZOOMS:
                assert aggregate_applies(user, scope, f, zoom)
                cr = CellRange.covering(*CITY, zoom)
                expected = direct(user, scope, f, cr, now)
                assert aggregated(user, scope, f, cr, now) == expected, (user.username, f, zoom)


def _shake(rng, ticket, orgs):
    change = rng.choice(("state", "severity", "due", "move", "org", "area"))
    if change == "state":
        ticket.state = rng.choice(list(TicketState))
    elif change == "severity":
        ticket.severity = rng.choice(("urgent", "major", "minor"))
    elif change == "due":
        ticket.due_at = utcnow() + timedelta(hours=rng.randint(-72, 72))
    elif change == "move":
        point = to_shape(ticket.position)
        moved = Point(point.x + rng.uniform(-0.05, 0.05), point.y + rng.uniform(-0.05, 0.05))
        ticket.position = from_shape(moved, srid=4326)
    elif change == "org":
        ticket.responsible_org_id = rng.choice(orgs)
    else:
        ticket.area = rng.choice(("sanitation", "order", "facilities"))


def test_aggregate_equals_direct_through_random_changes(many, dbsession, frozen_clock):
    users = [
        dbsession.scalar(sa.select(User).where(User.username == name))
        for name in ("supervisor1", "street1")
    ]
    orgs = dbsession.scalars(sa.select(Ticket.responsible_org_id).distinct()).all()
    rng = random.Random(6)
    start = utcnow()
    _compare(dbsession, users, start)
    for round_ in range(3):
        for ticket in rng.sample(many, k=min(6, len(many))):
            _shake(rng, ticket, orgs)
        dbsession.flush()
        # Time moves both ways around the watermark: overdue must follow exactly.
        for hours in (-80, 100):
            now = start + timedelta(hours=hours)
            frozen_clock(now)
            _compare(dbsession, users, now)
        if round_ == 1:
            map_cells.refresh(start + timedelta(hours=30))


def test_firms_and_inspectors_use_the_direct_query(dbsession):
    firm = dbsession.scalar(sa.select(User).where(User.username == "firm1"))
    inspector = dbsession.scalar(sa.select(User).where(User.username == "inspector1"))
    admin = dbsession.scalar(sa.select(User).where(User.username == "admin"))
    assert not aggregate_applies(firm, scope_of(firm), TicketFilter(), 12)
    assert not aggregate_applies(inspector, scope_of(inspector), TicketFilter(), 12)
    assert not aggregate_applies(admin, scope_of(admin), replace(TicketFilter(), estate_id=1), 12)
    closed = TicketFilter(states=(TicketState.closed,))
    assert not aggregate_applies(admin, scope_of(admin), closed, 12)
    # Above the finest stored level the cells would be too many to store: straight from tickets.
    assert aggregate_applies(admin, scope_of(admin), TicketFilter(), 16)
    assert not aggregate_applies(admin, scope_of(admin), TicketFilter(), 17)


@pytest.mark.parametrize("model", [map_cells.MapCell, map_cells.MapCellTotal])
def test_refresh_rebuilds_what_the_triggers_and_folds_maintained(many, dbsession, model):
    def rows():
        return sorted(dbsession.execute(sa.select(model.__table__)).all())

    for ticket in many[:3]:  # some changes through the ORM first
        ticket.severity = "urgent" if ticket.severity != "urgent" else "minor"
    dbsession.flush()
    map_cells.fold()
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(map_cells.MapCellChange)) == 0
    kept = [r for r in rows() if r.n]
    assert {r.level for r in kept} == set(map_cells.LEVELS)
    map_cells.refresh(dbsession.scalar(sa.select(map_cells.MapCellClock.late_as_of)))
    assert [r for r in rows() if r.n] == kept


def test_totals_are_the_detail_rows_summed(many, dbsession):
    map_cells.fold()
    detail, total = map_cells.MapCell, map_cells.MapCellTotal
    key = (detail.level, detail.cx, detail.cy, detail.street_id, detail.severity)
    summed = dbsession.execute(
        sa.select(*key, *(sa.func.sum(getattr(detail, s)) for s in map_cells.SUMS))
        .group_by(*key)
        .having(sa.func.sum(detail.n) != 0)
    ).all()
    stored = dbsession.execute(
        sa.select(total.level, total.cx, total.cy, total.street_id, total.severity,
                  *(getattr(total, s) for s in map_cells.SUMS)).where(total.n != 0)
    ).all()  # fmt: skip
    assert sorted(tuple(r) for r in summed) == sorted(tuple(r) for r in stored)
    assert sum(r.n for r in stored if r.level == 16) == len(
        [t for t in many if t.state in OPEN_STATES]
    )
