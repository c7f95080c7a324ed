"""PostGIS plans: open tickets in a bbox use the partial spatial index of open tickets (the
map's pins without bitmap scans), the aggregate read uses map_cells' index (no sequential
scans), and the map's plan settings last for its own transaction only."""

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import from_shape

from backend.accounts.models import User
from backend.accounts.services import scope_of
from backend.clock import utcnow
from backend.database import plan_for_values
from backend.geo.geometry import bbox_polygon
from backend.maps.cells import MapCell
from backend.maps.layers import _pins_statement
from backend.tickets.models import OPEN_STATES, Ticket
from backend.tickets.services import TicketFilter


def _plan(dbsession, query) -> str:
    compiled = query.compile(dbsession.get_bind(), compile_kwargs={"literal_binds": True})
    dbsession.execute(sa.text("SET LOCAL enable_seqscan = off"))
    return "\n".join(dbsession.scalars(sa.text(f"EXPLAIN {compiled}")))


@pytest.mark.postgis_only
def test_open_tickets_in_a_bbox_use_the_partial_spatial_index(dbsession):
    envelope = from_shape(bbox_polygon(121.58, 38.89, 121.70, 38.96), srid=4326)
    query = sa.select(Ticket.id).where(
        Ticket.position.ST_Intersects(envelope), Ticket.state.in_(sorted(OPEN_STATES))
    )
    plan = _plan(dbsession, query)
    assert "idx_tickets_open_position" in plan and "Seq Scan on tickets" not in plan, plan


@pytest.mark.postgis_only
def test_the_aggregate_read_uses_an_index(dbsession):
    query = sa.select(sa.func.sum(MapCell.n)).where(
        MapCell.level == 12, MapCell.cx.between(100, 200), MapCell.cy.between(100, 200)
    )
    plan = _plan(dbsession, query)
    assert "Seq Scan on map_cells" not in plan and "map_cells" in plan, plan


@pytest.mark.postgis_only
def test_map_reads_plan_for_their_values_in_their_own_transaction_only(dbsession):
    def settings() -> tuple[str, str]:
        return (
            dbsession.scalar(sa.text("SHOW plan_cache_mode")),
            dbsession.scalar(sa.text("SHOW enable_bitmapscan")),
        )

    before = settings()
    assert before == ("auto", "on")
    with dbsession.begin_nested():
        plan_for_values()
        assert settings() == ("force_custom_plan", "off")
    dbsession.rollback()  # the test's transaction ends: SET LOCAL with it
    assert settings() == before


@pytest.mark.postgis_only
def test_pins_in_a_bbox_walk_the_spatial_index_without_bitmaps(dbsession):
    admin = dbsession.scalar(sa.select(User).where(User.username == "admin"))
    statement = _pins_statement(admin, scope_of(admin), TicketFilter())
    view = "SRID=4326;" + bbox_polygon(121.58, 38.89, 121.70, 38.96).wkt
    plan_for_values()
    dbsession.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a tiny table: no shortcut
    compiled = statement.compile(dbsession.get_bind())
    params = compiled.construct_params({"view": view, "now": utcnow(), "limit": 2001})
    result = dbsession.connection().exec_driver_sql("EXPLAIN " + compiled.string, params)
    plan = "\n".join(row[0] for row in result)
    assert "BitmapAnd" not in plan and "Bitmap" not in plan, plan
    assert "Index Scan using idx_tickets_open_position" in plan, plan
