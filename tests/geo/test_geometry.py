"""GeoJSON parsing, polygon validation/repair, output and bounding boxes."""

from __future__ import annotations

import math
from typing import Any

import pytest
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiPolygon,
    Point,
    Polygon,
    box,
)

from backend.geo.geometry import (
    GeometryError,
    bbox_polygon,
    parse_bbox,
    parse_geojson_geometry,
    polygonal,
    to_geojson,
)

SQUARE = [[121.60, 38.90], [121.61, 38.90], [121.61, 38.91], [121.60, 38.91], [121.60, 38.90]]
HOLE = [
    [121.603, 38.903],
    [121.606, 38.903],
    [121.606, 38.906],
    [121.603, 38.906],
    [121.603, 38.903],
]
# A bow-tie: the two diagonals cross at (121.605, 38.905).
BOW_TIE = [[121.60, 38.90], [121.61, 38.91], [121.61, 38.90], [121.60, 38.91], [121.60, 38.90]]


# ---------------------------------------------------------------------------- parsing: accepted


def test_parse_point() -> None:
    geom = parse_geojson_geometry({"type": "Point", "coordinates": [121.616, 38.914]})
    assert isinstance(geom, Point)
    assert (geom.x, geom.y) == (121.616, 38.914)


def test_parse_point_drops_altitude_and_accepts_ints() -> None:
    geom = parse_geojson_geometry({"type": "Point", "coordinates": [121, 38, 15.5]})
    assert not geom.has_z
    assert (geom.x, geom.y) == (121.0, 38.0)


def test_parse_polygon_with_hole() -> None:
    geom = parse_geojson_geometry({"type": "Polygon", "coordinates": [SQUARE, HOLE]})
    assert isinstance(geom, Polygon)
    assert len(geom.interiors) == 1
    assert geom.is_valid


def test_parse_multipolygon() -> None:
    other = [[x + 0.05, y] for x, y in SQUARE]
    geom = parse_geojson_geometry({"type": "MultiPolygon", "coordinates": [[SQUARE], [other]]})
    assert isinstance(geom, MultiPolygon)
    assert len(geom.geoms) == 2


@pytest.mark.parametrize(
    ("obj", "geom_type"),
    [
        ({"type": "LineString", "coordinates": [[121.6, 38.9], [121.7, 38.95]]}, "LineString"),
        ({"type": "MultiPoint", "coordinates": [[121.6, 38.9], [121.7, 38.95]]}, "MultiPoint"),
        ({"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]]]}, "MultiLineString"),
        (
            {
                "type": "GeometryCollection",
                "geometries": [{"type": "Point", "coordinates": [1, 2]}],
            },
            "GeometryCollection",
        ),
    ],
)
def test_parse_other_types(obj: dict[str, Any], geom_type: str) -> None:
    assert parse_geojson_geometry(obj).geom_type == geom_type


def test_parse_accepts_range_edges() -> None:
    geom = parse_geojson_geometry({"type": "Point", "coordinates": [-180, 90]})
    assert (geom.x, geom.y) == (-180.0, 90.0)


# ---------------------------------------------------------------------------- parsing: rejected


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (None, "must be an object"),
        ([121.6, 38.9], "must be an object"),
        ("POINT (121.6 38.9)", "must be an object"),
        ({"coordinates": [121.6, 38.9]}, "missing 'type'"),
        ({"type": "Circle", "coordinates": [121.6, 38.9]}, "unknown geometry type 'Circle'"),
        ({"type": "point", "coordinates": [121.6, 38.9]}, "unknown geometry type 'point'"),
        ({"type": "Feature", "geometry": None}, "got a Feature"),
        ({"type": "Point"}, "missing 'coordinates'"),
        ({"type": "Point", "coordinates": "121.6,38.9"}, "must be an array"),
        ({"type": "Point", "coordinates": [121.6]}, "2 or 3 numbers"),
        ({"type": "Point", "coordinates": [121.6, 38.9, 1, 2]}, "2 or 3 numbers"),
        ({"type": "Point", "coordinates": ["121.6", 38.9]}, "'121.6' is not a number"),
        ({"type": "Point", "coordinates": [None, 38.9]}, "None is not a number"),
        ({"type": "Point", "coordinates": [True, 38.9]}, "True is not a number"),
        ({"type": "Point", "coordinates": [121.6, math.nan]}, "not a finite number"),
        ({"type": "Point", "coordinates": [math.inf, 38.9]}, "not a finite number"),
        ({"type": "Point", "coordinates": [-math.inf, 38.9]}, "not a finite number"),
        ({"type": "Point", "coordinates": [200.5, 38.9]}, "longitude 200.5 in [200.5, 38.9]"),
        ({"type": "Point", "coordinates": [-180.01, 38.9]}, "longitude -180.01"),
        ({"type": "Point", "coordinates": [38.9, 121.6]}, "latitude 121.6 in [38.9, 121.6]"),
        ({"type": "Point", "coordinates": [121.6, -90.5]}, "latitude -90.5"),
        ({"type": "Point", "coordinates": []}, "empty"),
        ({"type": "MultiPoint", "coordinates": []}, "empty"),
        ({"type": "LineString", "coordinates": []}, "empty"),
        ({"type": "LineString", "coordinates": [[121.6, 38.9]]}, "at least 2 positions"),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        ({"type": "Polygon", "coordinates": [[]]}, "empty"),
        ({"type": "MultiPolygon", "coordinates": []}, "empty"),
        ({"type": "MultiPolygon", "coordinates": [[]]}, "empty"),
        ({"type": "GeometryCollection", "geometries": []}, "empty"),
        ({"type": "GeometryCollection"}, "'geometries' must be an array"),
        (
            {"type": "Polygon", "coordinates": [[[121.6, 38.9], [121.61, 38.9], [121.6, 38.9]]]},
            "at least 4 positions, got 3",
        ),
        ({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, "not closed"),
        ({"type": "Polygon", "coordinates": [SQUARE, HOLE[:-1]]}, "not closed"),
        ({"type": "Polygon", "coordinates": SQUARE}, "must be an array"),
        (
            {"type": "GeometryCollection", "geometries": [{"type": "GeometryCollection"}]},
            "nested GeometryCollections",
        ),
    ],
)
def test_parse_rejects(obj: Any, message: str) -> None:
    with pytest.raises(GeometryError) as info:
        parse_geojson_geometry(obj)
    assert message in info.value.message
    assert str(info.value) == info.value.message
    assert isinstance(info.value, ValueError)


def test_rejection_names_the_position() -> None:
    ring = [list(p) for p in SQUARE]
    ring[2] = [121.61, 138.91]
    with pytest.raises(GeometryError, match=r"coordinates\[0\]\[2\]: latitude 138.91"):
        parse_geojson_geometry({"type": "Polygon", "coordinates": [ring]})


def test_rejection_in_multipolygon_names_the_polygon() -> None:
    bad = [[x, y] for x, y in SQUARE[:-1]]
    with pytest.raises(GeometryError, match=r"coordinates\[1\]\[0\]: linear ring is not closed"):
        parse_geojson_geometry({"type": "MultiPolygon", "coordinates": [[SQUARE], [bad]]})


# ---------------------------------------------------------------------------- polygonal


def test_polygonal_valid_polygon_becomes_multipolygon() -> None:
    result, note = polygonal(Polygon(SQUARE), repair=False)
    assert isinstance(result, MultiPolygon)
    assert note is None
    assert result.equals(MultiPolygon([Polygon(SQUARE)]))


def test_polygonal_valid_multipolygon_passes_through() -> None:
    geom = MultiPolygon([Polygon(SQUARE), Polygon([(x + 0.05, y) for x, y in SQUARE])])
    result, note = polygonal(geom, repair=True)
    assert note is None
    assert result.equals(geom)


def test_polygonal_rejects_bow_tie_without_repair() -> None:
    with pytest.raises(GeometryError, match=r"Self-intersection\[121.605 38.905") as info:
        polygonal(Polygon(BOW_TIE), repair=False)
    assert "invalid Polygon" in info.value.message


def test_polygonal_repairs_bow_tie() -> None:
    geom = parse_geojson_geometry({"type": "Polygon", "coordinates": [BOW_TIE]})
    result, note = polygonal(geom, repair=True)
    assert isinstance(result, MultiPolygon)
    assert result.is_valid
    assert len(result.geoms) == 2
    assert result.area == pytest.approx(Polygon(SQUARE).area / 2)
    assert note is not None
    assert note.startswith("repaired: Self-intersection[")


def test_polygonal_repairs_overlapping_multipolygon() -> None:
    shifted = [(x + 0.005, y) for x, y in SQUARE]
    geom = MultiPolygon([Polygon(SQUARE), Polygon(shifted)])
    assert not geom.is_valid
    result, note = polygonal(geom, repair=True)
    assert result.is_valid
    assert note is not None and note.startswith("repaired: ")
    assert result.area == pytest.approx(Polygon(SQUARE).area * 1.5)


def test_polygonal_repair_drops_dangling_spike() -> None:
    # A ring that runs out along a line and back again: make_valid yields polygon + line.
    ring = [(0, 0), (2, 0), (2, 2), (0, 2), (0, 1), (-1, 1), (0, 1), (0, 0)]
    result, note = polygonal(Polygon(ring), repair=True)
    assert note is not None
    assert result.is_valid
    assert result.area == pytest.approx(4.0)


def test_polygonal_zero_area_cannot_be_repaired() -> None:
    flat = Polygon([(121.6, 38.9), (121.61, 38.9), (121.62, 38.9), (121.6, 38.9)])
    with pytest.raises(GeometryError, match="cannot be repaired"):
        polygonal(flat, repair=True)


@pytest.mark.parametrize(
    ("geom", "name"),
    [
        (LineString([(0, 0), (1, 1)]), "LineString"),
        (Point(1, 2), "Point"),
        (GeometryCollection([Polygon(SQUARE)]), "GeometryCollection"),
    ],
)
def test_polygonal_rejects_non_polygons(geom: Any, name: str) -> None:
    with pytest.raises(GeometryError) as info:
        polygonal(geom, repair=True)
    assert info.value.message == f"expected Polygon or MultiPolygon, got {name}"


def test_polygonal_rejects_empty() -> None:
    with pytest.raises(GeometryError, match="empty"):
        polygonal(Polygon(), repair=True)


# ---------------------------------------------------------------------------- output


def test_to_geojson_lists_and_rounding() -> None:
    geom = Polygon([(121.123456789, 38.1), (121.2, 38.1), (121.2, 38.2), (121.123456789, 38.1)])
    out = to_geojson(geom)
    assert out["type"] == "Polygon"
    assert isinstance(out["coordinates"], list)
    assert isinstance(out["coordinates"][0][0], list)
    assert out["coordinates"][0][0] == [121.1234568, 38.1]


def test_to_geojson_round_trips_through_parser() -> None:
    geom = MultiPolygon([Polygon(SQUARE, [HOLE])])
    again = parse_geojson_geometry(to_geojson(geom))
    assert again.equals(geom)


def test_to_geojson_collection() -> None:
    out = to_geojson(GeometryCollection([Point(1.5, 2.5)]))
    assert out == {
        "type": "GeometryCollection",
        "geometries": [{"type": "Point", "coordinates": [1.5, 2.5]}],
    }


# ---------------------------------------------------------------------------- bounding boxes


def test_bbox_polygon() -> None:
    assert bbox_polygon(121.5, 38.8, 121.7, 39.0).equals(box(121.5, 38.8, 121.7, 39.0))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((121.7, 38.8, 121.5, 39.0), "minLng 121.7 must be less than maxLng 121.5"),
        ((121.5, 38.8, 121.5, 39.0), "must be less than maxLng"),
        ((121.5, 39.0, 121.7, 38.8), "minLat 39.0 must be less than maxLat 38.8"),
        ((-181, 38.8, 121.7, 39.0), "minLng -181 is outside"),
        ((121.5, 38.8, 181, 39.0), "maxLng 181 is outside"),
        ((121.5, -91, 121.7, 39.0), "minLat -91 is outside"),
        ((121.5, 38.8, 121.7, 91), "maxLat 91 is outside"),
        ((math.nan, 38.8, 121.7, 39.0), "finite"),
        ((True, 38.8, 121.7, 39.0), "must be a number"),
    ],
)
def test_bbox_polygon_rejects(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(GeometryError) as info:
        bbox_polygon(*args)
    assert message in info.value.message


def test_parse_bbox() -> None:
    assert parse_bbox(" 121.5, 38.8,121.7 ,39.0").equals(box(121.5, 38.8, 121.7, 39.0))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "minLng,minLat,maxLng,maxLat"),
        ("121.5,38.8,121.7", "minLng,minLat,maxLng,maxLat"),
        ("121.5,38.8,121.7,39.0,1", "minLng,minLat,maxLng,maxLat"),
        ("121.5,abc,121.7,39.0", "'abc' is not a number"),
        ("121.5,nan,121.7,39.0", "finite"),
        ("121.5,38.8,inf,39.0", "finite"),
        ("121.7,38.8,121.5,39.0", "must be less than"),
    ],
)
def test_parse_bbox_rejects(text: str, message: str) -> None:
    with pytest.raises(GeometryError) as info:
        parse_bbox(text)
    assert message in info.value.message
