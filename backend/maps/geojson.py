"""The map's GeoJSON features built by PostgreSQL (json_agg) when the output is WGS84.

Why: a crowded view's 1,000+ features cost ~30 ms to fetch, turn into dicts and encode in
Python, and a few in the database. The features are those map.py builds in Python (SpatiaLite,
GCJ-02 output); a test holds the two equal.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from backend.database import constant, db
from backend.maps.cells import COORD_SCALE
from backend.maps.grid import RANK_SEVERITY


def in_database(crs_is_wgs84: bool) -> bool:
    return crs_is_wgs84 and db.engine.dialect.name == "postgresql"


def _point(x: sa.ColumnElement[Any], y: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    seven = constant(7)
    coordinates = sa.func.json_build_array(
        sa.func.round(sa.cast(x, sa.Numeric), seven), sa.func.round(sa.cast(y, sa.Numeric), seven)
    )
    return sa.func.json_build_object("type", "Point", "coordinates", coordinates)


def _feature(geometry: sa.ColumnElement[Any], *properties: Any) -> sa.ColumnElement[Any]:
    about = sa.func.json_build_object(*properties)
    return sa.func.json_build_object("type", "Feature", "geometry", geometry, "properties", about)


def _features(feature: sa.ColumnElement[Any], *order: sa.ColumnElement[Any]):
    return sa.func.coalesce(
        sa.cast(sa.func.json_agg(aggregate_order_by(feature, *order)), sa.Text), "[]"
    )


def _code(id_: sa.ColumnElement[int], dispatched_at: sa.ColumnElement[Any]):
    """codes.ticket_code in SQL: ZG + the Beijing date of dispatch + the number, zero-padded to
    six digits (never cut: lpad would cut a seventh)."""
    day = sa.func.to_char(sa.func.timezone("Asia/Shanghai", dispatched_at), "YYYYMMDD")
    number = sa.cast(id_, sa.Text)
    pad = sa.func.repeat("0", sa.func.greatest(constant(0), constant(6) - sa.func.length(number)))
    return sa.func.concat("ZG", day, "-", pad, number)


def pins(pins_statement: sa.Select) -> sa.Select:
    """(rows, features JSON) for the pins statement's rows, by due date and id."""
    p = pins_statement.subquery("p").c
    due = sa.func.to_char(sa.func.timezone("UTC", p.due_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
    feature = _feature(
        _point(p.x, p.y),
        "id", p.id, "code", _code(p.id, p.dispatched_at), "title", p.title,
        "severity", p.severity, "state", p.state,
        "overdue", p.overdue, "estate_id", p.estate_id, "due_at", due,
    )  # fmt: skip
    return sa.select(sa.func.count(), _features(feature, p.due_at, p.id))


def cluster_columns(c: Any, zoom: int) -> tuple[sa.ColumnElement[Any], ...]:
    """(lng, lat, worst severity name, "z/cx/cy") of the per-cell rows' columns `c`."""
    scale = constant(float(COORD_SCALE))
    lng = sa.cast(c.sx, sa.Numeric) / c.n / scale
    lat = sa.cast(c.sy, sa.Numeric) / c.n / scale
    worst = sa.case(*((c.worst == constant(rank), name) for rank, name in RANK_SEVERITY.items()))
    return lng, lat, worst, sa.func.concat(str(zoom), "/", c.cx, "/", c.cy)


def clusters(cluster_statement: sa.Select, zoom: int) -> sa.Select:
    """Features JSON for the per-cell rows (cx, cy, n, sx, sy, worst, overdue), in cell order."""
    c = cluster_statement.subquery("c").c
    lng, lat, worst, cell = cluster_columns(c, zoom)
    feature = _feature(
        _point(lng, lat),
        "cluster", sa.true(), "count", c.n, "worst_severity", worst, "overdue", c.overdue,
        "cell", cell,
    )  # fmt: skip
    return sa.select(_features(feature, c.cx, c.cy))
