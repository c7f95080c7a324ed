"""Vector tiles: decoded on PostGIS (pins, clusters, filters, scope, caching); 501 on SpatiaLite."""

import mapbox_vector_tile
import pytest

MVT = "application/vnd.mapbox-vector-tile"


def _get(client, headers, z, x, y, layer="tickets", query=""):
    return client.get(f"/api/tiles/{layer}/{z}/{x}/{y}.mvt?{query}", headers=headers)


def _features(response, layer="tickets"):
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Type"] == MVT
    decoded = mapbox_vector_tile.decode(response.data)
    return [f["properties"] for f in decoded.get(layer, {}).get("features", [])]


@pytest.mark.postgis_only
def test_pins_carry_the_documented_properties(world, client, login, where):
    admin = login("admin")
    urgent = world["E001"]["FAC-05"]
    props = _features(_get(client, admin, *where(urgent["id"], 16)))
    pin = next(p for p in props if p["id"] == urgent["id"])
    assert pin == {"id": urgent["id"], "severity": "urgent", "overdue": False,
                   "state": "dispatched", "area": urgent["area"]}  # fmt: skip


@pytest.mark.postgis_only
def test_clusters_below_zoom_15_count_every_ticket(world, client, login, where):
    headers = login("supervisor1")
    z, x, y = where(world["E001"]["ENV-02"]["id"], 8)
    props = _features(_get(client, headers, z, x, y))
    assert all(p["cluster"] for p in props)
    assert sum(p["count"] for p in props) == 3  # E001's two and E006's one, all in 中山/西岗
    assert "urgent" in {p["severity"] for p in props}


@pytest.mark.postgis_only
def test_filters_and_scope(world, client, login, where):
    e001 = world["E001"]
    z, x, y = where(e001["ENV-02"]["id"], 11)
    firm1 = _features(_get(client, login("firm1"), z, x, y))
    assert sum(p["count"] for p in firm1) == 2
    theirs = world["E006"]["ENV-02"]["id"]
    z, x, y = where(theirs, 16)
    assert [p["id"] for p in _features(_get(client, login("firm2"), z, x, y))] == [theirs]
    assert theirs not in {p["id"] for p in _features(_get(client, login("firm1"), z, x, y))}
    z, x, y = where(e001["FAC-05"]["id"], 16)
    pins = _features(_get(client, login("firm1"), z, x, y, query="severity=urgent"))
    assert [p["id"] for p in pins] == [e001["FAC-05"]["id"]]
    assert _features(_get(client, login("firm2"), z, x, y)) == []  # firm2 never sees firm1's


@pytest.mark.postgis_only
def test_etag_304_and_change_after_a_transition(world, client, login, where, act):
    ticket = world["E001"]["ENV-02"]
    headers = login("firm1")
    tile = where(ticket["id"], 16)
    first = _get(client, headers, *tile)
    assert (
        first.headers["Cache-Control"].startswith("private")
        and "max-age" in first.headers["Cache-Control"]
    )
    again = _get(client, {**headers, "If-None-Match": first.headers["ETag"]}, *tile)
    assert again.status_code == 304 and again.data == b""
    assert act(ticket["id"], "accept", "firm1").status_code == 200
    after = _get(client, {**headers, "If-None-Match": first.headers["ETag"]}, *tile)
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]
    pin = next(p for p in _features(after) if p["id"] == ticket["id"])
    assert pin["state"] == "accepted"
    other = _get(client, login("admin"), *tile)
    assert other.headers["ETag"] != after.headers["ETag"]  # never shared between scopes


@pytest.mark.postgis_only
def test_estate_tile_has_outlines_with_scores(world, client, login, where):
    headers = login("street1")
    z, x, y = where(world["E001"]["ENV-02"]["id"], 14)
    props = _features(_get(client, headers, z, x, y, layer="estates"), layer="estates")
    e001 = next(p for p in props if p["code"] == "E001")
    assert e001["score"] is not None and e001["grade"]
    assert "E006" not in {p["code"] for p in props}  # another street


@pytest.mark.parametrize(
    "path, status",
    [
        ("tickets/23/0/0", 404),  # beyond the pyramid: no such route
        ("tickets/2/4/0", 404),  # outside the pyramid: no such tile
        ("tickets/2/0/4", 404),
        ("roads/2/0/0", 404),
    ],
)
def test_bad_tiles(client, login, path, status):
    response = client.get(f"/api/tiles/{path}.mvt", headers=login("admin"))
    assert response.status_code == status and response.json["status"] == status


def test_tiles_need_a_token(client):
    assert client.get("/api/tiles/tickets/2/0/0.mvt").status_code == 401


def test_spatialite_says_tiles_need_postgis(backend_name, client, login):
    response = client.get("/api/tiles/tickets/12/3436/1548.mvt", headers=login("admin"))
    if backend_name == "postgis":
        assert response.status_code == 200
        return
    assert response.status_code == 501
    assert response.json["code"] == "not_supported" and "PostGIS" in response.json["message"]
