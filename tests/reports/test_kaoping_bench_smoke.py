"""bench/kaoping.py in quick mode on a fresh PostGIS database, so the bench never rots."""

import pytest

from bench import kaoping


@pytest.mark.postgis_only
def test_kaoping_bench_runs_in_quick_mode(database_url, request):
    url = request.getfixturevalue("pg_cluster").create_database("wuhao_bench_kaoping_smoke")
    figures = kaoping.run(url, quick=True, runs=2)
    assert figures["estates"] >= kaoping.QUICK["estates"]
    assert figures["graded"] > 0 and figures["firms"] > 0
    assert "GET /api/kaoping (city)" in kaoping.report(figures)
