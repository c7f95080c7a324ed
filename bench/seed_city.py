"""A realistic city for the map benches, generated server-side on PostGIS (INSERT ... SELECT
generate_series): estates with square outlines spread over the demo's districts and streets
(ST_GeneratePoints inside each street's boundary), property firms, historical (closed) tickets and
open tickets around now, their ticket_parties, then ANALYZE and a map_cells refresh.

    .venv/bin/python bench/seed_city.py DATABASE_URL [--estates 3000] [--tickets 1000000]
        [--open 100000] [--firms 60]

Importable: `seed_city(estates=..., tickets=..., open_=..., firms=...)` inside an app context on a
migrated database with the demo world and the standard checklist (see bench/map_query.py);
`reseed_tickets(...)` replaces only the tickets (growth runs). Deterministic (setseed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _sql(sql: str, **params) -> sa.CursorResult:
    from backend.database import db

    return db.session.execute(sa.text(sql), params)


def _items() -> None:
    """The active checklist's items as a temp table the ticket generator picks from."""
    from backend.checklists.models import ChecklistVersion, VersionStatus
    from backend.checklists.services import definition_of
    from backend.database import db

    version = db.session.scalar(
        sa.select(ChecklistVersion).where(ChecklistVersion.status == VersionStatus.active)
    )
    items = definition_of(version).items
    _sql("DROP TABLE IF EXISTS city_items")
    _sql("CREATE TEMP TABLE city_items (rn int, code text, category text, area text, sev text)")
    for rn, item in enumerate(items, start=1):
        _sql(
            "INSERT INTO city_items VALUES (:rn, :code, :category, :area, :sev)",
            rn=rn,
            code=item.code,
            category=item.category,
            area=item.area,
            sev=str(getattr(item.severity, "value", item.severity)),
        )


def seed_places(estates: int, firms: int) -> None:
    """`estates` new estates (codes C00001...) spread over every demo street, `firms` firms."""
    _sql("SELECT setseed(0.6)")
    _sql(
        "INSERT INTO organisations (name, kind, state_owned, charitable) "
        "SELECT '城市物业' || g || '号', 'property_firm', false, false "
        "FROM generate_series(1, :firms) g",
        firms=firms,
    )
    _sql(
        """
        WITH s AS (SELECT id, boundary, row_number() OVER (ORDER BY id) AS k,
                          count(*) OVER () AS n FROM streets),
        pts AS (
            SELECT s.id AS street_id, (ST_Dump(ST_GeneratePoints(s.boundary,
                   (:estates / s.n + CASE WHEN s.k <= :estates % s.n THEN 1 ELSE 0 END)::int,
                   s.k::int))).geom AS p
            FROM s)
        INSERT INTO estates (code, name, address, street_id, boundary, created_at, updated_at)
        SELECT 'C' || lpad(row_number() OVER ()::text, 5, '0'),
               '城市小区' || row_number() OVER (), '', street_id,
               ST_Multi(ST_Expand(p, 0.0008)), now(), now()
        FROM pts
        """,
        estates=estates,
    )


def reseed_tickets(tickets: int, open_: int) -> float:
    """Replace every ticket by `tickets` generated ones, `open_` of them open; returns seconds."""
    from backend.maps import cells as map_cells

    began = time.perf_counter()
    _items()
    _sql("SELECT setseed(0.7)")
    _sql("TRUNCATE ticket_parties, ticket_photos, ticket_extensions, outbox_events, "
         "ticket_events, open311_requests, tickets RESTART IDENTITY CASCADE")  # fmt: skip
    _sql("DROP TABLE IF EXISTS city_estates")
    _sql(
        """
        CREATE TEMP TABLE city_estates AS
        SELECT row_number() OVER (ORDER BY e.id) AS rn, e.id,
               ST_X(ST_Centroid(e.boundary)) AS x, ST_Y(ST_Centroid(e.boundary)) AS y,
               f.id AS org_id
        FROM estates e
        JOIN LATERAL (SELECT id FROM organisations WHERE kind = 'property_firm'
                      ORDER BY id OFFSET e.id % (SELECT count(*) FROM organisations
                                                 WHERE kind = 'property_firm') LIMIT 1) f ON true
        """
    )
    _sql("CREATE UNIQUE INDEX ON city_estates (rn)")
    _sql(
        """
        INSERT INTO tickets (estate_id, source, item_code, category, area, severity, title,
            description, position, state, responsible_org_id, responsible_basis, found_at,
            dispatched_at, due_at, due_provisional, closed_at, rework_count, recurrence_count,
            extension_count, escalation_level, version, created_at, updated_at)
        SELECT ce.id, 'manual', i.code, i.category, i.area,
               (ARRAY['minor','minor','major','major','urgent'])[1 + (t.g % 5)],
               i.code || ' 问题', '',
               ST_SetSRID(ST_MakePoint(ce.x + (random() - 0.5) * 0.0014,
                                       ce.y + (random() - 0.5) * 0.0012), 4326),
               CASE WHEN t.g <= :open THEN (ARRAY['dispatched','accepted','rectified','rework',
                    'disputed'])[1 + (t.g / 5 % 5)] ELSE 'closed' END,
               ce.org_id, 'contract', t.d - interval '2 hours', t.d,
               CASE WHEN t.g <= :open THEN now() + (random() * 20 - 8) * interval '1 day'
                    ELSE t.d + interval '3 days' END,
               false, CASE WHEN t.g <= :open THEN NULL ELSE t.d + interval '2 days' END,
               0, 0, 0, 0, 1, t.d, t.d
        FROM (SELECT g, now() - random() * interval '730 days' AS d,
                     1 + (g * 7919) % :n_estates AS pick,
                     1 + (g * 104729) % :n_items AS item
              FROM generate_series(1::bigint, :tickets) g) t
        JOIN city_estates ce ON ce.rn = t.pick
        JOIN city_items i ON i.rn = t.item
        """,
        open=open_,
        tickets=tickets,
        n_estates=_sql("SELECT count(*) FROM city_estates").scalar(),
        n_items=_sql("SELECT count(*) FROM city_items").scalar(),
    )
    _sql(
        "INSERT INTO ticket_parties (ticket_id, organisation_id) "
        "SELECT id, responsible_org_id FROM tickets"
    )
    _sql("ANALYZE tickets")
    _sql("ANALYZE ticket_parties")
    _sql("ANALYZE estates")
    map_cells.refresh()
    from backend.database import db

    db.session.commit()
    _vacuum()
    return time.perf_counter() - began


def _vacuum() -> None:
    """What autovacuum does in production, done at once: the throwaway clusters run with it off
    (tests/pg_cluster.py), and a bulk load through the map triggers leaves the aggregate tables
    and the change log full of dead rows that every map read would otherwise walk through."""
    from backend.database import db

    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("tickets", "ticket_parties", "estates", "map_cells", "map_cell_totals",
                      "map_cell_changes"):  # fmt: skip
            connection.exec_driver_sql(f"VACUUM ANALYZE {table}")


def seed_city(estates: int = 3000, tickets: int = 1_000_000, open_: int = 100_000,
              firms: int = 60) -> dict[str, float]:  # fmt: skip
    from backend.database import db

    began = time.perf_counter()
    seed_places(estates, firms)
    places = time.perf_counter() - began
    seconds = reseed_tickets(tickets, open_)
    db.session.commit()
    return {"places_s": places, "tickets_s": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--estates", type=int, default=3000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--firms", type=int, default=60)
    args = parser.parse_args()
    from bench.map_query import prepared_app

    with prepared_app(args.database_url).app_context():
        print(seed_city(args.estates, args.tickets, args.open, args.firms))


if __name__ == "__main__":
    main()
