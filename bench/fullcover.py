"""物业管理全覆盖 at city scale on PostGIS: 5,000 estates with built years and a history of
contracts and custody, then the figures per district and per street for the whole city (admin)
from the baseline to today (~8 years of month ends), and the list of estates still unmanaged:
the service call alone and /api/reports/fullcover through the HTTP stack, p50/p95.

    .venv/bin/python bench/fullcover.py [--quick] [--runs 20]

Uses DATABASE_URL (an empty PostGIS database) if set, else a throwaway cluster
(tests/pg_cluster.py). Estates from bench/seed_city.py; history written in SQL: built 1970–2020
(5% unknown), 60% with a first contract from 2012–2022 of which 30% ended, half of those followed
by a second; 15% of the rest in custody (state takeover, charitable, self-managed or street
custody) from 2015–2024. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness, seed_city  # noqa: E402
from bench.map_query import prepared_app  # noqa: E402

FULL = {"estates": 5000, "runs": 20}
QUICK = {"estates": 100, "runs": 3}
ON = date(2026, 12, 4)

HISTORY = [
    "SELECT setseed(0.2)",
    """UPDATE estates SET built_year = CASE WHEN random() < 0.05 THEN NULL
                                       ELSE 1970 + (random() * 50)::int END
       WHERE code LIKE 'C%'""",
    """INSERT INTO service_contracts (estate_id, firm_id, start_date, end_date)
       SELECT e.id, f.id, s.start,
              CASE WHEN random() < 0.3 THEN s.start + (200 + random() * 1500)::int END
       FROM estates e
       CROSS JOIN LATERAL (SELECT date '2012-01-01' + (random() * 3900)::int AS start) s
       JOIN LATERAL (SELECT id FROM organisations WHERE name LIKE '城市物业%'
                     ORDER BY id OFFSET (e.id % 40) LIMIT 1) f ON true
       WHERE e.code LIKE 'C%' AND random() < 0.6""",
    """INSERT INTO service_contracts (estate_id, firm_id, start_date, end_date)
       SELECT c.estate_id, c.firm_id, c.end_date + (1 + random() * 400)::int, NULL
       FROM service_contracts c JOIN estates e ON e.id = c.estate_id
       WHERE e.code LIKE 'C%' AND c.end_date IS NOT NULL AND random() < 0.5""",
    """INSERT INTO custodial_arrangements (estate_id, custodian_id, mode, start_date, end_date)
       SELECT e.id, (SELECT min(id) FROM organisations WHERE name LIKE '城市物业%'),
              (ARRAY['state_takeover', 'charitable_custody', 'self_managed',
                     'street_custody'])[1 + (random() * 3)::int],
              date '2015-01-01' + (random() * 3600)::int, NULL
       FROM estates e
       WHERE e.code LIKE 'C%' AND random() < 0.15
         AND NOT EXISTS (SELECT 1 FROM service_contracts c WHERE c.estate_id = e.id)""",
    "ANALYZE estates",
    "ANALYZE service_contracts",
    "ANALYZE custodial_arrangements",
]


def run(database_url: str, quick: bool = False, runs: int | None = None) -> dict[str, Any]:
    from backend.database import db
    from backend.fullcover import services
    from backend.places.scope import Scope

    size = QUICK if quick else FULL
    runs = runs or size["runs"]
    app = prepared_app(database_url)
    figures: dict[str, Any] = {"runs": runs}
    with app.app_context():
        start = time.perf_counter()
        seed_city.seed_places(size["estates"], 40)
        for statement in HISTORY:
            db.session.execute(sa.text(statement))
        db.session.commit()
        figures["seed_s"] = time.perf_counter() - start
        count = db.session.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM estates), (SELECT count(*) FROM service_contracts),"
                " (SELECT count(*) FROM custodial_arrangements)"
            )
        ).one()
        figures["estates"], figures["contracts"], figures["custody"] = count
        city = Scope.all()
        sample = services.progress("district", ON, None, "old", city)
        figures["months"] = len(sample["months"])
        figures["formerly_unmanaged"] = sample["total"]["formerly_unmanaged"]
        figures["share"] = sample["total"]["share"]
        figures["calls"] = {
            "progress by district": harness.timed(
                lambda: services.progress("district", ON, None, "old", city), runs
            ),
            "progress by street": harness.timed(
                lambda: services.progress("street", ON, None, "all", city), runs
            ),
            "still unmanaged": harness.timed(
                lambda: services.still_unmanaged(ON, "old", city), runs
            ),
        }
        db.session.remove()
        client = app.test_client()
        login = client.post("/api/auth/login", json={"username": "admin", "password": "demo12345"})
        headers = {"Authorization": f"Bearer {login.json['token']}"}

        def http(path: str) -> Callable[[], Any]:
            def call() -> None:
                answer = client.get(path, headers=headers)
                assert answer.status_code == 200, answer.json

            return call

        figures["http"] = {
            "GET /api/reports/fullcover (district)": harness.timed(
                http(f"/api/reports/fullcover?on={ON}"), runs
            ),
            "GET /api/reports/fullcover (street)": harness.timed(
                http(f"/api/reports/fullcover?on={ON}&group=street"), runs
            ),
        }
    return figures


def report(f: dict[str, Any]) -> str:
    lines = [
        f"{f['estates']:,} estates, {f['contracts']:,} contracts, {f['custody']:,} custody rows "
        f"(seeded in {f['seed_s']:.1f} s); {f['months']} month ends; "
        f"{f['formerly_unmanaged']:,} formerly unmanaged old estates, share {f['share']:.3f}",
    ]
    return "\n".join([*lines, *harness.timing_lines(f)])


if __name__ == "__main__":
    harness.main(__doc__, run, report, "wuhao_bench_fullcover", port=55471)
