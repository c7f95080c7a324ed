"""Map layers: clustering, pins, filters, scope, GCJ-02, estates by score, and the index plan."""

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import from_shape

from backend.accounts.models import User
from backend.accounts.services import scope_of
from backend.geo.coordinates import wgs84_to_gcj02
from backend.geo.geometry import bbox_polygon
from backend.maps.clusters import at_least
from backend.tickets.models import Ticket
from backend.tickets.services import TicketFilter

ZHONGSHAN = "121.58,38.89,121.70,38.96"
BOUNDS = tuple(float(v) for v in ZHONGSHAN.split(","))


@pytest.fixture
def world(inspect, tickets_of):
    ids = {}
    for code, items in (
        ("E001", ("ENV-02", "FAC-05", "GAR-06")),
        ("E004", ("ENV-04",)),
        ("E006", ("ENV-02",)),
    ):
        ids[code] = {t["item_code"]: t for t in tickets_of(inspect(code, failures=items)["id"])}
    return ids


def _map(client, headers, query):
    response = client.get(f"/api/map/tickets?{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_low_zoom_clusters_count_every_ticket_with_the_worst_severity(world, client, login):
    data = _map(client, login("supervisor1"), f"bbox={ZHONGSHAN}&zoom=11")
    assert data["properties"]["clustered"] is True
    assert sum(f["properties"]["count"] for f in data["features"]) == 5
    worst = {f["properties"]["worst_severity"] for f in data["features"]}
    assert "urgent" in worst  # FAC-05 is urgent
    assert all(f["geometry"]["type"] == "Point" for f in data["features"])


def test_high_zoom_shows_single_pins_with_state_and_overdue(world, client, login):
    data = _map(client, login("supervisor1"), f"bbox={ZHONGSHAN}&zoom=16")
    assert data["properties"]["clustered"] is False
    ids = {f["properties"]["id"] for f in data["features"]}
    assert ids == {t["id"] for estate in world.values() for t in estate.values()}
    pin = next(
        f for f in data["features"] if f["properties"]["id"] == world["E001"]["FAC-05"]["id"]
    )
    assert pin["properties"]["severity"] == "urgent" and pin["properties"]["overdue"] is False
    # The code, as the ticket itself names it (several pins at one spot are listed by it).
    assert pin["properties"]["code"] == world["E001"]["FAC-05"]["code"]


def test_a_view_with_more_tickets_than_pins_shows_clusters(
    world, client, login, monkeypatch, dbsession
):
    supervisor = dbsession.scalar(sa.select(User).where(User.username == "supervisor1"))
    monkeypatch.setattr("backend.maps.layers.MAX_FEATURES", 3)
    crowded = _map(client, login("supervisor1"), f"bbox={ZHONGSHAN}&zoom=16")
    assert crowded["properties"]["clustered"] is True
    assert sum(f["properties"]["count"] for f in crowded["features"]) == 5
    assert all(f["properties"]["cluster"] for f in crowded["features"])
    # Known crowded from the stored cells without fetching pins; with an overdue filter the
    # cells cannot tell, so the pins are fetched, overflow, and clusters come back all the same.
    assert at_least(supervisor, scope_of(supervisor), TicketFilter(), BOUNDS) == 5
    fetched = _map(client, login("supervisor1"), f"bbox={ZHONGSHAN}&zoom=16&overdue=false")
    assert fetched["properties"]["clustered"] is True
    assert sum(f["properties"]["count"] for f in fetched["features"]) == 5
    # A view that fits stays pins (firm2 sees one ticket).
    firm2 = _map(client, login("firm2"), f"bbox={ZHONGSHAN}&zoom=16")
    assert firm2["properties"]["clustered"] is False
    assert [f["properties"]["id"] for f in firm2["features"]] == [world["E006"]["ENV-02"]["id"]]


def test_filters_and_scope(world, client, login):
    supervisor = login("supervisor1")
    urgent = _map(client, supervisor, f"bbox={ZHONGSHAN}&zoom=16&severity=urgent")
    assert {f["properties"]["id"] for f in urgent["features"]} == {world["E001"]["FAC-05"]["id"]}
    firm2 = _map(client, login("firm2"), f"bbox={ZHONGSHAN}&zoom=16")
    assert {f["properties"]["id"] for f in firm2["features"]} == {world["E006"]["ENV-02"]["id"]}
    closed_only = _map(client, supervisor, f"bbox={ZHONGSHAN}&zoom=16&state=closed")
    assert closed_only["features"] == []
    far_away = _map(client, supervisor, "bbox=121.0,38.0,121.1,38.1&zoom=16")
    assert far_away["features"] == []


def test_gcj02_output_for_base_maps_that_need_it(world, client, login):
    headers = login("supervisor1")
    wgs = _map(client, headers, f"bbox={ZHONGSHAN}&zoom=16")["features"]
    lng0, lat0 = (121.58, 38.89)
    glat0, glng0 = wgs84_to_gcj02(lat0, lng0)
    glat1, glng1 = wgs84_to_gcj02(38.96, 121.70)
    gcj = _map(client, headers, f"bbox={glng0},{glat0},{glng1},{glat1}&zoom=16&crs=gcj02")[
        "features"
    ]
    by_id = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in gcj}
    for feature in wgs:
        lng, lat = feature["geometry"]["coordinates"]
        glat, glng = wgs84_to_gcj02(lat, lng)
        assert by_id[feature["properties"]["id"]] == pytest.approx([glng, glat], abs=1e-6)


def test_estate_layer_colours_by_latest_score(world, client, login):
    response = client.get(f"/api/map/estates?bbox={ZHONGSHAN}", headers=login("street1"))
    assert response.status_code == 200
    features = {f["properties"]["code"]: f for f in response.json["features"]}
    assert features["E001"]["properties"]["score"] is not None
    assert features["E001"]["geometry"]["type"] == "MultiPolygon"
    assert "E006" not in features  # another street: outside street1's scope


@pytest.mark.parametrize(
    "query", ["zoom=12", f"bbox={ZHONGSHAN}", "bbox=1,2,3&zoom=12", f"bbox={ZHONGSHAN}&zoom=40"]
)
def test_bad_map_arguments_are_422(client, login, query):
    assert client.get(f"/api/map/tickets?{query}", headers=login("supervisor1")).status_code == 422


def test_bbox_queries_have_a_spatial_index(dbsession, backend_name):
    if backend_name == "spatialite":
        # SpatiaLite keeps R*Tree indexes as virtual tables the planner does not pick by itself;
        # what can be checked is that the index exists and is enabled.
        enabled = dbsession.scalar(sa.text(
            "SELECT spatial_index_enabled FROM geometry_columns "
            "WHERE f_table_name = 'tickets' AND f_geometry_column = 'position'"
        ))  # fmt: skip
        assert enabled == 1
        return
    envelope = from_shape(bbox_polygon(121.58, 38.89, 121.70, 38.96), srid=4326)
    query = sa.select(Ticket.id).where(Ticket.position.ST_Intersects(envelope))
    compiled = query.compile(dbsession.get_bind(), compile_kwargs={"literal_binds": True})
    dbsession.execute(sa.text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(dbsession.scalars(sa.text(f"EXPLAIN {compiled}")))
    assert "idx_tickets_position" in plan and "Seq Scan on tickets" not in plan, plan
