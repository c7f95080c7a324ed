"""Ticket write latency with concurrent writers in one street, on PostGIS: every writer changes
open tickets of the same street (so the same level-8 map cells), each change its own transaction
(ORM: a severity and due-time change, then commit), the way requests do.

    .venv/bin/python bench/ticket_writes.py [--writers 8] [--writes 40] [--quick]

Uses DATABASE_URL (an empty PostGIS database) if set, else a throwaway cluster. Prints p50/p95
of one write (change + commit) and the failed writes by error (two writers picking one ticket
is a StaleDataError by the ticket's version: expected; a deadlock is not).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed_city  # noqa: E402
from bench.map_query import _percentiles, prepared_app  # noqa: E402


def _street_tickets(code: str) -> list[int]:
    from backend.database import db
    from backend.places.models import Estate, Street
    from backend.tickets.models import OPEN_STATES, Ticket

    return list(
        db.session.scalars(
            sa.select(Ticket.id)
            .join(Estate, Estate.id == Ticket.estate_id)
            .join(Street, Street.id == Estate.street_id)
            .where(Street.code == code, Ticket.state.in_(sorted(OPEN_STATES)))
        )
    )


def run(database_url: str, writers: int, writes: int, quick: bool) -> dict[str, float]:
    from backend.database import db
    from backend.tickets.models import Ticket

    app = prepared_app(database_url)
    with app.app_context():
        seed_city.seed_places(150 if quick else 3000, 8 if quick else 60)
        db.session.commit()
        tickets = 20_000 if quick else 1_000_000
        seed_city.reseed_tickets(tickets, tickets // 10)
        db.session.commit()
        ids = _street_tickets("210202001")
        db.session.remove()
    samples: list[float] = []
    failures: list[str] = []
    start = threading.Barrier(writers)

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        with app.app_context():
            start.wait()
            for _ in range(writes):
                began = time.perf_counter()
                try:
                    ticket = db.session.get(Ticket, rng.choice(ids))
                    ticket.severity = rng.choice(("minor", "major", "urgent"))
                    ticket.due_at = ticket.due_at + timedelta(minutes=rng.randint(-90, 90))
                    db.session.commit()
                    samples.append((time.perf_counter() - began) * 1000)
                except Exception as error:  # a figure, not a test: count and go on
                    failures.append(type(error).__name__)
                    db.session.rollback()
            db.session.remove()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    p50, p95 = _percentiles(samples)
    return {"p50": p50, "p95": p95, "writes": len(samples), "failed": len(failures),
            "street_tickets": len(ids), "errors": sorted(set(failures))}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--writes", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="a small city")
    args = parser.parse_args()
    url, cluster = os.environ.get("DATABASE_URL"), None
    if not url:
        from tests.pg_cluster import start_cluster

        cluster = start_cluster(port=55462)
        url = cluster.create_database("wuhao_bench")
    try:
        f = run(url, args.writers, args.writes, args.quick)
        print(f"{args.writers} writers in one street ({f['street_tickets']} open tickets): "
              f"write p50 {f['p50']:.2f} ms, p95 {f['p95']:.2f} ms; {f['writes']} writes, "
              f"{f['failed']} failed {f['errors']}")  # fmt: skip
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
