"""On PostGIS the map's GeoJSON features are encoded by the database (json_agg); they must be
the features the Python encoder (SpatiaLite, GCJ-02) gives for the same view."""

from datetime import datetime

import pytest

ZHONGSHAN = "121.58,38.89,121.70,38.96"


@pytest.fixture
def world(inspect):
    for code, items in (
        ("E001", ("ENV-02", "FAC-05", "GAR-06")),
        ("E004", ("ENV-04",)),
        ("E006", ("ENV-02",)),
    ):
        inspect(code, failures=items)


def _map(client, headers, query):
    response = client.get(f"/api/map/tickets?{query}", headers=headers)
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/json"
    return response.json


def _normal(collection: dict) -> dict:
    """Text differences between the two encoders aside: coordinates to 1e-6 degree, times as
    instants."""
    for feature in collection["features"]:
        feature["geometry"]["coordinates"] = [
            round(v, 6) for v in feature["geometry"]["coordinates"]
        ]
        if "due_at" in feature["properties"]:
            due = datetime.fromisoformat(feature["properties"]["due_at"])
            feature["properties"]["due_at"] = due
    return collection


@pytest.mark.postgis_only
@pytest.mark.parametrize("zoom", [11, 13, 16])
def test_the_database_encodes_the_same_features_as_python(world, client, login, monkeypatch, zoom):
    headers = login("supervisor1")
    query = f"bbox={ZHONGSHAN}&zoom={zoom}"
    by_database = _normal(_map(client, headers, query))
    monkeypatch.setattr("backend.maps.geojson.in_database", lambda _wgs84: False)
    by_python = _normal(_map(client, headers, query))
    assert by_database == by_python
    assert by_database["features"]
    # Crowded: clusters at a pin zoom, from both encoders too.
    monkeypatch.setattr("backend.maps.layers.MAX_FEATURES", 2)
    crowded_python = _normal(_map(client, headers, query))
    monkeypatch.undo()
    monkeypatch.setattr("backend.maps.layers.MAX_FEATURES", 2)
    assert _normal(_map(client, headers, query)) == crowded_python
