"""`flask places import`: GCJ-02 conversion, repair with a warning, all-or-nothing on garbage."""

import json

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import to_shape
from shapely.geometry import box, mapping

from backend.geo.coordinates import from_wgs84
from backend.places.models import Estate, Grid, Street


def _feature(name: str, geometry: dict, **props) -> dict:
    return {"type": "Feature", "properties": {"name": name, **props}, "geometry": geometry}


def _gcj(shape) -> dict:
    return json.loads(json.dumps(mapping(from_wgs84(shape, "gcj02"))))


def _bow_tie(west: float, south: float) -> dict:
    # A self-intersecting "figure eight" ring, as found in hand-digitised boundary files.
    ring = [
        [west, south],
        [west + 0.01, south + 0.01],
        [west + 0.01, south],
        [west, south + 0.01],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def run(app, dbsession):
    runner = app.test_cli_runner()

    def _run(*args: str):
        return runner.invoke(args=["places", "import", *map(str, args)])

    return _run


def test_gcj02_datav_street_file_with_one_bow_tie_is_repaired_and_converted(
    run, tmp_path, dbsession
):
    wgs = box(121.70, 38.95, 121.72, 38.97)
    path = tmp_path / "streets-gcj02.json"
    features = [
        _feature(
            "测试甲街道",
            _gcj(wgs),
            adcode="210202901",
            parent={"adcode": 210202},
            center=[121.71, 38.96],
            level="street",
        ),
        _feature(
            "测试乙街道", _bow_tie(121.74, 38.95), adcode="210202902", parent={"adcode": 210202}
        ),
    ]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    )
    result = run(path, "--level", "street", "--crs", "gcj02")
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    # The repair names the crossing where it is in the file (GCJ-02), not a shifted position.
    assert "feature #2 '测试乙街道': repaired: Self-intersection[121.745 38.955]" in result.output
    stored = dbsession.scalar(sa.select(Street).where(Street.code == "210202901"))
    # Stored in WGS84: the GCJ-02 shift (~440 m in Dalian) has been taken out again.
    assert to_shape(stored.boundary).symmetric_difference(wgs).area < 1e-9
    repaired = to_shape(
        dbsession.scalar(sa.select(Street.boundary).where(Street.code == "210202902"))
    )
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon" and len(repaired.geoms) == 2


def test_a_bad_feature_means_nothing_is_imported(run, tmp_path, dbsession):
    before = dbsession.scalar(sa.select(sa.func.count()).select_from(Estate))
    good = mapping(box(121.620, 38.915, 121.622, 38.917))
    out_of_range = {
        "type": "Polygon",
        "coordinates": [[[121.6, 38.9], [121.6, 138.9], [121.7, 38.9], [121.6, 38.9]]],
    }
    features = [
        _feature("好小区", good, code="X001", street_code="210202001"),
        _feature("坏小区", out_of_range, code="X002", street_code="210202001"),
        _feature("无街道小区", good, code="X003", street_code="999"),
        _feature(
            "线小区",
            {"type": "LineString", "coordinates": [[121.6, 38.9], [121.7, 38.9]]},
            code="X004",
            street_code="210202001",
        ),
        {"type": "Feature", "properties": {"code": "X005"}, "geometry": good},
    ]
    path = tmp_path / "estates.json"
    path.write_text(json.dumps(features, ensure_ascii=False))
    result = run(path, "--level", "estate", "--crs", "wgs84")
    assert result.exit_code != 0
    assert "nothing imported" in result.output
    assert "feature #2 '坏小区': geometry:" in result.output and "138.9" in result.output
    assert "feature #3 '无街道小区': unknown street '999'" in result.output
    assert "feature #4 '线小区': geometry: expected Polygon or MultiPolygon" in result.output
    assert "feature #5 'X005': missing property 'name'" in result.output
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(Estate)) == before


def test_bare_array_import_assigns_grids_and_reimport_updates(run, tmp_path, dbsession):
    grid = dbsession.scalar(sa.select(Grid).where(Grid.code == "G-210202001-01"))
    inside = to_shape(grid.boundary).representative_point()
    shape = box(inside.x - 0.0003, inside.y - 0.0003, inside.x + 0.0003, inside.y + 0.0003)
    features = [
        _feature(
            "新建小区",
            mapping(shape),
            code="N001",
            street="青泥洼桥街道",
            address="大连市中山区某路1号",
            grade="一级",
            community="长春路社区",
        )
    ]
    path = tmp_path / "estates.json"
    path.write_text(json.dumps(features, ensure_ascii=False))
    assert "1 created" in run(path, "--level", "estate", "--crs", "wgs84").output
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "N001"))
    assert estate.grid_id == grid.id and estate.community.name == "长春路社区"
    features[0]["properties"]["name"] = "新建小区(二期)"
    path.write_text(json.dumps(features, ensure_ascii=False))
    assert "0 created, 1 updated" in run(path, "--level", "estate", "--crs", "wgs84").output
    dbsession.expire_all()
    assert dbsession.get(Estate, estate.id).name == "新建小区(二期)"


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("{not json", ["--level", "grid"], "not JSON"),
        ('{"type": "Topology"}', ["--level", "grid"], "expected a GeoJSON FeatureCollection"),
        ("[]", ["--level", "grid"], "no features"),
        ("[]", ["--level", "grid", "--crs", "bd11"], "unknown coordinate system 'bd11'"),
    ],
)
def test_garbage_files_get_clear_messages(run, tmp_path, content, args, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run(path, *args)
    assert result.exit_code != 0
    assert message in result.output


def test_duplicate_codes_in_a_file_are_refused(run, tmp_path):
    shape = mapping(box(121.62, 38.915, 121.621, 38.916))
    features = [
        _feature("甲", shape, code="D1", street_code="210202001"),
        _feature("乙", shape, code="D1", street_code="210202001"),
    ]
    path = tmp_path / "grids.json"
    path.write_text(json.dumps(features, ensure_ascii=False))
    result = run(path, "--level", "grid", "--crs", "wgs84")
    assert result.exit_code != 0 and "duplicate codes in file: D1" in result.output


def _street_file(path, crs_member=None) -> None:
    """青泥洼桥街道 again, as a DataV file would give it: GCJ-02, saying nothing about it."""
    wgs = box(121.615, 38.905, 121.635, 38.925)
    data = {
        "type": "FeatureCollection",
        "features": [
            _feature("青泥洼桥街道", _gcj(wgs), adcode="210202001", parent={"adcode": 210202})
        ],
    }
    if crs_member is not None:
        data["crs"] = crs_member
    path.write_text(json.dumps(data, ensure_ascii=False))


def test_a_file_without_a_declared_crs_needs_crs_and_changes_nothing(run, tmp_path, dbsession):
    street = dbsession.scalar(sa.select(Street).where(Street.code == "210202001"))
    before = to_shape(street.boundary)
    path = tmp_path / "datav-streets.json"
    _street_file(path)
    result = run(path, "--level", "street")
    assert result.exit_code != 0
    assert "declares no coordinate system: give --crs wgs84, gcj02 or bd09" in result.output
    assert "nothing imported" in result.output
    dbsession.expire_all()
    assert to_shape(dbsession.get(Street, street.id).boundary).equals(before)


def test_a_declared_crs_is_used_and_a_contradicting_crs_is_refused(run, tmp_path, dbsession):
    path = tmp_path / "declared.json"
    _street_file(path, {"type": "name", "properties": {"name": "GCJ-02"}})
    refused = run(path, "--level", "street", "--crs", "wgs84")
    assert refused.exit_code != 0 and "declares gcj02 but --crs wgs84 was given" in refused.output
    result = run(path, "--level", "street")
    assert result.exit_code == 0, result.output
    stored = to_shape(
        dbsession.scalar(sa.select(Street.boundary).where(Street.code == "210202001"))
    )
    assert stored.symmetric_difference(box(121.615, 38.905, 121.635, 38.925)).area < 1e-9
    _street_file(path, {"type": "name", "properties": {"name": "EPSG:3857"}})
    unknown = run(path, "--level", "street")
    assert unknown.exit_code != 0 and "unsupported coordinate system 'EPSG:3857'" in unknown.output
