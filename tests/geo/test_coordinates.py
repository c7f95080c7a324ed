"""WGS84 <-> GCJ-02 conversion against the public test vectors (DOMAIN.md section 7)."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from backend.geo.coordinates import (
    INPUT_CRS,
    SUPPORTED_CRS,
    UnknownCRSError,
    bd09_to_gcj02,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    normalize_crs,
    out_of_china,
    to_wgs84,
    transform_geometry,
    wgs84_to_gcj02,
)

PUBLIC_VECTORS = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]
DALIAN_WGS = (38.914, 121.616)
DALIAN_GCJ = (38.914778, 121.620944)

OUTSIDE = {
    "tokyo": (35.6762, 139.6503),
    "london": (51.5074, -0.1278),
    "sydney": (-33.8688, 151.2093),
}


@pytest.mark.parametrize(("wgs", "gcj"), PUBLIC_VECTORS)
def test_public_vectors(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lat, lng = wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=1e-12)
    assert lng == pytest.approx(gcj[1], abs=1e-12)


def test_dalian_shift_is_about_440_m() -> None:
    lat, lng = wgs84_to_gcj02(*DALIAN_WGS)
    assert lat == pytest.approx(DALIAN_GCJ[0], abs=1e-5)
    assert lng == pytest.approx(DALIAN_GCJ[1], abs=1e-5)


@pytest.mark.parametrize(
    "gcj", [gcj for _, gcj in PUBLIC_VECTORS] + [DALIAN_GCJ, (22.5431, 114.0579), (45.75, 126.63)]
)
def test_gcj_to_wgs_round_trip(gcj: tuple[float, float]) -> None:
    wgs = gcj02_to_wgs84(*gcj)
    back = wgs84_to_gcj02(*wgs)
    assert back[0] == pytest.approx(gcj[0], abs=1e-7)
    assert back[1] == pytest.approx(gcj[1], abs=1e-7)


@pytest.mark.parametrize(("wgs", "gcj"), PUBLIC_VECTORS)
def test_inverse_recovers_public_wgs(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lat, lng = gcj02_to_wgs84(*gcj)
    assert lat == pytest.approx(wgs[0], abs=1e-7)
    assert lng == pytest.approx(wgs[1], abs=1e-7)


@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_outside_china_unchanged(name: str) -> None:
    point = OUTSIDE[name]
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def test_out_of_china_inside() -> None:
    assert not out_of_china(*DALIAN_WGS)
    assert not out_of_china(39.9, 116.4)


def test_transform_geometry_swaps_axes_for_the_function() -> None:
    seen: list[tuple[float, float]] = []

    def record(lat: float, lng: float) -> tuple[float, float]:
        seen.append((lat, lng))
        return lat + 1.0, lng + 2.0

    out = transform_geometry(Point(121.6, 38.9), record)
    assert seen == [(38.9, 121.6)]
    assert (out.x, out.y) == pytest.approx((123.6, 39.9))


def test_transform_geometry_keeps_structure() -> None:
    shell = [(121.60, 38.90), (121.61, 38.90), (121.61, 38.91), (121.60, 38.91), (121.60, 38.90)]
    hole = [(121.603, 38.903), (121.606, 38.903), (121.606, 38.906), (121.603, 38.903)]
    geom = MultiPolygon([Polygon(shell, [hole]), Polygon([(x + 0.05, y) for x, y in shell])])
    out = transform_geometry(geom, wgs84_to_gcj02)
    assert isinstance(out, MultiPolygon)
    assert len(out.geoms) == 2
    assert len(out.geoms[0].interiors) == 1
    x, y = out.geoms[0].exterior.coords[0]
    assert (y, x) == wgs84_to_gcj02(38.90, 121.60)


def test_to_and_from_wgs84_round_trip() -> None:
    line = LineString([(121.616, 38.914), (121.65, 38.92)])
    gcj = from_wgs84(line, "gcj02")
    assert gcj.coords[0] == pytest.approx((DALIAN_GCJ[1], DALIAN_GCJ[0]), abs=1e-5)
    back = to_wgs84(gcj, "gcj02")
    for (x0, y0), (x1, y1) in zip(line.coords, back.coords, strict=True):
        assert x1 == pytest.approx(x0, abs=1e-9)
        assert y1 == pytest.approx(y0, abs=1e-9)


def test_wgs84_is_identity() -> None:
    point = Point(121.616, 38.914)
    assert to_wgs84(point, "wgs84").equals(point)
    assert from_wgs84(point, "wgs84").equals(point)


def test_crs_names() -> None:
    assert SUPPORTED_CRS == ("wgs84", "gcj02")
    assert normalize_crs(" GCJ02 ") == "gcj02"


def test_bd09_is_read_but_never_served() -> None:
    """Baidu's BD-09 comes in files: read to WGS84 within a metre, never asked for out."""
    wgs = (38.9206, 121.6413)
    bd = gcj02_to_bd09(*wgs84_to_gcj02(*wgs))
    assert bd09_to_gcj02(*bd) == pytest.approx(wgs84_to_gcj02(*wgs), abs=1e-6)
    back = to_wgs84(Point(bd[1], bd[0]), "bd09")
    assert (back.y, back.x) == pytest.approx(wgs, abs=1e-5)
    assert abs(bd[0] - wgs[0]) > 0.003  # BD-09 is ~800 m off in Dalian: a shift worth undoing
    assert normalize_crs("BD09", INPUT_CRS) == "bd09"
    with pytest.raises(UnknownCRSError):
        from_wgs84(Point(121.6, 38.9), "bd09")


@pytest.mark.parametrize("crs", ["bd11", "epsg:3857", "", "gcj-02"])
def test_unknown_crs(crs: str) -> None:
    with pytest.raises(UnknownCRSError, match="unknown coordinate system") as info:
        to_wgs84(Point(121.6, 38.9), crs)
    assert isinstance(info.value, ValueError)
    assert "wgs84, gcj02" in str(info.value)  # (bd09 too when reading)
    with pytest.raises(UnknownCRSError):
        from_wgs84(Point(121.6, 38.9), crs)
