"""Importing GeoJSON over the API: a dry run says what would be created or updated, which
geometries are repaired and which features are refused and why; the commit writes."""

import sqlalchemy as sa
from geoalchemy2.shape import to_shape
from shapely.geometry import Polygon, box, mapping

from backend.geo.coordinates import gcj02_to_bd09, wgs84_to_gcj02
from backend.places.models import Estate


def _feature(name: str, geometry: dict, **props) -> dict:
    return {"type": "Feature", "properties": {"name": name, **props}, "geometry": geometry}


def _square(west: float, south: float, size: float = 0.001) -> dict:
    return mapping(box(west, south, west + size, south + size))


def _collection() -> dict:
    bowtie = {"type": "Polygon", "coordinates": [[[121.700, 38.950], [121.701, 38.951],
              [121.701, 38.950], [121.700, 38.951], [121.700, 38.950]]]}  # fmt: skip
    unclosed = {"type": "Polygon", "coordinates": [[[121.703, 38.950], [121.704, 38.950],
                [121.704, 38.951], [121.703, 38.951]]]}  # fmt: skip
    clockwise = mapping(Polygon([(121.706, 38.950), (121.706, 38.951), (121.707, 38.951),
                                 (121.707, 38.950)]))  # fmt: skip
    return {
        "type": "FeatureCollection",
        "features": [
            _feature("导入甲", _square(121.709, 38.950), street_code="210202001", code="IMP-A"),
            _feature("导入乙", bowtie, street_code="210202001", code="IMP-B"),
            _feature("导入丙", unclosed, street_code="210202001", code="IMP-C"),
            _feature("导入丁", clockwise, street_code="210202001", code="IMP-D"),
            _feature("无街道", _square(121.712, 38.950), street_code="999999", code="IMP-E"),
            _feature("越权", _square(121.715, 38.950), street_code="210203001", code="IMP-F"),
        ],
    }


def _codes(dbsession) -> set[str]:
    return set(dbsession.scalars(sa.select(Estate.code).where(Estate.code.like("IMP-%"))))


def test_preview_names_repairs_and_refusals_and_writes_nothing(client, login, dbsession):
    body = {"level": "estate", "crs": "wgs84", "data": _collection()}
    preview = client.post("/api/places/import/preview", json=body, headers=login("street1"))
    assert preview.status_code == 200, preview.json
    plan = preview.json
    assert (plan["created"], plan["updated"], plan["refused"], plan["committed"]) == (
        4,
        0,
        2,
        False,
    )
    by_code = {f["name"]: f for f in plan["features"]}
    assert by_code["导入甲"]["repairs"] == [] and by_code["导入甲"]["action"] == "create"
    assert "Self-intersection" in by_code["导入乙"]["repairs"][0]
    assert by_code["导入乙"]["original"]["type"] == "Polygon"
    assert by_code["导入乙"]["geometry"]["type"] == "MultiPolygon"
    assert "not closed" in by_code["导入丙"]["repairs"][0]
    assert "winding" in by_code["导入丁"]["repairs"][0]
    assert by_code["无街道"]["reasons"] == ["unknown street '999999'"]
    assert by_code["越权"]["reasons"] == ["outside your jurisdiction"]
    assert by_code["越权"]["geometry"] is None
    assert _codes(dbsession) == set()


def test_commit_refuses_all_unless_told_to_skip_the_refused(client, login, dbsession):
    admin = login("admin")
    body = {"level": "estate", "crs": "wgs84", "data": _collection()}
    refused = client.post("/api/places/import", json=body, headers=admin)
    assert refused.status_code == 422 and set(refused.json["errors"]) == {"features[4]"}
    assert _codes(dbsession) == set()
    done = client.post("/api/places/import", json={**body, "skip_refused": True}, headers=admin)
    assert done.status_code == 200 and done.json["committed"] is True, done.json
    assert _codes(dbsession) == {"IMP-A", "IMP-B", "IMP-C", "IMP-D", "IMP-F"}
    again = client.post("/api/places/import/preview", json=body, headers=admin).json
    assert again["updated"] == 5 and again["created"] == 0


def test_bd09_and_gcj02_files_land_where_they_belong(client, login, dbsession):
    wgs = box(121.720, 38.950, 121.721, 38.951)

    def shifted(fn) -> dict:
        ring = [fn(lat, lng)[::-1] for lng, lat in wgs.exterior.coords]
        return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}

    def bd09(lat: float, lng: float) -> tuple[float, float]:
        return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))

    admin = login("admin")
    for crs, fn, code in (("bd09", bd09, "IMP-BD"), ("gcj02", wgs84_to_gcj02, "IMP-GCJ")):
        data = {"type": "FeatureCollection", "features": [
            _feature(code, shifted(fn), street_code="210202001", code=code)]}  # fmt: skip
        done = client.post("/api/places/import", json={"level": "estate", "crs": crs,
                           "data": data}, headers=admin)  # fmt: skip
        assert done.status_code == 200, done.json
        stored = to_shape(dbsession.scalar(sa.select(Estate.boundary).where(Estate.code == code)))
        assert stored.hausdorff_distance(wgs) < 0.00002, crs  # about 2 m


def test_a_file_must_say_its_crs_and_be_geojson(client, login):
    admin = login("admin")
    data = {"type": "FeatureCollection", "features": [
        _feature("甲", _square(121.709, 38.950), street_code="210202001", code="IMP-X")]}  # fmt: skip
    no_crs = client.post("/api/places/import/preview", json={"level": "estate", "data": data},
                         headers=admin)  # fmt: skip
    assert no_crs.status_code == 422 and "crs" in no_crs.json["errors"]
    declared = {**data, "crs": {"type": "name", "properties": {"name": "EPSG:4326"}}}
    ok = client.post("/api/places/import/preview", json={"level": "estate", "data": declared},
                     headers=admin)  # fmt: skip
    assert ok.status_code == 200 and ok.json["crs"] == "wgs84"
    junk = client.post("/api/places/import/preview", json={"level": "estate", "crs": "wgs84",
                       "data": {"type": "Point"}}, headers=admin)  # fmt: skip
    assert junk.status_code == 422 and "data" in junk.json["errors"]
    for who in ("inspector1", "firm1"):
        body = {"level": "estate", "crs": "wgs84", "data": data}
        assert client.post("/api/places/import/preview", json=body,
                           headers=login(who)).status_code == 403  # fmt: skip


def test_odd_files_are_refused_by_feature_never_a_fault(client, login):
    """What the columns or the database would refuse is a reason on the feature."""
    admin = login("admin")
    square = _square(121.709, 38.950)
    odd = [
        _feature("x" * 201, square, street_code="210202001"),
        _feature("户数", square, street_code="210202001", code="IMP-H", households=10**20),
        _feature("空字", square, street_code="2102\x0002001", code="IMP-N"),
        _feature("长码", square, street_code="210202001", code="C" * 41),
    ]
    data = {"type": "FeatureCollection", "crs": {"type": "name", "properties": []}, "features": odd}
    weird_crs = client.post("/api/places/import/preview", json={"level": "estate", "data": data},
                            headers=admin)  # fmt: skip
    assert weird_crs.status_code == 422 and "crs" in weird_crs.json["errors"]
    del data["crs"]
    plan = client.post("/api/places/import/preview", json={"level": "estate", "crs": "wgs84",
                       "data": data}, headers=admin).json  # fmt: skip
    assert [f["action"] for f in plan["features"]] == ["refused"] * 4, plan
    assert "longer than 200" in plan["features"][0]["reasons"][0]
    assert "households must be from 0 to 100000" in plan["features"][1]["reasons"]
    assert any("unknown street" in r for r in plan["features"][2]["reasons"])
    assert "longer than 40" in plan["features"][3]["reasons"][0]
