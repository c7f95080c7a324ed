"""考评 for the whole city for one quarter on PostGIS: 5,000 estates with contracts, owner
answers, the three assessments and 200,000 tickets; the service call alone and GET /api/kaoping
through the HTTP stack (admin), p50/p95. The target: under 2 s.

    .venv/bin/python bench/kaoping.py [--quick] [--runs 10]

Uses DATABASE_URL (an empty PostGIS database) if set, else a throwaway cluster
(tests/pg_cluster.py). Estates and tickets from bench/seed_city.py (tickets over the last two
years, 10 % open); every estate a contract with one of 40 firms; 8–20 owner answers per estate in
the quarter (a tenth of the estates below the survey's minimum of 10); each assessment kind given
for 80 % of the estates. No inspections are seeded: the latest-score query runs but finds none.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness, seed_city  # noqa: E402
from bench.map_query import prepared_app  # noqa: E402

FULL = {"estates": 5000, "tickets": 200_000, "runs": 10}
QUICK = {"estates": 100, "tickets": 2_000, "runs": 3}
ON = date(2026, 12, 4)
FIRST = date(2026, 10, 1)

DATA = [
    "SELECT setseed(0.3)",
    """INSERT INTO service_contracts (estate_id, firm_id, start_date, end_date)
       SELECT e.id, f.id, date '2020-01-01', NULL FROM estates e
       JOIN LATERAL (SELECT id FROM organisations WHERE name LIKE '城市物业%'
                     ORDER BY id OFFSET (e.id % 40) LIMIT 1) f ON true
       WHERE e.code LIKE 'C%'""",
    """INSERT INTO survey_answers (survey_id, version_id, estate_id, period_start, household,
           device_hash, network, ratings, comment, created_at)
       SELECT v.survey_id, v.id, e.id, :first, '1-1-' || (100 + n), md5(e.id || '-' || n),
              '10.0.0.0/24',
              json_build_object('sanitation', 1 + (random() * 4)::int,
                                'order', 1 + (random() * 4)::int,
                                'facilities', 1 + (random() * 4)::int,
                                'garbage', 1 + (random() * 4)::int,
                                'property', 1 + (random() * 4)::int,
                                'overall', 1 + (random() * 4)::int),
              '', now()
       FROM estates e
       CROSS JOIN (SELECT id, survey_id FROM survey_versions WHERE status = 'active') v
       CROSS JOIN LATERAL generate_series(1, CASE WHEN e.id % 10 = 0 THEN 8
                                                  ELSE 10 + e.id % 11 END) n""",
    """INSERT INTO assessments (estate_id, period_start, kind, version_id, ratings, comment,
           submitted_by_id, submitted_at, first_submitted_by_id, first_submitted_at)
       SELECT e.id, :first, f.kind, v.id,
              (SELECT json_object_agg(item->>'key', ((item->>'points')::int * 0.7)::int)
               FROM json_array_elements(v.definition->'items') item),
              '', (SELECT id FROM users WHERE username = 'admin'), now(),
              (SELECT id FROM users WHERE username = 'admin'), now()
       FROM estates e
       CROSS JOIN assessment_forms f
       JOIN assessment_form_versions v ON v.form_id = f.id AND v.status = 'active'
       WHERE random() < 0.8""",
    "ANALYZE service_contracts",
    "ANALYZE survey_answers",
    "ANALYZE assessments",
]


def _forms() -> None:
    from backend.kaoping import definition, services
    from backend.surveys import definition as survey_definition
    from backend.surveys import services as surveys

    survey = ROOT / "surveys" / "owner-satisfaction.yaml"
    surveys.import_definition(survey_definition.load(survey), survey.name)
    for path in sorted((ROOT / "assessments").glob("*.yaml")):
        services.import_definition(definition.load(path), path.name)


def run(database_url: str, quick: bool = False, runs: int | None = None) -> dict[str, Any]:
    from backend.database import db
    from backend.kaoping import results
    from backend.places.scope import Scope

    size = QUICK if quick else FULL
    runs = runs or size["runs"]
    app = prepared_app(database_url)
    figures: dict[str, Any] = {"runs": runs}
    with app.app_context():
        start = time.perf_counter()
        _forms()
        seed_city.seed_places(size["estates"], 40)
        for statement in DATA:
            db.session.execute(
                sa.text(statement), {"first": FIRST} if ":first" in statement else {}
            )
        db.session.commit()
        seed_city.reseed_tickets(size["tickets"], size["tickets"] // 10)
        figures["seed_s"] = time.perf_counter() - start
        counts = db.session.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM estates), (SELECT count(*) FROM survey_answers),"
                " (SELECT count(*) FROM assessments), (SELECT count(*) FROM tickets)"
            )
        ).one()
        figures["estates"], figures["answers"], figures["assessments"], figures["tickets"] = counts
        sample = results.kaoping(None, Scope.all(), ON)
        figures["graded"] = sum(1 for row in sample["estates"] if row["grade"])
        figures["firms"] = len(sample["firms"])
        figures["calls"] = {
            "kaoping (city)": harness.timed(lambda: results.kaoping(None, Scope.all(), ON), runs)
        }
        db.session.remove()
        client = app.test_client()
        login = client.post("/api/auth/login", json={"username": "admin", "password": "demo12345"})
        headers = {"Authorization": f"Bearer {login.json['token']}"}

        def call() -> None:
            answer = client.get(f"/api/kaoping?period={ON}", headers=headers)
            assert answer.status_code == 200, answer.json

        figures["http"] = {"GET /api/kaoping (city)": harness.timed(call, runs)}
    return figures


def report(f: dict[str, Any]) -> str:
    lines = [
        f"{f['estates']:,} estates, {f['answers']:,} owner answers, {f['assessments']:,} "
        f"assessments, {f['tickets']:,} tickets (seeded in {f['seed_s']:.1f} s); "
        f"{f['graded']:,} estates graded, {f['firms']} firms",
    ]
    return "\n".join([*lines, *harness.timing_lines(f)])


if __name__ == "__main__":
    harness.main(__doc__, run, report, "wuhao_bench_kaoping", port=55473)
