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
    # Enough happened to mean something, even on a slow shared machine.
    assert report.acknowledged["inspections"] >= 3 and report.acknowledged["photos"] >= 3
    assert report.acknowledged["transitions"] >= 1
    assert report.lost == []
    assert report.duplicates == []
    assert report.resends > 0 and report.resend_failures == []
    assert report.bad_5xx == 0  # every 5xx was a 503 that said when to come back
    # Clients saw the restart (503s or dropped connections, which they retried), or it was too
    # quick to catch any request in flight; either way writes were acknowledged after it and
    # after the killed worker: the service recovered by itself.
    if report.restart_seen:
        assert report.retries > 0
    assert report.ok_after_restart > 0
    assert report.ok_after_faults > 0
