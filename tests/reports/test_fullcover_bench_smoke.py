"""bench/fullcover.py in quick mode on a fresh PostGIS database, so the bench never rots."""

import pytest

from bench import fullcover


@pytest.mark.postgis_only
def test_fullcover_bench_runs_in_quick_mode(database_url, request):
    url = request.getfixturevalue("pg_cluster").create_database("wuhao_bench_fullcover_smoke")
    figures = fullcover.run(url, quick=True, runs=2)
    assert figures["estates"] >= fullcover.QUICK["estates"]
    assert figures["months"] > 90  # 2018-12 .. 2026-12
    assert figures["calls"]["progress by district"]["p95_ms"] > 0
    assert "GET /api/reports/fullcover (street)" in fullcover.report(figures)
