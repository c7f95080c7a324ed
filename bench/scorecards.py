"""Scorecards at city scale: every unit's scorecard over the trailing year, the per-ticket Python
version (tests/reports/scorecards_before.py, the code before grouped SQL, with the day-by-day
working-hours walk) against the grouped SQL one (backend/scorecards/services.py), in the same
process on the same data, on SpatiaLite and on PostGIS.

    .venv/bin/python bench/scorecards.py [--tickets 200000] [--legs spatialite,postgis]
        [--runs 3]

Data: the demo world plus random tickets dispatched over the last 400 days across all its
responsible units, with their trail events and photos, and inspections
(tests/reports/ticket_sets.py). Uses a throwaway SpatiaLite file and a throwaway PostgreSQL
cluster (tests/pg_cluster.py). Prints seconds (best of --runs for the new version, one run of
the old) and the ratio; checks both give the same rows.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.map_query import prepared_app  # noqa: E402

KINDS = ("firms", "streets", "districts", "estates")


def _calls(module: Any, period: Any, scope: Any) -> dict[str, Callable[[], list[dict]]]:
    return {
        "firms": lambda: module.firm_scorecards(period, scope),
        "streets": lambda: module.area_scorecards("street", period, scope),
        "districts": lambda: module.area_scorecards("district", period, scope),
        "estates": lambda: module.estate_scorecards(period, scope),
    }


def _seconds(call: Callable[[], Any], runs: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        began = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - began)
    return best, result


def run_leg(database_url: str, tickets: int, runs: int) -> dict[str, Any]:
    import sqlalchemy as sa

    from backend import clock
    from backend.clock import utcnow
    from backend.database import db
    from backend.places.scope import Scope
    from backend.reports import periods
    from backend.scorecards import services as scorecards
    from backend.tickets.models import Ticket
    from tests.reports import scorecards_before
    from tests.reports.ticket_sets import add_inspections, add_tickets

    app = prepared_app(database_url)
    figures: dict[str, Any] = {}
    with app.app_context():
        began = time.perf_counter()
        rng, now = random.Random(2026), utcnow()
        add_tickets(rng, tickets, now - timedelta(days=400), now + timedelta(days=10))
        add_inspections(rng, 12, now - timedelta(days=400), now)
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))  # both databases: plan on the real sizes
        db.session.commit()
        figures["seed_s"] = time.perf_counter() - began
        figures["firms_n"] = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Ticket.responsible_org_id)))
        )
        clock.freeze(utcnow())  # both versions see the same "now" (overdue, periods)
        period, scope = periods.trailing_year(), Scope.all()
        old_calls = _calls(scorecards_before, period, scope)
        new_calls = _calls(scorecards, period, scope)
        for kind in KINDS:
            new_s, new_rows = _seconds(new_calls[kind], runs)
            old_s, old_rows = _seconds(old_calls[kind], 1)
            figures[kind] = {"old_s": old_s, "new_s": new_s, "same": old_rows == new_rows,
                             "rows": len(new_rows)}  # fmt: skip
        clock.freeze(None)
        db.session.remove()
        db.engine.dispose()
    return figures


def report(leg: str, tickets: int, figures: dict[str, Any]) -> str:
    lines = [f"{leg}: {tickets:,} tickets over ~400 days, {figures['firms_n']} responsible units "
             f"(seeded in {figures['seed_s']:.1f} s); trailing year, whole city"]  # fmt: skip
    for kind in KINDS:
        f = figures[kind]
        lines.append(
            f"  {kind:9} {f['rows']:4} rows: before {f['old_s']:7.2f} s, now {f['new_s']:6.3f} s,"
            f" {f['old_s'] / f['new_s']:6.1f}x faster; same rows: {f['same']}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--legs", default="spatialite,postgis")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for leg in args.legs.split(","):
        if leg == "spatialite":
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{folder}/bench.sqlite"
                print(report(leg, args.tickets, run_leg(url, args.tickets, args.runs)), flush=True)
        elif leg == "postgis":
            from tests.pg_cluster import start_cluster

            cluster = start_cluster(port=55463)
            try:
                url = cluster.create_database("wuhao_bench_scorecards")
                print(report(leg, args.tickets, run_leg(url, args.tickets, args.runs)), flush=True)
            finally:
                cluster.stop()
        else:
            raise SystemExit(f"unknown leg {leg!r}")


if __name__ == "__main__":
    main()
