"""The map's grid cells and the pieces its statements are built from: the bound parameters a
view fills in, the caller's shape, and the per-process memo of built statements.

Statements are built once per caller shape (role, firm, scope, filters, zoom) and kept in a
small memo; the view's cells, envelope and the time are bound parameters. Building these
expressions costs more than running them (~8 ms against ~3), and a memo of a pure function holds
no state that another worker would need.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from geoalchemy2 import Geometry
from geoalchemy2.shape import from_shape
from shapely.geometry import box

from backend.accounts.models import Role, User
from backend.clock import today
from backend.database import UTCDateTime, db
from backend.maps import cells
from backend.places.scope import Scope
from backend.tickets.services import TicketFilter

SEVERITY_RANK = {"urgent": 3, "major": 2, "minor": 1}
RANK_SEVERITY = {rank: name for name, rank in SEVERITY_RANK.items()}

# What changes from one request to the next, bound at execution (see CellRange.params).
NOW = sa.bindparam("now", type_=UTCDateTime)
VIEW = sa.bindparam("view", type_=Geometry("POLYGON", srid=4326))
CELL_ENVELOPE = sa.bindparam("cell_envelope", type_=Geometry("POLYGON", srid=4326))
X0, Y0, X1, Y1 = (sa.bindparam(name, type_=sa.Integer) for name in ("x0", "y0", "x1", "y1"))
LX0, LY0, LX1, LY1 = (sa.bindparam(name, type_=sa.Integer) for name in ("lx0", "ly0", "lx1", "ly1"))


@dataclass(frozen=True)
class Viewer:
    """The part of a user that decides what they see (a memo key, unlike the ORM object)."""

    role: Role
    organisation_id: int | None

    @classmethod
    def of(cls, user: User | Viewer) -> Viewer:
        return cls(user.role, user.organisation_id)


def cached_statement(
    build: Callable[[Viewer, Scope, TicketFilter, int], sa.Executable],
) -> Callable[[User | Viewer, Scope, TicketFilter, int], sa.Executable]:
    """Memoise a statement builder per caller shape. The key also holds the database (the SQL
    differs) and today's date (a firm's estates are those it manages today)."""

    @functools.lru_cache(maxsize=512)
    def keyed(viewer, scope, f, zoom, _dialect: str, _day: date) -> sa.Executable:
        return build(viewer, scope, f, zoom)

    def statement(
        user: User | Viewer, scope: Scope, f: TicketFilter, zoom: int = 0
    ) -> sa.Executable:
        return keyed(Viewer.of(user), scope, f, zoom, db.engine.dialect.name, today())

    return statement


@dataclass(frozen=True)
class Cluster:
    cx: int
    cy: int
    count: int
    sx: int  # sum of longitudes in 1e-7 degrees
    sy: int
    worst: int  # severity rank, 0 if none known
    overdue: int

    @property
    def lng(self) -> float:
        return self.sx / self.count / cells.COORD_SCALE

    @property
    def lat(self) -> float:
        return self.sy / self.count / cells.COORD_SCALE

    @property
    def worst_severity(self) -> str | None:
        return RANK_SEVERITY.get(self.worst)


@dataclass(frozen=True)
class CellRange:
    zoom: int
    x0: int
    y0: int
    x1: int
    y1: int

    @classmethod
    def covering(cls, minx: float, miny: float, maxx: float, maxy: float, zoom: int) -> CellRange:
        size = cells.cell_size(zoom)
        return cls(
            zoom,
            max(int((minx + 180.0) // size), 0),
            max(int((miny + 90.0) // size), 0),
            int((maxx + 180.0) // size),
            int((maxy + 90.0) // size),
        )

    @classmethod
    def inside(
        cls, minx: float, miny: float, maxx: float, maxy: float, zoom: int
    ) -> CellRange | None:
        """The cells lying wholly inside the bbox, None if there are none."""
        size = cells.cell_size(zoom)
        x0, y0 = math.ceil((minx + 180.0) / size), math.ceil((miny + 90.0) / size)
        x1, y1 = math.floor((maxx + 180.0) / size) - 1, math.floor((maxy + 90.0) / size) - 1
        return cls(zoom, x0, y0, x1, y1) if x0 <= x1 and y0 <= y1 else None

    def envelope(self):
        size = cells.cell_size(self.zoom)
        return box(
            self.x0 * size - 180.0,
            self.y0 * size - 90.0,
            (self.x1 + 1) * size - 180.0,
            (self.y1 + 1) * size - 90.0,
        )

    def params(self, now: datetime | None) -> dict[str, Any]:
        """Values for the bound parameters of the cluster statements."""
        values: dict[str, Any] = {
            "now": now,
            "cell_envelope": from_shape(self.envelope(), srid=4326),
            "x0": self.x0,
            "y0": self.y0,
            "x1": self.x1,
            "y1": self.y1,
        }
        level = cells.level_for(self.zoom)
        if level is not None:
            div = 2 ** (level - self.zoom)
            values |= {"lx0": self.x0 * div, "ly0": self.y0 * div}
            values |= {"lx1": (self.x1 + 1) * div - 1, "ly1": (self.y1 + 1) * div - 1}
        return values
