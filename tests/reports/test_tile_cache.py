"""Cached ticket tiles: served without running ST_AsMVT while the map is unchanged, rebuilt the
moment a ticket changes or the clock passes a due time, never shared between callers."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from backend.accounts.services import scope_of
from backend.clock import utcnow
from backend.database import db
from backend.maps import tile_cache, tiles
from backend.tickets.models import Ticket
from backend.tickets.services import TicketFilter
from tests.reports.test_tiles import _features, _get

pytestmark = pytest.mark.postgis_only


@contextmanager
def statements():
    seen: list[str] = []

    def grab(_conn, _cursor, statement, _parameters, _context, _many):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", grab)


def _built(seen: list[str]) -> bool:
    return any("ST_AsMVT(" in s for s in seen)


@pytest.mark.parametrize("zoom", [16, 12])  # pins, clusters
def test_a_cached_tile_is_the_tile_a_fresh_build_gives(world, client, login, where, zoom):
    supervisor = login("supervisor1")
    tile = where(world["E001"]["ENV-02"]["id"], zoom)
    with statements() as first_seen:
        first = _get(client, supervisor, *tile)
    with statements() as again_seen:
        again = _get(client, supervisor, *tile)
    assert _built(first_seen) and not _built(again_seen)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    user = db.session.scalar(sa.select(User).where(User.username == "supervisor1"))
    fresh = tiles.ticket_tile(user, scope_of(user), TicketFilter(), *tile, utcnow())
    assert again.data == fresh and _features(again)


def test_a_ticket_change_rebuilds_the_cached_tile(world, client, login, where, act):
    ticket = world["E001"]["ENV-02"]
    supervisor = login("supervisor1")
    tile = where(ticket["id"], 16)
    before = _get(client, supervisor, *tile)
    assert _get(client, supervisor, *tile).data == before.data
    assert act(ticket["id"], "accept", "firm1").status_code == 200
    after = _get(client, {**supervisor, "If-None-Match": before.headers["ETag"]}, *tile)
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert next(p for p in _features(after) if p["id"] == ticket["id"])["state"] == "accepted"


def test_the_clock_passing_a_due_time_rebuilds_the_cached_tile(
    world, client, login, where, frozen_clock, dbsession
):
    ticket = world["E001"]["ENV-02"]
    due_at = dbsession.get(Ticket, ticket["id"]).due_at
    supervisor = login("supervisor1")
    tile = where(ticket["id"], 16)

    def overdue() -> bool:
        return next(
            p for p in _features(_get(client, supervisor, *tile)) if p["id"] == ticket["id"]
        )["overdue"]

    frozen_clock(due_at - timedelta(minutes=1))
    assert overdue() is False and overdue() is False  # built, then served from the cache
    frozen_clock(due_at + timedelta(minutes=1))
    assert overdue() is True
    frozen_clock(due_at - timedelta(minutes=1))  # and back, as a test clock may go
    assert overdue() is False


def test_callers_never_share_a_cached_tile_and_firms_are_built_each_time(
    world, client, login, where
):
    tile = where(world["E001"]["ENV-02"]["id"], 16)
    admin, supervisor = (
        _get(client, login("admin"), *tile),
        _get(client, login("supervisor1"), *tile),
    )
    assert admin.headers["ETag"] != supervisor.headers["ETag"]
    for _ in range(2):
        with statements() as seen:
            assert _get(client, login("firm1"), *tile).status_code == 200
        assert _built(seen)


def test_refresh_drops_tiles_nobody_rebuilt_for_a_week(world, client, login, where, dbsession):
    _get(client, login("supervisor1"), *where(world["E001"]["ENV-02"]["id"], 16))
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(tile_cache.MapTile)) == 1
    assert tile_cache.prune(utcnow() + timedelta(days=6)) == 0
    assert tile_cache.prune(utcnow() + tile_cache.KEEP + timedelta(minutes=1)) == 1
