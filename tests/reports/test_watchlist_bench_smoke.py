"""bench/watchlist.py in quick mode on a fresh PostGIS database, so the bench never rots."""

import pytest

from bench import watchlist


@pytest.mark.postgis_only
def test_watchlist_bench_runs_in_quick_mode(database_url, request):
    url = request.getfixturevalue("pg_cluster").create_database("wuhao_bench_watchlist_smoke")
    figures = watchlist.run(url, quick=True, runs=1)
    assert figures["estates"] >= watchlist.QUICK["estates"] and figures["listed"] > 0
    assert figures["calls"]["ranked (city)"]["p95_ms"] > 0
    assert "GET /api/rankings (street)" in watchlist.report(figures)
