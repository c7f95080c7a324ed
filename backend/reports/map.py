"""The supervisor's map: open tickets in a bbox, clustered on the server at low zoom.

Clusters are the grid cells (about 60 screen pixels, see map_cells) the bbox touches, with counts,
the worst severity and the overdue count per cell, read from the map_cells aggregate where it
applies (map_clusters). Portable SQL: the same queries run on SpatiaLite and PostGIS and use the
spatial index on tickets.position for the bbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from backend.accounts.models import User
from backend.clock import utcnow
from backend.database import db
from backend.geo.coordinates import from_wgs84, normalize_crs
from backend.geo.geometry import to_geojson
from backend.places import services as places
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.reports.formulas import estate_grade
from backend.reports.map_clusters import CellRange, Cluster, clusters, ticket_base
from backend.tickets import services as tickets
from backend.tickets.models import Ticket

CLUSTER_BELOW_ZOOM = 15
MAX_FEATURES = 2000


def _point(lng: float, lat: float, crs: str) -> dict[str, Any]:
    return to_geojson(from_wgs84(Point(lng, lat), crs))


def ticket_features(
    user: User, scope: Scope, bbox: BaseGeometry, zoom: int, f: tickets.TicketFilter, crs: str
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: clusters below CLUSTER_BELOW_ZOOM, single tickets above."""
    now = utcnow()
    if zoom >= CLUSTER_BELOW_ZOOM:
        return _collection(_pins(user, scope, bbox, f, now, crs), zoom, clustered=False)
    cr = CellRange.covering(*bbox.bounds, zoom)
    found = clusters(user, scope, f, cr, now)
    return _collection([_cluster_feature(c, zoom, crs) for c in found], zoom, clustered=True)


def _pins(
    user: User, scope: Scope, bbox: BaseGeometry, f: tickets.TicketFilter, now: datetime, crs: str
) -> list[dict[str, Any]]:
    """Plain columns, not ORM objects: at 2,000 pins the per-row object cost is most of it."""
    envelope = from_shape(bbox, srid=4326)
    query = (
        ticket_base(user, scope, f, now)
        .where(Ticket.position.ST_Intersects(envelope))
        .with_only_columns(
            Ticket.id,
            Ticket.title,
            Ticket.severity,
            Ticket.state,
            sa.case((tickets.overdue_clause(now), True), else_=False),
            Ticket.estate_id,
            Ticket.due_at,
            sa.func.ST_X(Ticket.position),
            sa.func.ST_Y(Ticket.position),
        )
        # coalesce(): sort the few open tickets in view; ordering by the bare column lets
        # PostgreSQL walk the (state, due_at) index over every open ticket of the city instead.
        .order_by(sa.func.coalesce(Ticket.due_at, Ticket.due_at), Ticket.id)
        .limit(MAX_FEATURES)
    )
    wgs84 = normalize_crs(crs) == "wgs84"
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]}
            if wgs84
            else _point(x, y, crs),
            "properties": {
                "id": id_,
                "title": title,
                "severity": severity,
                "state": state.value,
                "overdue": bool(overdue),
                "estate_id": estate_id,
                "due_at": due_at.isoformat(),
            },
        }
        for id_, title, severity, state, overdue, estate_id, due_at, x, y in db.session.execute(
            query
        )
    ]


def _cluster_feature(cluster: Cluster, zoom: int, crs: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": _point(cluster.lng, cluster.lat, crs),
        "properties": {
            "cluster": True,
            "count": cluster.count,
            "worst_severity": cluster.worst_severity,
            "overdue": cluster.overdue,
            "cell": f"{zoom}/{cluster.cx}/{cluster.cy}",
        },
    }


def _collection(features: list[dict[str, Any]], zoom: int, clustered: bool) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"zoom": zoom, "clustered": clustered},
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
