"""GeoJSON parsing, polygon validation/repair and bounding boxes (all WGS84, RFC 7946).

Parsing validates the raw JSON first and only then builds shapely objects, because
``shapely.geometry.shape`` happily accepts NaN, booleans, unclosed rings and out-of-range degrees.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import shapely
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    box,
    mapping,
)
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.validation import explain_validity

__all__ = [
    "GEOMETRY_TYPES",
    "GeometryError",
    "bbox_polygon",
    "close_open_rings",
    "parse_bbox",
    "parse_geojson_geometry",
    "polygonal",
    "rewind",
    "to_geojson",
]

GEOMETRY_TYPES: tuple[str, ...] = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)

# Seven decimals is ~1 cm, finer than any phone GPS; more only bloats responses.
_GEOJSON_DECIMALS = 7

Position = tuple[float, float]


class GeometryError(ValueError):
    """A geometry the system cannot accept; ``message`` is fit to show to the user."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# --------------------------------------------------------------------------------------------
# Parsing


def _fmt(value: float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _position(value: Any, where: str) -> Position:
    """Validate one GeoJSON position and return ``(lng, lat)``; altitude is dropped.

    Altitude is dropped because stored geometries are 2D and PostGIS refuses Z in 2D columns.
    """
    if not isinstance(value, list | tuple):
        raise GeometryError(f"{where}: a position must be an array of numbers, got {value!r}")
    if not 2 <= len(value) <= 3:
        raise GeometryError(
            f"{where}: a position must have 2 or 3 numbers (lng, lat[, alt]), got {len(value)}"
        )
    for number in value:
        # bool is an int subclass; JSON true/false as a coordinate is always a client bug.
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise GeometryError(f"{where}: coordinate {number!r} is not a number")
        if not math.isfinite(number):
            raise GeometryError(f"{where}: coordinate {number!r} is not a finite number")
    lng, lat = float(value[0]), float(value[1])
    shown = f"[{_fmt(value[0])}, {_fmt(value[1])}]"
    if not -180.0 <= lng <= 180.0:
        raise GeometryError(f"{where}: longitude {_fmt(value[0])} in {shown} not in [-180, 180]")
    if not -90.0 <= lat <= 90.0:
        raise GeometryError(f"{where}: latitude {_fmt(value[1])} in {shown} not in [-90, 90]")
    return lng, lat


def _array(value: Any, where: str, what: str) -> Sequence[Any]:
    if not isinstance(value, list | tuple):
        raise GeometryError(f"{where}: {what} must be an array, got {type(value).__name__}")
    if not value:
        raise GeometryError(f"{where}: empty geometries are not accepted ({what} is empty)")
    return value


def _positions(value: Any, where: str, what: str) -> list[Position]:
    items = _array(value, where, what)
    return [_position(item, f"{where}[{i}]") for i, item in enumerate(items)]


def _line(value: Any, where: str) -> list[Position]:
    points = _positions(value, where, "a line string")
    if len(points) < 2:
        raise GeometryError(f"{where}: a line string needs at least 2 positions, got {len(points)}")
    return points


def _ring(value: Any, where: str) -> list[Position]:
    points = _positions(value, where, "a linear ring")
    if len(points) < 4:
        raise GeometryError(f"{where}: a linear ring needs at least 4 positions, got {len(points)}")
    if points[0] != points[-1]:
        raise GeometryError(f"{where}: linear ring is not closed (first and last positions differ)")
    return points


def _polygon(value: Any, where: str) -> Polygon:
    rings = _array(value, where, "a polygon")
    shell, *holes = (_ring(ring, f"{where}[{i}]") for i, ring in enumerate(rings))
    return Polygon(shell, holes)


def _build(obj: Any, where: str, depth: int) -> BaseGeometry:
    if not isinstance(obj, dict):
        got = type(obj).__name__
        raise GeometryError(f"{where}: a GeoJSON geometry must be an object, got {got}")
    kind = obj.get("type")
    if kind is None:
        raise GeometryError(f"{where}: missing 'type'")
    if kind not in GEOMETRY_TYPES:
        if kind in ("Feature", "FeatureCollection"):
            raise GeometryError(f"{where}: expected a geometry, got a {kind}; send its 'geometry'")
        raise GeometryError(
            f"{where}: unknown geometry type {kind!r}; expected one of {', '.join(GEOMETRY_TYPES)}"
        )

    if kind == "GeometryCollection":
        # RFC 7946 3.1.8: nesting SHOULD be avoided; one level is plenty for any caller of ours.
        if depth > 0:
            raise GeometryError(f"{where}: nested GeometryCollections are not accepted")
        members = _array(obj.get("geometries"), f"{where}.geometries", "'geometries'")
        return GeometryCollection(
            [_build(m, f"{where}.geometries[{i}]", depth + 1) for i, m in enumerate(members)]
        )

    if "coordinates" not in obj:
        raise GeometryError(f"{where}: missing 'coordinates'")
    coords = obj["coordinates"]
    at = f"{where}.coordinates"
    if kind == "Point":
        if isinstance(coords, list | tuple) and not coords:
            raise GeometryError(f"{at}: empty geometries are not accepted (a point is empty)")
        return Point(_position(coords, at))
    if kind == "MultiPoint":
        return MultiPoint(_positions(coords, at, "a multi point"))
    if kind == "LineString":
        return LineString(_line(coords, at))
    if kind == "MultiLineString":
        lines = _array(coords, at, "a multi line string")
        return MultiLineString([_line(line, f"{at}[{i}]") for i, line in enumerate(lines)])
    if kind == "Polygon":
        return _polygon(coords, at)
    # MultiPolygon
    polygons = _array(coords, at, "a multi polygon")
    return MultiPolygon([_polygon(p, f"{at}[{i}]") for i, p in enumerate(polygons)])


def parse_geojson_geometry(obj: dict[str, Any]) -> BaseGeometry:
    """Parse a GeoJSON geometry object strictly (RFC 7946, WGS84) into a 2D shapely geometry.

    Raises ``GeometryError`` naming the offending part. Validity (self-intersection and the like)
    is not checked here; see ``polygonal``.
    """
    return _build(obj, "geometry", 0)


# --------------------------------------------------------------------------------------------
# Polygon validity and repair


def _polygon_parts(geom: BaseGeometry) -> Iterator[Polygon]:
    """Non-empty polygons with area inside any (possibly nested) collection."""
    if isinstance(geom, Polygon):
        if not geom.is_empty and geom.area > 0:
            yield geom
    elif isinstance(geom, MultiPolygon | GeometryCollection):
        for part in geom.geoms:
            yield from _polygon_parts(part)


def polygonal(geom: BaseGeometry, *, repair: bool) -> tuple[MultiPolygon, str | None]:
    """Return ``geom`` as a valid MultiPolygon and a note (``None`` unless it was repaired).

    Invalid input raises ``GeometryError`` with GEOS's explanation (``"Self-intersection[x y]"``)
    unless ``repair`` is set, in which case ``shapely.make_valid`` fixes it and only the polygonal
    parts are kept (lines and points that the repair may produce are dropped).
    """
    if not isinstance(geom, Polygon | MultiPolygon):
        raise GeometryError(f"expected Polygon or MultiPolygon, got {geom.geom_type}")
    if geom.is_empty:
        raise GeometryError(f"empty {geom.geom_type} is not accepted")
    if geom.is_valid:
        return (MultiPolygon([geom]) if isinstance(geom, Polygon) else geom), None

    reason = explain_validity(geom)
    if not repair:
        raise GeometryError(f"invalid {geom.geom_type}: {reason}")
    parts = list(_polygon_parts(shapely.make_valid(geom)))
    if not parts:
        raise GeometryError(f"invalid {geom.geom_type} ({reason}) cannot be repaired: no area left")
    result = MultiPolygon(parts)
    if not result.is_valid:
        # Parts pulled out of a collection may touch or overlap; a union merges them cleanly.
        result = MultiPolygon(list(_polygon_parts(shapely.unary_union(parts))))
    return result, f"repaired: {reason}"


def close_open_rings(obj: Any) -> tuple[Any, list[str]]:
    """A Polygon/MultiPolygon object whose rings are closed, and a note per ring that was not.

    For importing others' files only: the API's own parser keeps refusing open rings. A ring is
    closed only when it has 3 positions or more (else the parser refuses it, naming it)."""
    if not isinstance(obj, dict) or obj.get("type") not in ("Polygon", "MultiPolygon"):
        return obj, []
    notes: list[str] = []

    def fix(rings: Any, where: str) -> Any:
        if not isinstance(rings, list):
            return rings
        out = []
        for i, ring in enumerate(rings):
            if isinstance(ring, list) and len(ring) >= 3 and ring[0] != ring[-1]:
                ring = [*ring, ring[0]]
                notes.append(f"ring {where}[{i}] was not closed: closed it")
            out.append(ring)
        return out

    coords = obj.get("coordinates")
    if obj["type"] == "Polygon":
        coords = fix(coords, "coordinates")
    elif isinstance(coords, list):
        coords = [fix(p, f"coordinates[{i}]") for i, p in enumerate(coords)]
    return {**obj, "coordinates": coords}, notes


def rewind(geom: MultiPolygon) -> tuple[MultiPolygon, str | None]:
    """RFC 7946 winding (outer rings counter-clockwise, holes clockwise) and a note if changed."""
    wound = MultiPolygon([orient(p, 1.0) for p in geom.geoms])
    if all(
        a.exterior.coords[:] == b.exterior.coords[:]
        and all(x.coords[:] == y.coords[:] for x, y in zip(a.interiors, b.interiors, strict=True))
        for a, b in zip(geom.geoms, wound.geoms, strict=True)
    ):
        return geom, None
    return wound, "wrong winding order (RFC 7946: outer rings counter-clockwise): rewound"


# --------------------------------------------------------------------------------------------
# Output


def _listify(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_listify(v) for v in value]
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, _GEOJSON_DECIMALS)
    return value


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON geometry dict with JSON-friendly lists and coordinates rounded to 7 decimals."""
    result: dict[str, Any] = _listify(mapping(geom))
    return result


# --------------------------------------------------------------------------------------------
# Bounding boxes


def bbox_polygon(min_lng: float, min_lat: float, max_lng: float, max_lat: float) -> Polygon:
    """Rectangle for a WGS84 bounding box; antimeridian-crossing boxes are not supported."""
    values = {"minLng": min_lng, "minLat": min_lat, "maxLng": max_lng, "maxLat": max_lat}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise GeometryError(f"bbox {name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise GeometryError(f"bbox {name} must be a finite number, got {value!r}")
    for name in ("minLng", "maxLng"):
        if not -180.0 <= values[name] <= 180.0:
            raise GeometryError(f"bbox {name} {values[name]} is outside [-180, 180]")
    for name in ("minLat", "maxLat"):
        if not -90.0 <= values[name] <= 90.0:
            raise GeometryError(f"bbox {name} {values[name]} is outside [-90, 90]")
    if not min_lng < max_lng:
        raise GeometryError(f"bbox minLng {min_lng} must be less than maxLng {max_lng}")
    if not min_lat < max_lat:
        raise GeometryError(f"bbox minLat {min_lat} must be less than maxLat {max_lat}")
    return box(float(min_lng), float(min_lat), float(max_lng), float(max_lat))


def parse_bbox(text: str) -> Polygon:
    """Parse ``"minLng,minLat,maxLng,maxLat"`` (a query argument) into a rectangle."""
    if not isinstance(text, str):
        raise GeometryError(f"bbox must be a string, got {type(text).__name__}")
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise GeometryError(f"bbox must be 'minLng,minLat,maxLng,maxLat', got {text!r}")
    numbers: list[float] = []
    for part in parts:
        try:
            numbers.append(float(part))
        except ValueError:
            raise GeometryError(f"bbox value {part!r} is not a number") from None
    return bbox_polygon(*numbers)
