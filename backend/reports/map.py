"""The supervisor's map: open tickets in a bbox, clustered on the server at low zoom.

Clusters snap ticket positions to a grid whose cell is about CLUSTER_PX screen pixels at the
asked zoom (256-px Web-Mercator tiles, measured in degrees of longitude), with counts, the worst
severity and the overdue count per cell. Portable SQL: the same query runs on SpatiaLite and PostGIS
and uses the spatial index on tickets.position for the bbox.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from backend.accounts.models import User
from backend.clock import utcnow
from backend.database import db
from backend.geo.coordinates import from_wgs84
from backend.geo.geometry import to_geojson
from backend.places import services as places
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.reports.formulas import estate_grade
from backend.tickets import services as tickets
from backend.tickets.models import OPEN_STATES, UNIT_STATES, Ticket

CLUSTER_BELOW_ZOOM = 15
CLUSTER_PX = 60
MAX_FEATURES = 2000
SEVERITY_RANK = {"urgent": 3, "major": 2, "minor": 1}
RANK_SEVERITY = {rank: name for name, rank in SEVERITY_RANK.items()}


def _point(lng: float, lat: float, crs: str) -> dict[str, Any]:
    return to_geojson(from_wgs84(Point(lng, lat), crs))


def _base(user: User, scope: Scope, bbox: BaseGeometry, f: tickets.TicketFilter) -> sa.Select:
    envelope = from_shape(bbox, srid=4326)
    states = f.states or tuple(OPEN_STATES)
    query = sa.select(Ticket).where(
        tickets.visibility(user, scope),
        Ticket.position.is_not(None),
        Ticket.position.ST_Intersects(envelope),
        Ticket.state.in_(states),
    )
    return tickets.filtered(query, replace(f, states=()), utcnow())


def ticket_features(
    user: User, scope: Scope, bbox: BaseGeometry, zoom: int, f: tickets.TicketFilter, crs: str
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: clusters below CLUSTER_BELOW_ZOOM, single tickets above."""
    query = _base(user, scope, bbox, f)
    now = utcnow()
    if zoom >= CLUSTER_BELOW_ZOOM:
        rows = db.session.scalars(query.order_by(Ticket.due_at).limit(MAX_FEATURES)).all()
        return _collection([_ticket_feature(t, now, crs) for t in rows], zoom, clustered=False)
    return _collection(_clusters(query, zoom, now, crs), zoom, clustered=True)


def _ticket_feature(ticket: Ticket, now: datetime, crs: str) -> dict[str, Any]:
    point = to_shape(ticket.position)
    return {
        "type": "Feature",
        "geometry": _point(point.x, point.y, crs),
        "properties": {
            "id": ticket.id,
            "title": ticket.title,
            "severity": ticket.severity,
            "state": ticket.state.value,
            "overdue": tickets.is_overdue(ticket, now),
            "estate_id": ticket.estate_id,
            "due_at": ticket.due_at.isoformat(),
        },
    }


def _clusters(query: sa.Select, zoom: int, now: datetime, crs: str) -> list[dict[str, Any]]:
    cell = 360.0 / (2**zoom) * CLUSTER_PX / 256
    sub = query.subquery()
    x, y = sa.func.ST_X(sub.c.position), sa.func.ST_Y(sub.c.position)
    # (value + offset) / cell is positive, so CAST truncation is floor on both databases.
    column = sa.cast((x + 180.0) / cell, sa.Integer).label("cx")
    row = sa.cast((y + 90.0) / cell, sa.Integer).label("cy")
    severity = sa.case(
        *((sub.c.severity == name, rank) for name, rank in SEVERITY_RANK.items()), else_=0
    )
    overdue = sa.case(
        (sa.and_(sub.c.state.in_([s.value for s in UNIT_STATES]), sub.c.due_at < now), 1), else_=0
    )
    grouped = sa.select(
        column,
        row,
        sa.func.count().label("n"),
        sa.func.avg(x).label("lng"),
        sa.func.avg(y).label("lat"),
        sa.func.max(severity).label("worst"),
        sa.func.sum(overdue).label("overdue"),
    ).group_by(column, row)
    features = []
    for cx, cy, count, lng, lat, worst, late in db.session.execute(grouped):
        features.append(
            {
                "type": "Feature",
                "geometry": _point(float(lng), float(lat), crs),
                "properties": {
                    "cluster": True,
                    "count": count,
                    "worst_severity": RANK_SEVERITY.get(worst),
                    "overdue": int(late or 0),
                    "cell": f"{zoom}/{cx}/{cy}",
                },
            }
        )
    return features


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
