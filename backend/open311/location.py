"""Which estate a complaint is about: by its point, else the nearest estate close by, else by
its address. Portable SQL (SpatiaLite and PostGIS); distances in metres are measured in Python.
"""

from __future__ import annotations

import math
import re
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import WKBElement
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import Point, box

from backend.database import db
from backend.geo.distance import distance_m
from backend.open311.formats import Open311Error
from backend.open311.schemas import NewRequest
from backend.places.models import Estate

NEAR_M = 100.0  # a point just outside every boundary still belongs to an estate this close
_M_PER_DEG_LAT = 110_574.0
_SPACES = re.compile(r"[\s\u3000]+")


def locate(new: NewRequest) -> tuple[Estate, WKBElement | None]:
    """The estate of a request and the point to store on its ticket (None when by address)."""
    tried = []
    if new.lat is not None and new.long is not None:
        point = Point(new.long, new.lat)
        estate = estate_at(point) or nearest_estate(point)
        if estate is not None:
            return estate, from_shape(point, srid=4326)
        tried.append(f"lat/long is not within {NEAR_M:g} m of any estate")
    if new.address_string:
        estate = estate_by_address(new.address_string)
        if estate is not None:
            return estate, None
        tried.append("address_string matches no single estate (give its name or address)")
    # The place names no estate we know: not found (the input itself was well-formed).
    raise Open311Error(404, *(f"location: {problem}" for problem in tried))


def estate_at(point: Point) -> Estate | None:
    """The estate whose boundary contains the point (the smallest, should boundaries overlap)."""
    where = from_shape(point, srid=4326)
    return db.session.scalar(
        sa.select(Estate)
        .where(Estate.boundary.ST_Contains(where))
        .order_by(sa.func.ST_Area(Estate.boundary), Estate.id)
        .limit(1)
    )


def nearest_estate(point: Point, within_m: float = NEAR_M) -> Estate | None:
    """The nearest estate whose boundary lies within `within_m` metres of the point."""
    dlat = within_m / _M_PER_DEG_LAT
    dlng = within_m / (111_320.0 * max(math.cos(math.radians(point.y)), 0.01))
    area = from_shape(box(point.x - dlng, point.y - dlat, point.x + dlng, point.y + dlat), 4326)
    candidates = db.session.scalars(
        sa.select(Estate).where(Estate.boundary.ST_Intersects(area)).order_by(Estate.id)
    )
    best, best_m = None, within_m
    for estate in candidates:
        metres = distance_m(point.y, point.x, to_shape(estate.boundary))
        if metres <= best_m:
            best, best_m = estate, metres
    return best


def _normalized(text: str) -> str:
    return _SPACES.sub("", text)


def _literal(column: Any) -> Any:
    """A column's text as a LIKE pattern that matches it literally (its % and _ escaped)."""
    escaped = sa.func.replace(column, "/", "//")
    return sa.func.replace(sa.func.replace(escaped, "%", "/%"), "_", "/_")


def estate_by_address(text: str) -> Estate | None:
    """The one estate whose name or address appears in `text` (or that contains `text`, when
    `text` is specific enough); None when none or several match equally well."""
    wanted = _normalized(text)
    if len(wanted) < 2:
        return None
    given = sa.literal(wanted, sa.String)
    clauses = [
        sa.and_(
            sa.func.length(Estate.name) >= 2, given.contains(_literal(Estate.name), escape="/")
        ),
        sa.and_(
            sa.func.length(Estate.address) >= 4,
            given.contains(_literal(Estate.address), escape="/"),
        ),
    ]
    if len(wanted) >= 4:
        clauses += [
            Estate.name.contains(wanted, autoescape=True),
            Estate.address.contains(wanted, autoescape=True),
        ]
    candidates = db.session.scalars(sa.select(Estate).where(sa.or_(*clauses)).limit(50))
    ranking = sorted(((_score(e, wanted), e.id, e) for e in candidates), key=lambda r: -r[0])
    ranking = [row for row in ranking if row[0] > 0]
    if not ranking or (len(ranking) > 1 and ranking[0][0] == ranking[1][0]):
        return None
    return ranking[0][2]


def _score(estate: Estate, wanted: str) -> int:
    """How much of the address the estate explains: its longest part found in the text."""
    name, address = _normalized(estate.name), _normalized(estate.address or "")
    scores = [len(part) for part in (name, address) if len(part) >= 2 and part in wanted]
    if wanted in name or wanted in address:
        scores.append(len(wanted))
    return max(scores, default=0)
