"""Clusters of open tickets for low zooms, computed two ways that must agree exactly.

A cluster is one grid cell of the asked zoom (see map_cells.cell_size); a view shows every cell
its bbox touches, whole, so counts do not change while the map is panned. `direct()` groups the
tickets themselves; `aggregated()` sums map_cells rows and corrects overdue for the tickets that
fell due since the watermark. `clusters()` picks the aggregate whenever the caller's visibility
and filters are expressible in its dimensions (admins, street and district supervisors without
an estate or dispatch-date filter), and the direct query otherwise (firms, inspectors: small).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely.geometry import box

from backend.accounts.models import Role, User
from backend.database import UTCDateTime, db
from backend.places import services as places
from backend.places.models import Estate, Street
from backend.places.scope import Scope
from backend.reports import map_cells as cells
from backend.reports.map_cells import MapCell, MapCellClock
from backend.tickets import services as tickets
from backend.tickets.models import OPEN_STATES, UNIT_STATES, Ticket, TicketParty

SEVERITY_RANK = {"urgent": 3, "major": 2, "minor": 1}
RANK_SEVERITY = {rank: name for name, rank in SEVERITY_RANK.items()}


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

    def envelope(self):
        size = cells.cell_size(self.zoom)
        return box(
            self.x0 * size - 180.0,
            self.y0 * size - 90.0,
            (self.x1 + 1) * size - 180.0,
            (self.y1 + 1) * size - 90.0,
        )


def _states(f: tickets.TicketFilter) -> tuple:
    return tuple(f.states) or tuple(OPEN_STATES)


def ticket_base(
    user: User | None,
    scope: Scope,
    f: tickets.TicketFilter,
    now: datetime,
    visible: sa.ColumnElement[bool] | None = None,
) -> sa.Select:
    """Tickets the caller sees with the filters, states defaulting to the open ones."""
    query = sa.select(Ticket).where(
        tickets.visibility(user, scope) if visible is None else visible,
        Ticket.position.is_not(None),
        # States inline (enum constants, never user text): a prepared statement's generic plan
        # can then still prove `state IN open states` and use the open tickets' spatial index.
        Ticket.state.in_([sa.literal_column(f"'{state.value}'") for state in _states(f)]),
    )
    return tickets.filtered(query, replace(f, states=()), now)


def _in_cells(query: sa.Select, cr: CellRange) -> sa.Select:
    x, y = sa.func.ST_X(Ticket.position), sa.func.ST_Y(Ticket.position)
    cx, cy = cells.cell_of(x, y, cr.zoom)
    envelope = from_shape(cr.envelope(), srid=4326)
    return query.where(
        Ticket.position.ST_Intersects(envelope), cx.between(cr.x0, cr.x1), cy.between(cr.y0, cr.y1)
    )


def direct(
    user: User, scope: Scope, f: tickets.TicketFilter, cr: CellRange, now: datetime
) -> list[Cluster]:
    query = _in_cells(ticket_base(user, scope, f, now), cr)
    late = sa.case((tickets.overdue_clause(now), 1), else_=0)
    x, y = sa.func.ST_X(Ticket.position), sa.func.ST_Y(Ticket.position)
    sums = (sa.func.count(), sa.func.sum(cells.scaled(x)), sa.func.sum(cells.scaled(y)))
    return _merge(db.session.execute(_grouped(query, cr.zoom, *sums, sa.func.sum(late))))


def _merge(rows) -> list[Cluster]:
    """(cx, cy, severity, n, sx, sy, overdue) rows → one Cluster per cell with n > 0."""
    merged: dict[tuple[int, int], list[int]] = {}
    for cx, cy, severity, n, sx, sy, late in rows:
        if n <= 0:
            continue
        acc = merged.setdefault((cx, cy), [0, 0, 0, 0, 0])
        acc[0] += n
        acc[1] += int(sx)
        acc[2] += int(sy)
        acc[3] = max(acc[3], SEVERITY_RANK.get(severity, 0))
        acc[4] += int(late)
    return [Cluster(cx, cy, *acc) for (cx, cy), acc in sorted(merged.items())]


def aggregate_applies(user: User, scope: Scope, f: tickets.TicketFilter) -> bool:
    """True when visibility and filters map onto map_cells' dimensions."""
    if f.estate_id is not None or f.dispatched_from is not None or f.dispatched_to is not None:
        return False
    if not set(_states(f)) <= OPEN_STATES:
        return False
    if user.role is Role.admin:
        return True
    return user.role is Role.supervisor and not scope.grid_ids and not scope.organisation_ids


def _estates_in_scope(scope: Scope) -> sa.ColumnElement[bool]:
    if scope.everything:
        return sa.true()
    return Ticket.estate_id.in_(sa.select(Estate.id).where(places.estate_visibility(scope)))


def _party_extras(
    user: User, scope: Scope, f: tickets.TicketFilter, cr: CellRange, now: datetime
) -> sa.Select | None:
    """A supervisor's organisation also sees tickets once routed to it outside its area (e.g.
    a street office's custody): those few come straight from `tickets`."""
    if user.role is Role.admin or user.organisation_id is None:
        return None
    parties = sa.select(TicketParty.ticket_id).where(
        TicketParty.organisation_id == user.organisation_id
    )
    outside = sa.and_(Ticket.id.in_(parties), sa.not_(_estates_in_scope(scope)))
    base = ticket_base(user, scope, replace(f, overdue=None), now, visible=outside)
    late = sa.case((tickets.overdue_clause(now), 1), else_=0)
    x, y = sa.func.ST_X(Ticket.position), sa.func.ST_Y(Ticket.position)
    sx, sy = cells.scaled(x), cells.scaled(y)
    return _grouped(
        _in_cells(base, cr),
        cr.zoom,
        sa.func.count(),
        sa.func.sum(sx),
        sa.func.sum(sy),
        sa.func.sum(late),
        sa.func.sum(sx * late),
        sa.func.sum(sy * late),
    )


def _grouped(query: sa.Select, zoom: int, *sums: sa.ColumnElement) -> sa.Select:
    x, y = sa.func.ST_X(Ticket.position), sa.func.ST_Y(Ticket.position)
    cx, cy = cells.cell_of(x, y, zoom)
    columns = (cx.label("cx"), cy.label("cy"), Ticket.severity, *sums)
    return query.with_only_columns(*columns).group_by(cx, cy, Ticket.severity)


def _street_clause(scope: Scope) -> sa.ColumnElement[bool]:
    if scope.everything:
        return sa.true()
    clauses = []
    if scope.street_ids:
        clauses.append(MapCell.street_id.in_(scope.street_ids))
    if scope.district_ids:
        districts = sa.select(Street.id).where(Street.district_id.in_(scope.district_ids))
        clauses.append(MapCell.street_id.in_(districts))
    return sa.or_(*clauses) if clauses else sa.false()


def aggregated(
    user: User, scope: Scope, f: tickets.TicketFilter, cr: CellRange, now: datetime
) -> list[Cluster]:
    """One statement: stored sums, the overdue correction since the watermark, party extras;
    each part yields (cx, cy, severity, n, sx, sy, n_late, sx_late, sy_late)."""
    parts = [_stored(scope, f, cr), _fell_due(scope, f, cr, now)]
    extras = _party_extras(user, scope, f, cr, now)
    if extras is not None:
        parts.append(extras)
    totals: dict[tuple, list[int]] = {}
    for cx, cy, severity, *values in db.session.execute(sa.union_all(*parts)):
        acc = totals.setdefault((cx, cy, severity), [0] * 6)
        for i, value in enumerate(values):
            acc[i] += int(value or 0)
    return _merge(_pick(f.overdue, key, v[:3], v[3:]) for key, v in totals.items())


def _stored(scope: Scope, f: tickets.TicketFilter, cr: CellRange) -> sa.Select:
    level = cells.level_for(cr.zoom)
    div = 2 ** (level - cr.zoom)
    gx = sa.literal_column(f"map_cells.cx / {div}").label("cx")
    gy = sa.literal_column(f"map_cells.cy / {div}").label("cy")
    query = sa.select(
        gx, gy, MapCell.severity, *(sa.func.sum(getattr(MapCell, s)) for s in cells.SUMS)
    ).where(
        MapCell.level == level,
        MapCell.cx.between(cr.x0 * div, (cr.x1 + 1) * div - 1),
        MapCell.cy.between(cr.y0 * div, (cr.y1 + 1) * div - 1),
        MapCell.state.in_([s.value for s in _states(f)]),
        _street_clause(scope),
    )
    for column, value in (
        (MapCell.severity, f.severity),
        (MapCell.area, f.area),
        (MapCell.org_id, f.organisation_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return query.group_by(gx, gy, MapCell.severity)


def _pick(overdue: bool | None, key: tuple, every: list[int], late: list[int]) -> tuple:
    if overdue is None:
        return (*key, *every, late[0])
    if overdue:
        return (*key, *late, late[0])
    return (*key, every[0] - late[0], every[1] - late[1], every[2] - late[2], 0)


def _fell_due(scope: Scope, f: tickets.TicketFilter, cr: CellRange, now: datetime) -> sa.Select:
    """Tickets whose overdue state differs between the watermark and now: +1 for those that
    fell due since (watermark < due ≤ now), -1 if now is before the watermark."""
    mark = sa.func.coalesce(
        sa.select(MapCellClock.late_as_of).where(MapCellClock.id == 1).scalar_subquery(),
        sa.literal(cells.EPOCH, UTCDateTime),
    )
    moment = sa.literal(now, UTCDateTime)
    postgres = db.engine.dialect.name == "postgresql"
    low = (sa.func.least if postgres else sa.func.min)(mark, moment)
    high = (sa.func.greatest if postgres else sa.func.max)(mark, moment)
    base = ticket_base(None, scope, replace(f, overdue=None), now, _estates_in_scope(scope))
    query = _in_cells(base, cr).where(
        Ticket.state.in_(UNIT_STATES), Ticket.due_at >= low, Ticket.due_at < high
    )
    sign = sa.case((Ticket.due_at < moment, 1), else_=-1)
    x, y = sa.func.ST_X(Ticket.position), sa.func.ST_Y(Ticket.position)
    zero = sa.literal(0, sa.BigInteger)
    return _grouped(
        query,
        cr.zoom,
        zero,
        zero,
        zero,
        sa.func.sum(sign),
        sa.func.sum(sign * cells.scaled(x)),
        sa.func.sum(sign * cells.scaled(y)),
    )


def clusters(
    user: User, scope: Scope, f: tickets.TicketFilter, cr: CellRange, now: datetime
) -> list[Cluster]:
    if aggregate_applies(user, scope, f):
        return aggregated(user, scope, f, cr, now)
    return direct(user, scope, f, cr, now)
