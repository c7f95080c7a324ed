"""Names for the supervisor's map when no base map is configured: districts at low zoom, streets
in the middle, estates close up, each at a point inside its outline. Capped, so a phone places a
few dozen small HTML labels at most (MapLibre text layers would need glyph files from outside)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry.base import BaseGeometry

from backend.database import db
from backend.geo.coordinates import from_wgs84
from backend.geo.geometry import to_geojson
from backend.places import services as places
from backend.places.models import District, Estate, Street
from backend.places.scope import Scope

STREETS_FROM_ZOOM = 12
ESTATES_FROM_ZOOM = 15
MAX_LABELS = 40


def label_kind(zoom: int) -> str:
    if zoom >= ESTATES_FROM_ZOOM:
        return "estate"
    return "street" if zoom >= STREETS_FROM_ZOOM else "district"


def label_features(scope: Scope, bbox: BaseGeometry, zoom: int, crs: str) -> dict[str, Any]:
    """The names of the places of one kind (by zoom) whose label point lies in the bbox, the
    largest first, at most MAX_LABELS."""
    kind = label_kind(zoom)
    envelope = from_shape(bbox, srid=4326)
    model: Any = {"district": District, "street": Street, "estate": Estate}[kind]
    query = sa.select(model.id, model.name, model.boundary).where(
        model.boundary.is_not(None), model.boundary.ST_Intersects(envelope)
    )
    if kind == "estate":
        query = query.where(places.estate_visibility(scope))
    found = []
    for place_id, name, boundary in db.session.execute(query):
        shape = to_shape(boundary)
        point = shape.representative_point()  # inside the outline, unlike a centroid
        if bbox.contains(point):
            found.append((shape.area, place_id, name, point))
    found.sort(key=lambda item: (-item[0], item[1]))
    features = [
        {
            "type": "Feature",
            "geometry": to_geojson(from_wgs84(point, crs)),
            "properties": {"kind": kind, "id": place_id, "name": name},
        }
        for _area, place_id, name, point in found[:MAX_LABELS]
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"kind": kind, "truncated": len(found) > MAX_LABELS},
    }
