"""Mapbox Vector Tiles of the map layers, encoded by PostGIS (ST_AsMVT / ST_AsMVTGeom).

`tickets`: below CLUSTER_BELOW_ZOOM one point per cluster (the same clusters as /api/map/tickets,
read from map_cells where they apply), each cluster in the one tile holding its centroid, with
`cluster`, `count`, `severity` (worst), `overdue` (count), `cell`; from that zoom one point per open
ticket with `id`, `severity`, `overdue`, `state`, `area`. `estates`: outlines with `id`, `code`,
`name`, `score`, `grade` (latest inspection). Everything in the caller's scope, parameters bound.

SpatiaLite has no MVT encoder: tiles answer 501 `not_supported` there (the GeoJSON layers under
/api/map work on both databases).
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime

import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely.geometry import box

from backend.accounts.models import User
from backend.database import backend_name, constant, db, plan_for_values
from backend.errors import AppError
from backend.maps import geojson as map_json
from backend.maps.clusters import cluster_statement, ticket_base
from backend.maps.grid import CellRange, Viewer, cached_statement
from backend.maps.layers import CLUSTER_BELOW_ZOOM
from backend.places import services as places
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.scorecards.formulas import estate_grade
from backend.tickets import services as tickets
from backend.tickets.models import Ticket

MAX_ZOOM = 22
EXTENT, BUFFER = 4096, 64
LAYERS = ("tickets", "estates")


class NotSupported(AppError):
    status = 501


def require_postgis() -> None:
    if backend_name() != "postgis":
        raise NotSupported(
            "矢量瓦片需要 PostGIS (vector tiles need PostGIS; use /api/map on this database)",
            code="not_supported",
        )


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """WGS84 (min lng, min lat, max lng, max lat) of an XYZ Web-Mercator tile."""

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / 2**z))))

    return x / 2**z * 360.0 - 180.0, lat(y + 1), (x + 1) / 2**z * 360.0 - 180.0, lat(y)


def _mvt_statement(inner: sa.Select, layer: str) -> sa.Select:
    q = inner.subquery("q")
    return sa.select(
        sa.func.ST_AsMVT(sa.literal_column(q.name), layer, EXTENT, "geom", type_=sa.LargeBinary)
    ).select_from(q)


def _mvt(inner: sa.Select, layer: str) -> bytes:
    return bytes(db.session.scalar(_mvt_statement(inner, layer)) or b"")


def _geom(point_4326: sa.ColumnElement, z: int, x: int, y: int) -> sa.ColumnElement:
    return sa.func.ST_AsMVTGeom(
        sa.func.ST_Transform(point_4326, 3857),
        sa.func.ST_TileEnvelope(z, x, y),
        EXTENT,
        BUFFER,
        True,
    ).label("geom")


def ticket_tile(
    user: User, scope: Scope, f: tickets.TicketFilter, z: int, x: int, y: int, now: datetime
) -> bytes:
    bounds = tile_bounds(z, x, y)
    plan_for_values()
    if z >= CLUSTER_BELOW_ZOOM:
        envelope = from_shape(box(*bounds), srid=4326)
        inner = (
            ticket_base(user, scope, f, now)
            .where(Ticket.position.ST_Intersects(envelope))
            .with_only_columns(
                _geom(Ticket.position, z, x, y),
                Ticket.id,
                Ticket.severity,
                sa.case((tickets.overdue_clause(now), True), else_=False).label("overdue"),
                Ticket.state,
                Ticket.area,
            )
        )
        return _mvt(inner, "tickets")
    cr = CellRange.covering(*bounds, z)
    minx, miny, maxx, maxy = bounds
    params = cr.params(now) | {
        "x": x,
        "y": y,
        "minx": minx,
        "miny": miny,
        "maxx": maxx,
        "maxy": maxy,
    }
    return bytes(db.session.scalar(_cluster_tile(user, scope, f, z), params) or b"")


@cached_statement
def _cluster_tile(viewer: Viewer, scope: Scope, f: tickets.TicketFilter, z: int):
    """The view's clusters (as /api/map/tickets gives them) whose centroid lies in the tile,
    encoded in the same statement: one round trip, nothing decoded and re-encoded in Python."""
    c = cluster_statement(viewer, scope, f, z).subquery("c")
    lng, lat, severity, cell = map_json.cluster_columns(c.c, z)
    bound = {name: sa.bindparam(name, type_=sa.Float) for name in ("minx", "miny", "maxx", "maxy")}
    point = sa.func.ST_SetSRID(sa.func.ST_MakePoint(lng, lat), 4326)
    tile_x, tile_y = sa.bindparam("x", type_=sa.Integer), sa.bindparam("y", type_=sa.Integer)
    geom = sa.func.ST_AsMVTGeom(
        sa.func.ST_Transform(point, 3857),
        sa.func.ST_TileEnvelope(constant(z), tile_x, tile_y),
        constant(EXTENT),
        constant(BUFFER),
        sa.true(),
    ).label("geom")
    inner = sa.select(
        geom,
        sa.true().label("cluster"),
        c.c.n.label("count"),
        severity.label("severity"),
        c.c.overdue.label("overdue"),
        cell.label("cell"),
    ).where(lng >= bound["minx"], lng < bound["maxx"], lat >= bound["miny"], lat < bound["maxy"])
    return _mvt_statement(inner, "tickets")


def estate_tile(scope: Scope, scores: dict[int, float], z: int, x: int, y: int) -> bytes:
    envelope = from_shape(box(*tile_bounds(z, x, y)), srid=4326)
    ids = list(scores)
    known = (
        sa.func.unnest(
            sa.literal(ids, sa.ARRAY(sa.Integer)),
            sa.literal([scores[i] for i in ids], sa.ARRAY(sa.Float)),
            sa.literal([estate_grade(scores[i]) for i in ids], sa.ARRAY(sa.String)),
        )
        .table_valued(
            sa.column("id", sa.Integer),
            sa.column("score", sa.Float),
            sa.column("grade", sa.String),
        )
        .render_derived(name="s")
    )
    inner = (
        sa.select(
            _geom(Estate.boundary, z, x, y),
            Estate.id,
            Estate.code,
            Estate.name,
            known.c.score,
            known.c.grade,
        )
        .outerjoin(known, known.c.id == Estate.id)
        .where(places.estate_visibility(scope), Estate.boundary.ST_Intersects(envelope))
    )
    return _mvt(inner, "estates")


def etag(body: bytes, user: User, scope: Scope) -> str:
    """Derived from the tile's bytes (so it moves exactly when what the tile shows moves) and
    the caller's visibility (so two scopes never share a cached tile)."""
    digest = hashlib.sha256()
    digest.update(repr((user.role.value, user.organisation_id, scope)).encode())
    digest.update(body)
    return f'"{digest.hexdigest()[:32]}"'
