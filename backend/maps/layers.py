"""The supervisor's map: open tickets in a bbox, clustered on the server at low zoom.

Clusters are the grid cells (about 60 screen pixels, see map_cells) the bbox touches, with counts,
the worst severity and the overdue count per cell, read from the map_cells aggregate where it
applies (maps.clusters). Portable SQL: the same queries run on SpatiaLite and PostGIS and use the
spatial index on tickets.position for the bbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from backend.accounts.models import User
from backend.clock import utcnow
from backend.database import db, plan_for_values
from backend.geo.coordinates import from_wgs84, normalize_crs
from backend.geo.geometry import to_geojson
from backend.maps import geojson as map_json
from backend.maps.cells import ticket_xy
from backend.maps.clusters import at_least, cluster_statement, clusters, ticket_base
from backend.maps.grid import NOW, VIEW, CellRange, Cluster, Viewer, cached_statement
from backend.places import services as places
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.scorecards.formulas import estate_grade
from backend.tickets import services as tickets
from backend.tickets.codes import ticket_code
from backend.tickets.models import Ticket

CLUSTER_BELOW_ZOOM = 15
MAX_FEATURES = 2000


def _geometry(lng: float, lat: float, crs: str) -> dict[str, Any]:
    """A point in the output CRS (`crs` normalised)."""
    if crs == "wgs84":
        return {"type": "Point", "coordinates": [round(lng, 7), round(lat, 7)]}
    return to_geojson(from_wgs84(Point(lng, lat), crs))


def ticket_features(
    user: User, scope: Scope, bbox: BaseGeometry, zoom: int, f: tickets.TicketFilter, crs: str
) -> dict[str, Any] | str:
    """A GeoJSON FeatureCollection: clusters below CLUSTER_BELOW_ZOOM; above, single tickets
    when at most MAX_FEATURES are in view, else clusters still (a screen of 2,000 pins says
    nothing, and dropping some would hide them). As JSON text when PostgreSQL builds it
    (WGS84 output, see map_json), else as a dict."""
    now, crs = utcnow(), normalize_crs(crs)
    plan_for_values()
    in_sql = map_json.in_database(crs == "wgs84")
    if zoom >= CLUSTER_BELOW_ZOOM and at_least(user, scope, f, bbox.bounds) <= MAX_FEATURES:
        params = {"view": from_shape(bbox, srid=4326), "now": now, "limit": MAX_FEATURES + 1}
        if in_sql:
            count, features = db.session.execute(_pins_json_statement(user, scope, f), params).one()
            if count <= MAX_FEATURES:
                return _collection_text(features, zoom, clustered=False)
        else:
            pins = _pins(user, scope, params, f, crs)
            if pins is not None:
                return _collection(pins, zoom, clustered=False)
    cr = CellRange.covering(*bbox.bounds, zoom)
    if in_sql:
        features = db.session.scalar(_clusters_json_statement(user, scope, f, zoom), cr.params(now))
        return _collection_text(features, zoom, clustered=True)
    found = clusters(user, scope, f, cr, now)
    return _collection([_cluster_feature(c, zoom, crs) for c in found], zoom, clustered=True)


def _pins(
    user: User, scope: Scope, params: dict[str, Any], f: tickets.TicketFilter, crs: str
) -> list[dict[str, Any]] | None:
    """The pins in view by due date, or None when there are more than MAX_FEATURES. Limited in
    SQL and sorted here, so a crowded view stops after MAX_FEATURES + 1 index hits instead of
    sorting thousands; plain columns, not ORM objects (the per-row object cost dominates)."""
    rows = db.session.execute(_pins_statement(user, scope, f), params).all()
    if len(rows) > MAX_FEATURES:
        return None
    rows.sort(key=lambda row: (row.due_at, row.id))
    return [
        {
            "type": "Feature",
            "geometry": _geometry(x, y, crs),
            "properties": {
                "id": id_,
                "code": ticket_code(id_, dispatched_at),
                "title": title,
                "severity": severity,
                "state": state.value,
                "overdue": bool(overdue),
                "estate_id": estate_id,
                "due_at": due_at.isoformat(),
            },
        }
        for id_, title, severity, state, overdue, estate_id, due_at, dispatched_at, x, y in rows
    ]


@cached_statement
def _pins_statement(viewer: Viewer, scope: Scope, f: tickets.TicketFilter, _zoom: int):
    x, y = ticket_xy()
    return (
        ticket_base(viewer, scope, f, NOW)
        .where(Ticket.position.ST_Intersects(VIEW))
        .with_only_columns(
            Ticket.id,
            Ticket.title,
            Ticket.severity,
            Ticket.state,
            tickets.overdue_clause(NOW).label("overdue"),
            Ticket.estate_id,
            Ticket.due_at,
            Ticket.dispatched_at,
            x.label("x"),
            y.label("y"),
        )
        .limit(sa.bindparam("limit", type_=sa.Integer))
    )


@cached_statement
def _pins_json_statement(viewer: Viewer, scope: Scope, f: tickets.TicketFilter, _zoom: int):
    return map_json.pins(_pins_statement(viewer, scope, f))


@cached_statement
def _clusters_json_statement(viewer: Viewer, scope: Scope, f: tickets.TicketFilter, zoom: int):
    return map_json.clusters(cluster_statement(viewer, scope, f, zoom), zoom)


def _cluster_feature(cluster: Cluster, zoom: int, crs: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": _geometry(cluster.lng, cluster.lat, crs),
        "properties": {
            "cluster": True,
            "count": cluster.count,
            "worst_severity": cluster.worst_severity,
            "overdue": cluster.overdue,
            "cell": f"{zoom}/{cluster.cx}/{cluster.cy}",
        },
    }


def _collection_text(features: str, zoom: int, clustered: bool) -> str:
    """The collection around features already encoded as a JSON array."""
    head = '{"type":"FeatureCollection","features":'
    return head + features + ',"properties":' + json.dumps(_properties(zoom, clustered)) + "}"


def _properties(zoom: int, clustered: bool) -> dict[str, Any]:
    return {"zoom": zoom, "clustered": clustered}


def _collection(features: list[dict[str, Any]], zoom: int, clustered: bool) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": _properties(zoom, clustered),
    }


def estate_features(
    scope: Scope, bbox: BaseGeometry, crs: str, scores: dict[int, float]
) -> dict[str, Any]:
    """Estate outlines in the bbox with their latest inspection score and grade."""
    envelope = from_shape(bbox, srid=4326)
    estates = db.session.scalars(
        sa.select(Estate).where(
            places.estate_visibility(scope), Estate.boundary.ST_Intersects(envelope)
        )
    )
    features = [
        {
            "type": "Feature",
            "geometry": to_geojson(from_wgs84(to_shape(e.boundary), crs)),
            "properties": {
                "id": e.id,
                "code": e.code,
                "name": e.name,
                "score": scores.get(e.id),
                "grade": estate_grade(scores.get(e.id)),
            },
        }
        for e in estates
    ]
    return {"type": "FeatureCollection", "features": features}


def coverage_features(
    scope: Scope, bbox: BaseGeometry, crs: str, states: Callable[[list[int]], dict[int, Any]]
) -> dict[str, Any]:
    """Estate outlines in the bbox with the properties `states` gives each (plans.coverage)."""
    envelope = from_shape(bbox, srid=4326)
    estates = db.session.execute(
        sa.select(Estate.id, Estate.code, Estate.name, Estate.boundary).where(
            places.estate_visibility(scope), Estate.boundary.ST_Intersects(envelope)
        )
    ).all()
    found = states([e.id for e in estates])
    features = [
        {
            "type": "Feature",
            "geometry": to_geojson(from_wgs84(to_shape(e.boundary), crs)),
            "properties": {"id": e.id, "code": e.code, "name": e.name, **found[e.id]},
        }
        for e in estates
    ]
    return {"type": "FeatureCollection", "features": features}
