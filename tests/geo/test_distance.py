import pytest
from shapely.geometry import box

from backend.geo.distance import distance_m, points_distance_m


def test_point_distances_match_known_lengths():
    # One thousandth of a degree of latitude is ~110.6 m; of longitude at Dalian ~86.7 m.
    assert points_distance_m((38.914, 121.616), (38.915, 121.616)) == pytest.approx(110.6, abs=0.5)
    assert points_distance_m((38.914, 121.616), (38.914, 121.617)) == pytest.approx(86.7, abs=0.5)


def test_distance_to_a_polygon_is_zero_inside_and_metric_outside():
    estate = box(121.616, 38.914, 121.618, 38.916)
    assert distance_m(38.915, 121.617, estate) == 0
    assert distance_m(38.917, 121.617, estate) == pytest.approx(110.6, abs=0.5)
