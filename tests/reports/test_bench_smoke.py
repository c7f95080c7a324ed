"""bench/map_query.py in quick mode on a fresh PostGIS database, so the bench never rots."""

import pytest

from bench import map_query


@pytest.mark.postgis_only
def test_map_bench_runs_in_quick_mode(database_url, request):
    url = request.getfixturevalue("pg_cluster").create_database("wuhao_bench_smoke")
    figures = map_query.run(url, quick=True, runs=2)
    assert set(figures["growth"]) == set(map_query.QUICK["growth"])
    assert {"district z12", "street z16"} <= set(figures["views"])
    assert figures["scorecards_year"]["api_p50"] > 0
    assert "street z16" in map_query.report(figures)
