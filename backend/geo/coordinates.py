"""WGS84 <-> GCJ-02 conversion (and BD-09 in, for imported files).

The database stores WGS84 (EPSG:4326). GCJ-02 is the obfuscated datum used by AMap and by many
Chinese boundary data sets; it is WGS84 shifted by a published formula on the Krasovsky ellipsoid,
with no shift outside China. Functions here take and return ``(lat, lng)`` pairs, while shapely and
GeoJSON use ``(x=lng, y=lat)``; ``transform_geometry`` is the only place that swaps the order.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

__all__ = [
    "INPUT_CRS",
    "SUPPORTED_CRS",
    "UnknownCRSError",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "normalize_crs",
    "out_of_china",
    "to_wgs84",
    "transform_geometry",
    "wgs84_to_gcj02",
]

SUPPORTED_CRS: tuple[str, ...] = ("wgs84", "gcj02")
# What a file may come in: BD-09 (Baidu's further offset of GCJ-02) is read, never served.
INPUT_CRS: tuple[str, ...] = (*SUPPORTED_CRS, "bd09")

# Krasovsky 1940 ellipsoid, as fixed by the published GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323

# The conventional rectangle in which the shift applies (the formula's own definition of "China").
_MIN_LNG, _MAX_LNG = 72.004, 137.8347
_MIN_LAT, _MAX_LAT = 0.8293, 55.8271

# The inverse is a fixed-point iteration; each step shrinks the error by ~100x, so a handful of
# steps reach 1e-9 deg. The cap only protects against oscillation at the rectangle's edge.
_INVERSE_TOLERANCE = 1e-9
_INVERSE_MAX_ITERATIONS = 30

LatLngFn = Callable[[float, float], tuple[float, float]]


class UnknownCRSError(ValueError):
    """Raised for a coordinate reference system name other than those in ``SUPPORTED_CRS``."""

    def __init__(self, crs: object, allowed: tuple[str, ...] = SUPPORTED_CRS) -> None:
        self.crs = crs
        supported = ", ".join(allowed)
        super().__init__(f"unknown coordinate system {crs!r}; supported: {supported}")


def normalize_crs(crs: str, allowed: tuple[str, ...] = SUPPORTED_CRS) -> str:
    """Return the canonical CRS name (case and surrounding blanks ignored) or raise."""
    if not isinstance(crs, str):
        raise UnknownCRSError(crs, allowed)
    name = crs.strip().lower()
    if name not in allowed:
        raise UnknownCRSError(crs, allowed)
    return name


def out_of_china(lat: float, lng: float) -> bool:
    """True where GCJ-02 applies no shift (outside the formula's bounding rectangle)."""
    return not (_MIN_LNG <= lng <= _MAX_LNG and _MIN_LAT <= lat <= _MAX_LAT)


def _shift_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _delta(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 minus WGS84 at a WGS84 point, in degrees (lat, lng)."""
    dlat = _shift_lat(lng - 105.0, lat - 35.0)
    dlng = _shift_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """Convert a WGS84 ``(lat, lng)`` to GCJ-02; points outside China are returned unchanged."""
    if out_of_china(lat, lng):
        return lat, lng
    dlat, dlng = _delta(lat, lng)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Convert a GCJ-02 ``(lat, lng)`` back to WGS84 by iterating the forward formula.

    The common one-step inverse is off by up to a couple of metres; iterating makes the round trip
    exact to ~1e-9 deg. Points outside China are returned unchanged.
    """
    if out_of_china(lat, lng):
        return lat, lng
    w_lat, w_lng = lat, lng
    for _ in range(_INVERSE_MAX_ITERATIONS):
        g_lat, g_lng = wgs84_to_gcj02(w_lat, w_lng)
        err_lat, err_lng = g_lat - lat, g_lng - lng
        w_lat -= err_lat
        w_lng -= err_lng
        if abs(err_lat) < _INVERSE_TOLERANCE and abs(err_lng) < _INVERSE_TOLERANCE:
            break
    return w_lat, w_lng


def transform_geometry(geom: BaseGeometry, fn: LatLngFn) -> BaseGeometry:
    """Apply a ``(lat, lng) -> (lat, lng)`` function to every coordinate of ``geom``.

    Shapely stores ``(x=lng, y=lat)``; the swap happens here so callers never think about it.
    A Z value, if present, is kept.
    """

    def apply(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.array(coords, dtype=float, copy=True)
        for row in out:
            lat, lng = fn(float(row[1]), float(row[0]))
            row[0], row[1] = lng, lat
        return out

    # include_z=None keeps each geometry's own dimensionality (2D stays 2D, 3D keeps its Z).
    return shapely.transform(geom, apply, include_z=None)


# BD-09 is GCJ-02 turned and stretched by Baidu's published formula (its inverse is the usual one,
# good to ~1e-6 deg, well under a metre).
_X_PI = math.pi * 3000.0 / 180.0


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))


_TO_WGS84: dict[str, LatLngFn | None] = {
    "wgs84": None,
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS84: dict[str, LatLngFn | None] = {"wgs84": None, "gcj02": wgs84_to_gcj02}


def to_wgs84(geom: BaseGeometry, crs: str) -> BaseGeometry:
    """Convert ``geom`` given in ``crs`` (one of INPUT_CRS) to WGS84 (a no-op for ``"wgs84"``)."""
    fn = _TO_WGS84[normalize_crs(crs, INPUT_CRS)]
    return geom if fn is None else transform_geometry(geom, fn)


def from_wgs84(geom: BaseGeometry, crs: str) -> BaseGeometry:
    """Convert a WGS84 ``geom`` to ``crs`` (a no-op for ``"wgs84"``)."""
    fn = _FROM_WGS84[normalize_crs(crs)]
    return geom if fn is None else transform_geometry(geom, fn)
