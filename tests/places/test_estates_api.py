import pytest
import sqlalchemy as sa
from shapely.geometry import shape

from backend.geo.coordinates import wgs84_to_gcj02
from backend.places.models import Estate, Street

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [121.640, 38.921],
            [121.642, 38.921],
            [121.642, 38.9225],
            [121.640, 38.9225],
            [121.640, 38.921],
        ]
    ],
}


def _list(client, headers, query=""):
    response = client.get(f"/api/estates?page_size=500{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_estates_carry_geojson_and_management_mode(client, login):
    estates = _list(client, login("admin"))
    assert len(estates) == 30
    first = estates[0]
    assert first["geometry"]["type"] == "MultiPolygon"
    assert shape(first["geometry"]).is_valid
    assert {e["management_mode"] for e in estates} == {
        "market",
        "state_takeover",
        "charitable_custody",
        "self_managed",
        "unmanaged",
    }


def test_filters_by_street_district_bbox_and_text(client, login, dbsession):
    headers = login("admin")
    street = dbsession.scalar(sa.select(Street).where(Street.code == "210202001"))
    by_street = _list(client, headers, f"&street_id={street.id}")
    assert by_street and all(e["street_id"] == street.id for e in by_street)
    by_district = _list(client, headers, f"&district_id={street.district_id}")
    assert {e["id"] for e in by_street} < {e["id"] for e in by_district}
    target = by_street[0]
    lng, lat = target["centroid"]
    box = f"{lng - 0.0005},{lat - 0.0005},{lng + 0.0005},{lat + 0.0005}"
    assert [e["id"] for e in _list(client, headers, f"&bbox={box}")] == [target["id"]]
    assert [e["id"] for e in _list(client, headers, f"&q={target['name']}")] == [target["id"]]


def test_gcj02_output_and_bbox(client, login):
    headers = login("admin")
    wgs = _list(client, headers, "&page_size=1")[0]
    gcj = _list(client, headers, "&page_size=1&crs=gcj02")[0]
    lng, lat = wgs["centroid"]
    ring_wgs = wgs["geometry"]["coordinates"][0][0][0]
    ring_gcj = gcj["geometry"]["coordinates"][0][0][0]
    expected_lat, expected_lng = wgs84_to_gcj02(ring_wgs[1], ring_wgs[0])
    assert ring_gcj == pytest.approx([expected_lng, expected_lat], abs=1e-6)
    glat, glng = wgs84_to_gcj02(lat, lng)
    box = f"{glng - 0.0003},{glat - 0.0003},{glng + 0.0003},{glat + 0.0003}"
    assert [e["id"] for e in _list(client, headers, f"&crs=gcj02&bbox={box}")] == [wgs["id"]]


def test_pagination_header(client, login):
    response = client.get("/api/estates?page=2&page_size=7", headers=login("admin"))
    assert response.status_code == 200 and len(response.json) == 7
    assert '"total": 30' in response.headers["X-Pagination"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("crs=bd09", "crs"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=121,38,200,39", "bbox"),
        ("bbox=122,38,121,39", "bbox"),
        ("street_id=abc", "street_id"),
        ("page_size=0", "page_size"),
    ],
)
def test_bad_list_arguments_are_422(client, login, query, field):
    response = client.get(f"/api/estates?{query}", headers=login("admin"))
    assert response.status_code == 422
    assert field in response.json["errors"], response.json


def test_admin_registers_an_estate_and_its_grid_is_found(client, login, dbsession):
    body = {"code": "NEW-1", "name": "新小区", "street_id": 1, "geometry": SQUARE, "grade": "一级"}
    response = client.post("/api/estates", json=body, headers=login("admin"))
    assert response.status_code == 201, response.json
    assert response.json["management_mode"] == "unmanaged"
    estate = dbsession.get(Estate, response.json["id"])
    assert estate is not None and estate.street_id == 1


def test_estate_in_gcj02_is_stored_in_wgs84(client, login):
    gcj_ring = [list(reversed(wgs84_to_gcj02(lat, lng))) for lng, lat in SQUARE["coordinates"][0]]
    body = {
        "code": "NEW-2",
        "name": "火星坐标小区",
        "street_id": 1,
        "crs": "gcj02",
        "geometry": {"type": "Polygon", "coordinates": [gcj_ring]},
    }
    admin = login("admin")
    created = client.post("/api/estates", json=body, headers=admin)
    assert created.status_code == 201, created.json
    wgs = client.get(f"/api/estates/{created.json['id']}", headers=admin).json
    assert wgs["geometry"]["coordinates"][0][0][0] == pytest.approx([121.640, 38.921], abs=1e-7)


BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [[121.64, 38.92], [121.65, 38.93], [121.65, 38.92], [121.64, 38.93], [121.64, 38.92]]
    ],
}


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"geometry": BOW_TIE}, "geometry", "Self-intersection"),
        (
            {
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[121.6, 38.9], [121.6, 95.0], [121.7, 38.9], [121.6, 38.9]]],
                }
            },
            "geometry",
            "latitude",
        ),
        ({"geometry": {"type": "Point", "coordinates": [121.6, 38.9]}}, "geometry", "Polygon"),
        ({"geometry": "POLYGON((0 0,1 1,1 0,0 0))"}, "geometry", "GeoJSON"),
        ({"crs": "epsg:3857"}, "crs", "unknown CRS"),
        ({"colour": "red"}, "colour", "Unknown field"),
        ({"street_id": "one"}, "street_id", "integer"),
        ({"street_id": 99999}, "street_id", "unknown street"),
        ({"grade": "六星级"}, "grade", "Must be one of"),
    ],
)
def test_bad_estates_are_refused_and_nothing_is_written(
    client, login, dbsession, change, field, text
):
    before = dbsession.scalar(sa.select(sa.func.count()).select_from(Estate))
    body = {"code": "BAD-1", "name": "坏小区", "street_id": 1, "geometry": SQUARE, **change}
    response = client.post("/api/estates", json=body, headers=login("admin"))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert text in str(response.json["errors"][field])
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(Estate)) == before


def test_duplicate_estate_code_is_409(client, login):
    body = {"code": "E001", "name": "重复", "street_id": 1, "geometry": SQUARE}
    assert client.post("/api/estates", json=body, headers=login("admin")).status_code == 409


@pytest.mark.parametrize("username", ["inspector1", "firm1", "supervisor1"])
def test_only_admin_registers_estates(client, login, username):
    body = {"code": "X-9", "name": "x", "street_id": 1, "geometry": SQUARE}
    assert client.post("/api/estates", json=body, headers=login(username)).status_code == 403


def test_strangers_get_401_before_validation(client):
    response = client.post("/api/estates", json={"nonsense": True})
    assert response.status_code == 401
