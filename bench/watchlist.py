"""集中整治 and 考核 at city scale on PostGIS: 5,000 estates, a quarter of tickets (complaints,
disputes, rework, overdue), inspections and owner answers, then the whole city's watch list and
the street and district rankings for 2026 Q4: the service calls alone and through the HTTP stack
(admin, the widest scope), p50/p95, plus one note written (which recomputes the list).

    .venv/bin/python bench/watchlist.py [--quick] [--runs 10]

Uses DATABASE_URL (an empty PostGIS database) if set, else a throwaway cluster
(tests/pg_cluster.py). Estates from bench/seed_city.py; tickets, trail events and inspections from
tests/reports/ticket_sets.py over the quarter (every ticket a resident's: source manual); 5% of
tickets disputed; twelve owner answers for 40% of the estates. Prints figures; asserts nothing.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness, seed_city  # noqa: E402
from bench.map_query import prepared_app  # noqa: E402

FULL = {"estates": 5000, "tickets": 60_000, "runs": 10}
QUICK = {"estates": 100, "tickets": 1_000, "runs": 2}
PERIOD = "2026Q4"

ANSWERS = """
INSERT INTO survey_answers (survey_id, version_id, estate_id, period_start, household,
                            device_hash, network, ratings, comment, created_at)
SELECT v.survey_id, v.id, e.id, date '2026-10-01', 'h-' || g, md5(e.id || '-' || g) || md5(g::text),
       '10.0.0.0/24',
       json_build_object('sanitation', r, 'order', r, 'facilities', r, 'garbage', r,
                         'property', r, 'overall', r),
       '', now()
FROM estates e
CROSS JOIN generate_series(1, 12) g
CROSS JOIN (SELECT id, survey_id FROM survey_versions WHERE status = 'active' LIMIT 1) v
CROSS JOIN LATERAL (SELECT 1 + (random() * 4)::int + 0 * e.id AS r) rr(r)
WHERE e.id % 5 < 2
"""
DISPUTES = """
INSERT INTO ticket_events (ticket_id, action, from_state, to_state, at, reason, data)
SELECT id, 'dispute', 'dispatched', 'disputed', dispatched_at + interval '2 hours', '不是我方', '{}'
FROM tickets WHERE id % 20 = 0
"""


def run(database_url: str, quick: bool = False, runs: int | None = None) -> dict[str, Any]:
    from backend.database import db
    from backend.places.scope import Scope
    from backend.surveys import definition as survey_definition
    from backend.surveys import services as surveys
    from backend.watchlist import ranking, services
    from backend.watchlist.periods import parse
    from tests.reports.ticket_sets import add_inspections, add_tickets

    size = QUICK if quick else FULL
    runs = runs or size["runs"]
    app = prepared_app(database_url)
    named = parse(PERIOD)
    assert named is not None
    figures: dict[str, Any] = {"runs": runs}
    with app.app_context():
        start = time.perf_counter()
        seed_city.seed_places(size["estates"], 40)
        survey = ROOT / "surveys" / "owner-satisfaction.yaml"
        surveys.import_definition(survey_definition.load(survey), survey.name)
        rng = random.Random(20)
        first, last = named.period.start, named.period.end
        add_tickets(rng, size["tickets"], first, min(last, datetime.now(first.tzinfo)))
        add_inspections(rng, 1, first, min(last, datetime.now(first.tzinfo)))
        db.session.execute(sa.text("SELECT setseed(0.3)"))
        db.session.execute(sa.text(ANSWERS))
        db.session.execute(sa.text(DISPUTES))
        for table in ("tickets", "ticket_events", "survey_answers", "inspections"):
            db.session.execute(sa.text(f"ANALYZE {table}"))
        db.session.commit()
        figures["seed_s"] = time.perf_counter() - start
        figures["estates"], figures["tickets"], figures["events"], figures["answers"] = (
            db.session.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM estates), (SELECT count(*) FROM tickets),"
                    " (SELECT count(*) FROM ticket_events), (SELECT count(*) FROM survey_answers)"
                )
            ).one()
        )
        city = Scope.all()
        figures["listed"] = len(services.ranked(named))
        figures["calls"] = {
            "ranked (city)": harness.timed(lambda: services.ranked(named), runs),
            "watchlist with notes (city)": harness.timed(
                lambda: services.watchlist(named, city), runs
            ),
            "ranking by street": harness.timed(
                lambda: ranking.ranking(named.period, "street"), runs
            ),
            "ranking by district": harness.timed(
                lambda: ranking.ranking(named.period, "district"), runs
            ),
        }
        db.session.remove()
        client = app.test_client()

        def token(username: str) -> dict[str, str]:
            answer = client.post(
                "/api/auth/login", json={"username": username, "password": "demo12345"}
            )
            return {"Authorization": f"Bearer {answer.json['token']}"}

        admin, supervisor = token("admin"), token("supervisor1")

        def http(path: str, headers: dict[str, str] = admin) -> Callable[[], Any]:
            def call() -> None:
                answer = client.get(path, headers=headers)
                assert answer.status_code == 200, answer.json

            return call

        mine = client.get(f"/api/watchlist?period={PERIOD}", headers=supervisor).json["estates"]
        figures["http"] = {
            "GET /api/watchlist (admin)": harness.timed(
                http(f"/api/watchlist?period={PERIOD}"), runs
            ),
            "GET /api/watchlist/export csv": harness.timed(
                http(f"/api/watchlist/export?period={PERIOD}"), runs
            ),
            "GET /api/rankings (street)": harness.timed(
                http(f"/api/rankings?period={PERIOD}&level=street"), runs
            ),
            "GET /api/rankings (district)": harness.timed(
                http(f"/api/rankings?period={PERIOD}&level=district"), runs
            ),
        }
        if mine:
            note = {"period": PERIOD, "kind": "follow_up", "text": "复查"}
            path = f"/api/watchlist/{mine[0]['estate_id']}/notes"

            def post() -> None:
                answer = client.post(path, json=note, headers=supervisor)
                assert answer.status_code == 201, answer.json

            figures["http"]["POST /api/watchlist/{id}/notes"] = harness.timed(post, runs)
    return figures


def report(f: dict[str, Any]) -> str:
    lines = [
        f"{f['estates']:,} estates, {f['tickets']:,} tickets, {f['events']:,} trail events, "
        f"{f['answers']:,} owner answers (seeded in {f['seed_s']:.1f} s); "
        f"{f['listed']} estates listed for {PERIOD}",
    ]
    return "\n".join([*lines, *harness.timing_lines(f)])


if __name__ == "__main__":
    harness.main(__doc__, run, report, "wuhao_bench_watchlist", port=55475)
