"""PostGIS plans: open tickets in a bbox use the partial spatial index of open tickets, and the
aggregate read uses map_cells' index (no sequential scans)."""

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import from_shape

from backend.geo.geometry import bbox_polygon
from backend.reports.map_cells import MapCell
from backend.tickets.models import OPEN_STATES, Ticket


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
