"""The short form of bench/load_faults.py: 35 s of load on real gunicorn + PostGIS while
PostgreSQL restarts and a worker is killed. Nothing acknowledged may be lost or doubled, and
the outage may only show as 503 with Retry-After (or a dropped connection, for the killed
worker), never as 500."""

from __future__ import annotations

from bench.load_faults import run


def test_acknowledged_writes_survive_a_database_restart_and_a_killed_worker():
    report = run(duration=35, clients=6, workers=3)
    print("\n".join(report.lines()))

    assert report.unexpected == []
    assert report.acknowledged["inspections"] > 10
    assert report.acknowledged["photos"] > 10
    assert report.acknowledged["transitions"] > 0
    assert report.lost == []
    assert report.duplicates == []
    assert report.resends > 0 and report.resend_failures == []
    assert report.bad_5xx == 0  # every 5xx was a 503 that said when to come back
    # The restart was seen by clients (a 503 or a broken connection they retried) ...
    assert report.unavailable_503 + report.connection_errors > 0
    assert report.retries > 0
    # ... and the service recovered: writes were acknowledged after the last fault.
    assert report.ok_after_faults > 0
