"""bench/coverage.py in quick mode on a fresh PostGIS database, so the bench never rots."""

import pytest

from bench import coverage


@pytest.mark.postgis_only
def test_coverage_bench_runs_in_quick_mode(database_url, request):
    url = request.getfixturevalue("pg_cluster").create_database("wuhao_bench_coverage_smoke")
    figures = coverage.run(url, quick=True, runs=2)
    assert figures["plans"] == coverage.QUICK["estates"]
    assert figures["year_tasks"] > 50 * figures["plans"]  # weekly over a year
    assert figures["nightly_tasks"] > 0
    district = figures["reports"]["district month by grid"]
    assert district["due"] > 0 and district["p95_ms"] > 0
    assert "city year by grid" in coverage.report(figures)
    typical = figures["tasks_api"]["bench_inspector"]
    assert typical["tasks"] > 0 and typical["p95_ms"] > 0
    assert "/api/tasks bench_inspector" in coverage.report(figures)
