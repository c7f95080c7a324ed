"""Clusters of open tickets for low zooms, computed two ways that must agree exactly.

A cluster is one grid cell of the asked zoom (see map_cells.cell_size); a view shows every cell
its bbox touches, whole, so counts do not change while the map is panned. `direct()` groups the
tickets themselves; `aggregated()` sums map_cells rows and the changes not yet folded into them,
and corrects overdue for the tickets that fell due since the watermark. `clusters()` picks the
aggregate whenever the caller's visibility and filters are expressible in its dimensions (admins,
street and district supervisors without an estate or dispatch-date filter), and the direct query
otherwise (firms, inspectors: small).

Statements are memoised per caller shape, with the view as bound parameters (see map_grid).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa

from backend.accounts.models import Role, User
from backend.database import UTCDateTime, constant, db, in_constants
from backend.maps import cells
from backend.maps.cells import MapCell, MapCellChange, MapCellClock, MapCellTotal
from backend.maps.grid import (
    CELL_ENVELOPE,
    LX0,
    LX1,
    LY0,
    LY1,
    NOW,
    SEVERITY_RANK,
    X0,
    X1,
    Y0,
    Y1,
    CellRange,
    Cluster,
    Viewer,
    cached_statement,
)
from backend.places import services as places
from backend.places.models import Estate, Street
from backend.places.scope import Scope
from backend.tickets import services as tickets
from backend.tickets.models import OPEN_STATES, UNIT_STATES, Ticket, TicketParty


def _states(f: tickets.TicketFilter) -> tuple:
    return tuple(f.states) or tuple(sorted(OPEN_STATES, key=lambda state: state.value))


def ticket_base(
    user: User | Viewer | None,
    scope: Scope,
    f: tickets.TicketFilter,
    now: datetime | sa.ColumnElement[datetime],
    visible: sa.ColumnElement[bool] | None = None,
) -> sa.Select:
    """Tickets the caller sees with the filters, states defaulting to the open ones."""
    query = sa.select(Ticket).where(
        tickets.visibility(user, scope) if visible is None else visible,
        Ticket.position.is_not(None),
        # States inline: the planner can then prove `state IN open states` and use the open
        # tickets' spatial index (with a bound list it could not, in a generic plan).
        in_constants(Ticket.state, _states(f)),
    )
    return tickets.filtered(query, replace(f, states=()), now)


def _in_cells(query: sa.Select, zoom: int) -> sa.Select:
    """Tickets in the view's cells (X0..Y1 at `zoom`, CELL_ENVELOPE their outline)."""
    x, y = cells.ticket_xy()
    cx, cy = cells.cell_of(x, y, zoom)
    return query.where(
        Ticket.position.ST_Intersects(CELL_ENVELOPE), cx.between(X0, X1), cy.between(Y0, Y1)
    )


def _overdue_flag() -> sa.ColumnElement[int]:
    return sa.case((tickets.overdue_clause(NOW), constant(1)), else_=constant(0))


def _zero() -> sa.ColumnElement[int]:
    return sa.cast(constant(0), sa.BigInteger)


def direct(
    user: User, scope: Scope, f: tickets.TicketFilter, cr: CellRange, now: datetime
) -> list[Cluster]:
    statement = _direct_statement(user, scope, f, cr.zoom)
    return _clusters(db.session.execute(statement, cr.params(now)))


@cached_statement
def _direct_statement(viewer: Viewer, scope: Scope, f: tickets.TicketFilter, zoom: int):
    """The filters (overdue included) apply to the tickets themselves: every row is shown."""
    query = _in_cells(ticket_base(viewer, scope, f, NOW), zoom)
    late = _overdue_flag()
    x, y = cells.ticket_xy()
    zero = _zero()
    sums = (sa.func.count(), sa.func.sum(cells.scaled(x)), sa.func.sum(cells.scaled(y)))
    return _per_cell([_grouped(query, zoom, *sums, sa.func.sum(late), zero, zero)], None)


def _per_cell(parts: list[sa.Select], overdue: bool | None) -> sa.Select:
    """One row per cell, in cell order, from the parts' rows of (cx, cy, severity, n, sx, sy,
    n_late, sx_late, sy_late): the shown count and coordinate sums (all tickets, the overdue
    ones, or the others), the worst severity among them and the overdue count. In SQL, so
    Python gets back a row per cluster, not one per cell, severity and part."""
    rows = (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery("parts")
    c = rows.c
    per = (
        sa.select(c.cx, c.cy, c.severity, *(sa.func.sum(c[k]).label(k) for k in cells.SUMS))
        .group_by(c.cx, c.cy, c.severity)
        .subquery("per_severity")
    )
    p = per.c
    if overdue is None:
        n, sx, sy, late = p.n, p.sx, p.sy, p.n_late
    elif overdue:
        n, sx, sy, late = p.n_late, p.sx_late, p.sy_late, p.n_late
    else:
        n, sx, sy, late = p.n - p.n_late, p.sx - p.sx_late, p.sy - p.sy_late, constant(0)
    rank = sa.case(
        *((p.severity == name, constant(value)) for name, value in SEVERITY_RANK.items()),
        else_=constant(0),
    )
    total = sa.func.sum(n)
    return (
        sa.select(
            p.cx,
            p.cy,
            sa.cast(total, sa.BigInteger).label("n"),
            sa.cast(sa.func.sum(sx), sa.BigInteger).label("sx"),
            sa.cast(sa.func.sum(sy), sa.BigInteger).label("sy"),
            sa.func.max(sa.case((n > constant(0), rank), else_=constant(0))).label("worst"),
            sa.cast(sa.func.sum(late), sa.BigInteger).label("overdue"),
        )
        .group_by(p.cx, p.cy)
        .having(total > constant(0))
        .order_by(p.cx, p.cy)
    )


def _clusters(rows) -> list[Cluster]:
    return [Cluster(cx, cy, n, sx, sy, worst or 0, late) for cx, cy, n, sx, sy, worst, late in rows]


def aggregate_applies(
    user: User | Viewer, scope: Scope, f: tickets.TicketFilter, zoom: int
) -> bool:
    """True when the zoom has stored cells and visibility and filters map onto their
    dimensions."""
    if cells.level_for(zoom) is None:
        return False
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


def _party_extras(viewer: Viewer, scope: Scope, f: tickets.TicketFilter, zoom: int) -> sa.Select:
    """A supervisor's organisation also sees tickets once routed to it outside its area (e.g.
    a street office's custody): those few come straight from `tickets`."""
    parties = sa.select(TicketParty.ticket_id).where(
        TicketParty.organisation_id == viewer.organisation_id
    )
    outside = sa.and_(Ticket.id.in_(parties), sa.not_(_estates_in_scope(scope)))
    base = ticket_base(viewer, scope, replace(f, overdue=None), NOW, visible=outside)
    late = _overdue_flag()
    x, y = cells.ticket_xy()
    sx, sy = cells.scaled(x), cells.scaled(y)
    return _grouped(
        _in_cells(base, zoom),
        zoom,
        sa.func.count(),
        sa.func.sum(sx),
        sa.func.sum(sy),
        sa.func.sum(late),
        sa.func.sum(sx * late),
        sa.func.sum(sy * late),
    )


def _grouped(query: sa.Select, zoom: int, *sums: sa.ColumnElement) -> sa.Select:
    """Per cell and severity: the six sums (n, sx, sy, n_late, sx_late, sy_late) given."""
    x, y = cells.ticket_xy()
    cx, cy = cells.cell_of(x, y, zoom)
    labelled = (total.label(name) for total, name in zip(sums, cells.SUMS, strict=True))
    columns = (cx.label("cx"), cy.label("cy"), Ticket.severity, *labelled)
    return query.with_only_columns(*columns).group_by(cx, cy, Ticket.severity)


def _street_clause(model: type[MapCell | MapCellTotal | MapCellChange], scope: Scope):
    if scope.everything:
        return sa.true()
    clauses = []
    if scope.street_ids:
        clauses.append(model.street_id.in_([constant(i) for i in sorted(scope.street_ids)]))
    if scope.district_ids:
        ids = [constant(i) for i in sorted(scope.district_ids)]
        clauses.append(model.street_id.in_(sa.select(Street.id).where(Street.district_id.in_(ids))))
    return sa.or_(*clauses) if clauses else sa.false()


def aggregated(
    user: User, scope: Scope, f: tickets.TicketFilter, cr: CellRange, now: datetime
) -> list[Cluster]:
    statement = _aggregate_statement(user, scope, f, cr.zoom)
    return _clusters(db.session.execute(statement, cr.params(now)))


@cached_statement
def _aggregate_statement(viewer: Viewer, scope: Scope, f: tickets.TicketFilter, zoom: int):
    """One statement: stored sums, the overdue correction since the watermark, party extras,
    each part giving (cx, cy, severity, n, sx, sy, n_late, sx_late, sy_late); per cell."""
    parts = [_stored(scope, f, zoom), _pending(scope, f, zoom), _fell_due(scope, f, zoom)]
    if viewer.role is not Role.admin and viewer.organisation_id is not None:
        parts.append(_party_extras(viewer, scope, f, zoom))
    return _per_cell(parts, f.overdue)


def _stored(scope: Scope, f: tickets.TicketFilter, zoom: int) -> sa.Select:
    """Sums of the stored cells (LX0..LY1 at the stored level) merged into the view's cells."""
    model, where = _stored_rows(scope, f, zoom)
    # Integer division by an inline constant, so GROUP BY matches the selected expression.
    div = constant(2 ** (cells.level_for(zoom) - zoom))  # type: ignore[operator]
    gx, gy = (model.cx // div).label("cx"), (model.cy // div).label("cy")
    sums = (sa.func.sum(getattr(model, s)).label(s) for s in cells.SUMS)
    return sa.select(gx, gy, model.severity, *sums).where(*where).group_by(gx, gy, model.severity)


def _pending(scope: Scope, f: tickets.TicketFilter, zoom: int) -> sa.Select:
    """The changes the triggers appended since the last fold (a few hundred rows at most), at
    the finest level, merged into the view's cells: with the stored sums, the tickets as they are
    in this transaction's snapshot."""
    change = MapCellChange
    level = cells.level_for(zoom)
    assert level is not None  # aggregate_applies() checked
    to_level = constant(2 ** (cells.FINEST - level))
    to_view = constant(2 ** (cells.FINEST - zoom))
    where = [
        change.cx >= constant(0),  # the rows that only mark a change of who sees what
        (change.cx // to_level).between(LX0, LX1),
        (change.cy // to_level).between(LY0, LY1),
        *_dimension_filters(change, scope, f),
    ]
    gx, gy = (change.cx // to_view).label("cx"), (change.cy // to_view).label("cy")
    sums = (sa.func.sum(getattr(change, s)).label(s) for s in cells.SUMS)
    return sa.select(gx, gy, change.severity, *sums).where(*where).group_by(gx, gy, change.severity)


def _unfiltered(f: tickets.TicketFilter) -> bool:
    """No filter needs map_cells' finer dimensions (state subset, area, firm)."""
    return set(_states(f)) == OPEN_STATES and f.area is None and f.organisation_id is None


def _dimension_filters(
    model: type[MapCell | MapCellTotal | MapCellChange], scope: Scope, f: tickets.TicketFilter
) -> list[sa.ColumnElement[bool]]:
    where = [_street_clause(model, scope)]
    if f.severity is not None:
        where.append(model.severity == f.severity)
    if not _unfiltered(f):
        assert model is not MapCellTotal
        where.append(in_constants(model.state, _states(f)))  # type: ignore[union-attr]
        for column, value in (("area", f.area), ("org_id", f.organisation_id)):
            if value is not None:
                where.append(getattr(model, column) == value)
    return where


def _stored_rows(
    scope: Scope, f: tickets.TicketFilter, zoom: int
) -> tuple[type[MapCell | MapCellTotal], list[sa.ColumnElement[bool]]]:
    """The table and WHERE for the stored cells of a view: the totals when no filter needs
    map_cells' finer dimensions."""
    level = cells.level_for(zoom)
    assert level is not None  # aggregate_applies() checked
    model = MapCellTotal if _unfiltered(f) else MapCell
    where = [
        model.level == constant(level),
        model.cx.between(LX0, LX1),
        model.cy.between(LY0, LY1),
        *_dimension_filters(model, scope, f),
    ]
    return model, where


def at_least(
    user: User, scope: Scope, f: tickets.TicketFilter, bbox: tuple[float, float, float, float]
) -> int:
    """A lower bound of the open tickets in the bbox, from the finest stored cells lying wholly
    inside it (0 where the aggregate does not apply): enough to know a view is too crowded
    for pins without fetching them."""
    zoom = cells.LEVELS[-1]
    if f.overdue is not None or not aggregate_applies(user, scope, f, zoom):
        return 0
    inner = CellRange.inside(*bbox, zoom)
    if inner is None:
        return 0
    return int(db.session.scalar(_count_statement(user, scope, f, zoom), inner.params(None)) or 0)


@cached_statement
def _count_statement(_viewer: Viewer, scope: Scope, f: tickets.TicketFilter, zoom: int):
    model, where = _stored_rows(scope, f, zoom)
    stored = sa.select(sa.func.sum(model.n)).where(*where).scalar_subquery()
    pending = _pending(scope, f, zoom).subquery("pending")
    changed = sa.select(sa.func.sum(pending.c.n)).scalar_subquery()
    return sa.select(sa.func.coalesce(stored, 0) + sa.func.coalesce(changed, 0))


def _fell_due(scope: Scope, f: tickets.TicketFilter, zoom: int) -> sa.Select:
    """Tickets whose overdue state differs between the watermark and now: +1 for those that
    fell due since (watermark < due ≤ now), -1 if now is before the watermark."""
    mark = sa.func.coalesce(
        sa.select(MapCellClock.late_as_of).where(MapCellClock.id == 1).scalar_subquery(),
        sa.literal(cells.EPOCH, UTCDateTime),
    )
    postgres = db.engine.dialect.name == "postgresql"
    low = (sa.func.least if postgres else sa.func.min)(mark, NOW)
    high = (sa.func.greatest if postgres else sa.func.max)(mark, NOW)
    # The tickets that fell due come first, by the (state, due_at) index, fenced off in a
    # materialised CTE: otherwise the planner may walk every estate in scope (a district's
    # hundreds) through the estate index to find the usual handful.
    fell = (
        sa.select(Ticket.id)
        .where(in_constants(Ticket.state, UNIT_STATES), Ticket.due_at >= low, Ticket.due_at < high)
        .cte("fell_due")
    )
    if postgres:
        fell = fell.prefix_with("MATERIALIZED")
    base = ticket_base(None, scope, replace(f, overdue=None), NOW, _estates_in_scope(scope))
    query = _in_cells(base, zoom).where(Ticket.id.in_(sa.select(fell.c.id)))
    sign = sa.case((Ticket.due_at < NOW, constant(1)), else_=constant(-1))
    x, y = cells.ticket_xy()
    zero = _zero()
    return _grouped(
        query,
        zoom,
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
    rows = db.session.execute(cluster_statement(user, scope, f, cr.zoom), cr.params(now))
    return _clusters(rows)


def cluster_statement(
    user: User | Viewer, scope: Scope, f: tickets.TicketFilter, zoom: int
) -> sa.Select:
    """Per-cell rows (cx, cy, n, sx, sy, worst, overdue) from the aggregate where it applies,
    else straight from the tickets; parameters as CellRange.params gives them."""
    if aggregate_applies(user, scope, f, zoom):
        return _aggregate_statement(user, scope, f, zoom)
    return _direct_statement(user, scope, f, zoom)
