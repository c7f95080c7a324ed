"""Map query figures on PostGIS: p50/p95 through the HTTP API (Flask test client, real bearer
token, the full request stack) and, in the same run, the bare SQL behind each request (every
statement it ran, the token check included, captured and replayed in order on a raw connection
of the same engine, so with the same driver and settings).

    .venv/bin/python bench/map_query.py [--quick] [--runs 40]

Uses DATABASE_URL (an empty PostGIS database) if set, else a throwaway cluster
(tests/pg_cluster.py). Seeds with bench/seed_city.py. Prints figures; asserts nothing:
  - district (supervisor1) and street (street1) bbox at zooms 12, 14, 16: API and SQL, API − SQL
  - an authenticated no-op (GET /api/me): the request stack's own cost, API − SQL
  - naive district clustering (GROUP BY snapped grid on tickets) for comparison
  - growth: street view at 10k / 100k / 1M tickets (quick: 2k / 5k / 10k)
  - scorecards for all firms over a year
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed_city  # noqa: E402

FULL = {"estates": 3000, "firms": 60, "growth": (10_000, 100_000, 1_000_000), "runs": 40}
QUICK = {"estates": 150, "firms": 8, "growth": (2_000, 5_000, 10_000), "runs": 5}


def prepared_app(database_url: str):
    """The app on a migrated database with the demo world and the standard checklist."""
    from flask_migrate import upgrade

    from backend import create_app
    from backend.checklists.definition import load_definition
    from backend.checklists.services import import_definition
    from backend.database import db
    from backend.demo.seed import seed_demo

    checklist = ROOT / "checklists" / "wuhao-standard.yaml"
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    with app.app_context():
        upgrade()
        if seed_demo().created:
            import_definition(load_definition(checklist), checklist.name)
        db.session.commit()
    return app


@contextmanager
def captured() -> Any:
    """Statements (and parameters) run on the engine, in order."""
    from backend.database import db

    seen: list[tuple[str, Any]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", grab)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    for _ in range(3):
        call()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return _percentiles(samples)


@contextmanager
def replayer(statements: list[tuple[str, Any]]) -> Any:
    """A function that runs the statements, in order, on a raw connection of the same engine
    (each run its own transaction, like the request it came from)."""
    from backend.database import db

    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()

        def once() -> None:
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()

        yield once, raw.rollback
    finally:
        raw.rollback()
        raw.close()


def replay(statements: list[tuple[str, Any]], runs: int) -> tuple[float, float]:
    with replayer(statements) as (once, end):
        return timed(lambda: (once(), end()), runs)


def api_and_sql(client, headers, path: str, runs: int) -> dict[str, float]:
    """API and SQL timed alternately, run by run, so a machine that speeds up or slows down
    during the measurement (a shared VM does) weighs on both alike."""
    with captured() as statements:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code, response.data[:200])
    api, sql = [], []
    with replayer(statements) as (once, end):
        for run in range(runs + 3):
            began = time.perf_counter()
            client.get(path, headers=headers)
            middle = time.perf_counter()
            once()
            ended = time.perf_counter()
            end()
            if run >= 3:  # warm-up
                api.append((middle - began) * 1000)
                sql.append((ended - middle) * 1000)
    (api_p50, api_p95), (sql_p50, sql_p95) = _percentiles(api), _percentiles(sql)
    return {"api_p50": api_p50, "api_p95": api_p95, "sql_p50": sql_p50, "sql_p95": sql_p95,
            "statements": len(statements), "bytes": len(response.data)}  # fmt: skip


def _bounds(table: str, code: str) -> tuple[float, float, float, float]:
    from backend.database import db

    row = db.session.execute(
        sa.text(
            f"SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM "
            f"(SELECT boundary::box2d AS b FROM {table} WHERE code = :code) s"
        ),
        {"code": code},
    ).one()
    return tuple(float(v) for v in row)


def _token(client, username: str) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": "demo12345"})
    return {"Authorization": f"Bearer {response.json['token']}"}


def _views(client, runs: int, zooms=(12, 14, 16)) -> dict[str, dict[str, float]]:
    views = {"district": ("districts", "210202", "supervisor1"),
             "street": ("streets", "210202001", "street1")}  # fmt: skip
    out = {}
    for name, (table, code, user) in views.items():
        bbox = ",".join(f"{v:.6f}" for v in _bounds(table, code))
        headers = _token(client, user)
        for zoom in zooms:
            path = f"/api/map/tickets?bbox={bbox}&zoom={zoom}"
            out[f"{name} z{zoom}"] = api_and_sql(client, headers, path, runs)
    # What a screen shows at z16: 1280 × 800 px around the street's centre.
    minx, miny, maxx, maxy = _bounds("streets", "210202001")
    half_w, half_h = 1280 / 2 * 360 / (256 * 2**16), 800 / 2 * 360 / (256 * 2**16) * 0.78
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    view = f"{cx - half_w:.6f},{cy - half_h:.6f},{cx + half_w:.6f},{cy + half_h:.6f}"
    path = f"/api/map/tickets?bbox={view}&zoom=16"
    out["screen z16"] = api_and_sql(client, _token(client, "street1"), path, runs)
    return out


def _floor(client, runs: int) -> dict[str, float]:
    """What any authenticated request costs on this stack (GET /api/me: the token check and one
    small query), to read the map's own overhead against."""
    return api_and_sql(client, _token(client, "street1"), "/api/me", runs)


def _naive_district(runs: int) -> tuple[float, float]:
    """The direct GROUP BY over tickets the aggregate replaces (supervisor1, district, z12)."""
    from backend.accounts.models import User
    from backend.accounts.services import scope_of
    from backend.clock import utcnow
    from backend.database import db
    from backend.maps.clusters import direct
    from backend.maps.grid import CellRange
    from backend.tickets.services import TicketFilter

    user = db.session.scalar(sa.select(User).where(User.username == "supervisor1"))
    cr = CellRange.covering(*_bounds("districts", "210202"), 12)
    with captured() as statements:
        direct(user, scope_of(user), TicketFilter(), cr, utcnow())
    return replay(statements, runs)


def _scorecards(client, runs: int) -> dict[str, float]:
    """Live computation for all firms over the trailing year, then the same through the API
    from the materialised table (`flask reports refresh` for the city scope)."""
    from backend.clock import today
    from backend.database import db
    from backend.places.scope import Scope
    from backend.scorecards import cache as scorecard_cache
    from backend.scorecards.services import firm_scorecards

    year = scorecard_cache.standard_periods()[0]
    began = time.perf_counter()
    firm_scorecards(year, Scope.all())
    live = time.perf_counter() - began
    began = time.perf_counter()
    scorecard_cache.refresh([year], [Scope.all()])
    db.session.commit()
    refreshed = time.perf_counter() - began
    first = (today() - timedelta(days=364)).isoformat()
    path = f"/api/reports/scorecards/firms?from={first}&to={today().isoformat()}"
    headers = _token(client, "admin")
    assert client.get(path, headers=headers).headers.get("X-Computed-At")
    api = timed(lambda: client.get(path, headers=headers), runs)
    return {"live_s": live, "refresh_s": refreshed, "api_p50": api[0], "api_p95": api[1]}


def run(database_url: str, quick: bool = False, runs: int | None = None) -> dict[str, Any]:
    from backend.database import db

    size = QUICK if quick else FULL
    runs = runs or size["runs"]
    app = prepared_app(database_url)
    figures: dict[str, Any] = {"growth": {}}
    with app.app_context():
        seed_city.seed_places(size["estates"], size["firms"])
        db.session.commit()
        client = app.test_client()
        for tickets in size["growth"]:
            seeded = seed_city.reseed_tickets(tickets, tickets // 10)
            db.session.commit()
            street = _views(client, runs, zooms=(14, 16))
            figures["growth"][tickets] = {"seed_s": seeded, **street}
        figures["views"] = _views(client, runs)
        figures["floor"] = _floor(client, runs)
        figures["naive_district_z12"] = _naive_district(runs)
        figures["scorecards_year"] = _scorecards(client, runs)
        db.session.remove()
        db.engine.dispose()
    return figures


def report(figures: dict[str, Any]) -> str:
    # The naive clustering query is the same-run baseline: API p50 ÷ its p50 compares runs made
    # on machines (or loads) of different speed.
    naive = figures["naive_district_z12"]
    lines = ["view              API p50/p95 ms     SQL p50/p95 ms    API−SQL p50  stmts  ÷ naive"]
    for name, f in figures["views"].items():
        lines.append(f"{name:16} {f['api_p50']:7.2f} /{f['api_p95']:7.2f}  {f['sql_p50']:7.2f} /"
                     f"{f['sql_p95']:7.2f}   {f['api_p50'] - f['sql_p50']:7.2f}     "
                     f"{f['statements']}    {f['api_p50'] / naive[0]:6.3f}")  # fmt: skip
    f = figures["floor"]
    gap = f["api_p50"] - f["sql_p50"]
    lines.append(f"authenticated no-op GET /api/me: API p50 {f['api_p50']:.2f} ms, its SQL "
                 f"{f['sql_p50']:.2f} ms, API−SQL {gap:.2f} ms")  # fmt: skip
    lines.append(f"naive district z12 clustering SQL: p50 {naive[0]:.1f} ms, p95 {naive[1]:.1f} ms")
    lines.append("growth (street view, API p50/p95 ms | SQL p50):")
    for tickets, f in figures["growth"].items():
        parts = [
            f"{v}: {f[v]['api_p50']:.2f}/{f[v]['api_p95']:.2f} | {f[v]['sql_p50']:.2f}"
            for v in ("street z14", "street z16", "screen z16")
        ]
        lines.append(
            f"  {tickets:>9,} tickets (seeded in {f['seed_s']:.1f} s): " + "; ".join(parts)
        )
    s = figures["scorecards_year"]
    lines.append(
        f"scorecards, all firms, one year: live {s['live_s']:.2f} s; refresh (city) "
        f"{s['refresh_s']:.2f} s; API from the table p50 {s['api_p50']:.2f} ms p95 "
        f"{s['api_p95']:.2f} ms"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    url, cluster = os.environ.get("DATABASE_URL"), None
    if not url:
        from tests.pg_cluster import start_cluster

        cluster = start_cluster(port=55461)
        url = cluster.create_database("wuhao_bench")
    try:
        print(report(run(url, quick=args.quick, runs=args.runs)))
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
