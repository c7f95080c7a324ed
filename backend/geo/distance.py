"""Distances in metres on a local flat projection: accurate to well under 1 % within a few km,
which is all evidence checks need (is the inspector inside the estate, is the photo near)."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LNG_EQUATOR = 111_320.0


def _projector(lat0: float, lng0: float):
    scale = np.array([_M_PER_DEG_LNG_EQUATOR * math.cos(math.radians(lat0)), _M_PER_DEG_LAT])
    origin = np.array([lng0, lat0])
    return lambda coords: (coords - origin) * scale


def distance_m(lat: float, lng: float, geometry: BaseGeometry) -> float:
    """Metres from (lat, lng) to a WGS84 geometry; 0 inside a polygon."""
    project = _projector(lat, lng)
    return shapely.transform(Point(lng, lat), project).distance(
        shapely.transform(geometry, project)
    )


def points_distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two (lat, lng) points."""
    return distance_m(a[0], a[1], Point(b[1], b[0]))
