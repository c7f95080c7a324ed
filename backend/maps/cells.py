"""Open-ticket counts per map grid cell, kept by the database itself for every write.

Why: clustering 100,000 open tickets for a whole district straight from `tickets` takes about
150 ms; reading these pre-summed rows takes a few.

A `map_cells` row sums the open tickets of one cell at one LEVEL (a zoom whose cells are stored)
for one combination of the filter dimensions the aggregate read supports: street, responsible
firm, area, severity, state. That is nearly a row per ticket in a busy cell, so the unfiltered
view (by far the commonest) reads `map_cell_totals` instead: the same sums over every open state,
area and firm, kept per street (scope) and severity (worst severity, severity filter).
Coordinates are summed as integers (1e-7 degree) so centroids come out the same whether summed
here or straight from `tickets`.

Kept by triggers (migration 0010), so no write path can miss them: ORM, Core or raw SQL,
savepoints and rollbacks (the trigger's rows go with the transaction), bulk loads, an estate moved
to another street. A ticket write does not touch the cells: its trigger appends the change (old
contribution out, new one in, at the finest level) to `map_cell_changes`, which nothing else
writes but a fold. Appending takes no lock another writer waits for, so writers in one street
never queue or deadlock on its shared cells. Readers add the pending changes to the cells
(maps.clusters). Every FOLD_EVERY-th change row folds the committed changes into every level of
both tables in one statement, under a try-lock (PostGIS; a busy fold is skipped, the next one
takes the rows); `map_version` moves with each fold, so (version, pending rows) names what the
map shows (a cache key, should a cache of drawn views come back).

Overdue depends on time. `n_late` counts the tickets that were overdue at the watermark
`late_as_of` (one row in map_cell_clock, read by the triggers, written only by refresh); a reader
adds the few tickets that fell due between the watermark and now straight from `tickets` (index on
state, due_at), so the answer is exact at any time. `refresh()` (`flask reports refresh`) rebuilds
everything and moves the watermark: a repair tool, and from cron it keeps the correction small.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.database import UTCDateTime, constant, db, in_constants
from backend.places.models import Estate
from backend.tickets.models import OPEN_STATES, Ticket

# Zooms whose cells are stored; other zooms merge the next finer level. 16 serves the pin zooms
# when a view holds too many tickets for pins (see map.ticket_features).
LEVELS = (8, 10, 12, 14, 16)
CLUSTER_PX = 60
COORD_SCALE = 10_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FINEST = LEVELS[-1]
FOLD_EVERY = 256  # change rows per fold (migration 0010's trigger)
FOLD_LOCK = 1464354627  # PostgreSQL advisory lock of folds and refresh (migration 0010)


def cell_size(zoom: int) -> float:
    """Cell edge in degrees: CLUSTER_PX screen pixels of a 256-px Web-Mercator tile at `zoom`.
    Exact in binary floating point (21600 / 2**(zoom+8)), so a cell at zoom z is exactly
    2**(L-z) cells at level L and merging by integer division gives the same cells."""
    return 360.0 / (2**zoom) * CLUSTER_PX / 256


def level_for(zoom: int) -> int | None:
    """The stored level whose cells merge into this zoom's, None above the finest."""
    return next((level for level in LEVELS if level >= zoom), None)


def floor_int(expr: Any) -> sa.ColumnElement[int]:
    """floor() of a non-negative number as an integer on both databases (PostgreSQL's CAST
    rounds, SQLite's truncates, and SQLite may lack floor())."""
    if db.engine.dialect.name == "postgresql":
        return sa.cast(sa.func.floor(expr), sa.Integer)
    return sa.cast(expr, sa.Integer)


def cell_of(x: Any, y: Any, zoom: int) -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    cell = constant(cell_size(zoom))
    return floor_int((x + constant(180.0)) / cell), floor_int((y + constant(90.0)) / cell)


def ticket_xy() -> tuple[sa.ColumnElement[float], sa.ColumnElement[float]]:
    """A ticket's longitude and latitude."""
    return sa.func.ST_X(Ticket.position), sa.func.ST_Y(Ticket.position)


def scaled(coordinate: Any) -> sa.ColumnElement[int]:
    return sa.cast(sa.func.round(coordinate * constant(float(COORD_SCALE))), sa.BigInteger)


class _Sums:
    n: Mapped[int] = mapped_column(default=0)
    sx: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    sy: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    n_late: Mapped[int] = mapped_column(default=0)
    sx_late: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    sy_late: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class MapCell(_Sums, db.Model):
    __tablename__ = "map_cells"
    __table_args__ = (sa.Index("ix_map_cells_level_cx_cy", "level", "cx", "cy"),)

    level: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    cx: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cy: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    street_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    org_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    area: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    severity: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(16), primary_key=True)


class MapCellTotal(_Sums, db.Model):
    """map_cells summed over state, area and firm: what the unfiltered view reads."""

    __tablename__ = "map_cell_totals"

    level: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    cx: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cy: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    street_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    severity: Mapped[str] = mapped_column(sa.String(16), primary_key=True)


class MapCellClock(db.Model):
    """One row: the moment `map_cells.n_late` is true for (the overdue watermark)."""

    __tablename__ = "map_cell_clock"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    late_as_of: Mapped[datetime] = mapped_column(UTCDateTime)


class MapCellChange(_Sums, db.Model):
    """A ticket's change to the cells not yet folded in: its cell at the FINEST level and the
    map_cells dimensions, signed sums. Written by the triggers only. A row at cx = -1 carries no
    sums and only marks a change of who sees what (a ticket routed to a party, a street moved to
    another district) for the tile cache."""

    __tablename__ = "map_cell_changes"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
    )
    cx: Mapped[int] = mapped_column()
    cy: Mapped[int] = mapped_column()
    street_id: Mapped[int] = mapped_column()
    org_id: Mapped[int] = mapped_column()
    area: Mapped[str] = mapped_column(sa.String(32))
    severity: Mapped[str] = mapped_column(sa.String(16))
    state: Mapped[str] = mapped_column(sa.String(16))


class MapVersion(db.Model):
    """One row: moved by each fold and refresh (never by a ticket writer). With the count of
    pending change rows it names what the map shows: between two folds the committed change
    rows only grow, so a different map always has a different (version, count)."""

    __tablename__ = "map_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger)


def bump_version(connection: sa.Connection) -> None:
    connection.execute(
        sa.update(MapVersion).where(MapVersion.id == 1).values(version=MapVersion.version + 1)
    )


# Composite indexes for the map's filters on tickets (declared here, next to their reader).
sa.Index("ix_tickets_estate_state_due", Ticket.estate_id, Ticket.state, Ticket.due_at)
sa.Index("ix_tickets_severity_area_state", Ticket.severity, Ticket.area, Ticket.state)

SUMS = ("n", "sx", "sy", "n_late", "sx_late", "sy_late")
# Each aggregate table with its key (the dimensions it keeps).
ROLLUPS: tuple[tuple[type[_Sums], tuple[str, ...]], ...] = (
    (MapCell, ("level", "cx", "cy", "street_id", "org_id", "area", "severity", "state")),
    (MapCellTotal, ("level", "cx", "cy", "street_id", "severity")),
)


def watermark(connection: sa.Connection) -> datetime:
    query = sa.select(MapCellClock.late_as_of).where(MapCellClock.id == 1)
    return connection.scalar(query) or EPOCH


def _contribution(level: int, sign: int, late_before: datetime | sa.BindParameter) -> sa.Select:
    """map_cells rows to add (sign 1) or remove (-1) for the tickets the caller's WHERE picks;
    the totals take the same rows with fewer key columns."""
    x, y = ticket_xy()
    cx, cy = cell_of(x, y, level)
    late = sa.case((Ticket.overdue_at(late_before), sign), else_=0)
    sx, sy = scaled(x), scaled(y)
    return (
        sa.select(
            sa.literal(level, sa.SmallInteger).label("level"),
            cx.label("cx"),
            cy.label("cy"),
            Estate.street_id,
            Ticket.responsible_org_id.label("org_id"),
            Ticket.area,
            Ticket.severity,
            Ticket.state,
            sa.literal(sign).label("n"),
            (sx * sign).label("sx"),
            (sy * sign).label("sy"),
            late.label("n_late"),
            (sx * late).label("sx_late"),
            (sy * late).label("sy_late"),
        )
        .join(Estate, Estate.id == Ticket.estate_id)
        .where(Ticket.position.is_not(None), in_constants(Ticket.state, OPEN_STATES))
    )


def _sum_columns(rows: sa.Subquery) -> list[sa.ColumnElement[int]]:
    return [sa.func.sum(rows.c[name]).label(name) for name in SUMS]


def _hold_writers(connection: sa.Connection) -> None:
    """Keep every writer of what the cells depend on out while they are rebuilt: the change
    rows are deleted and the watermark moved, so nothing may be appended meanwhile. PostgreSQL:
    the folds' lock first (a writer that folded holds it, and must be let finish), then the
    tables. SQLite: the write lock, taken by the first write."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(FOLD_LOCK)))
        connection.execute(sa.text("LOCK TABLE tickets, estates IN SHARE MODE"))
    connection.execute(sa.delete(MapCellChange))


def refresh(now: datetime | None = None) -> int:
    """Rebuild every row from `tickets` and move the watermark to now; returns rows written.
    Not needed for correctness (the triggers keep the cells), only to repair or to move the
    overdue watermark."""
    now = now or utcnow()
    db.session.flush()
    connection = db.session.connection()
    _hold_writers(connection)
    if connection.scalar(sa.select(MapCellClock.id).where(MapCellClock.id == 1)) is None:
        connection.execute(sa.insert(MapCellClock).values(id=1, late_as_of=now))
    written = 0
    for model, key in ROLLUPS:
        connection.execute(sa.delete(model))
        for level in LEVELS:
            rows = _contribution(level, 1, now).subquery()
            columns = [rows.c[name] for name in key]
            grouped = sa.select(*columns, *_sum_columns(rows)).group_by(*columns)
            result = connection.execute(sa.insert(model).from_select(key + SUMS, grouped))
            written += result.rowcount or 0
    connection.execute(sa.update(MapCellClock).where(MapCellClock.id == 1).values(late_as_of=now))
    bump_version(connection)
    return written


def fold() -> None:
    """Fold the pending changes into the cells now, as the trigger does every FOLD_EVERY rows
    (PostgreSQL: the trigger's function; SQLite: a marker row with the next folding id)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(FOLD_LOCK)))
        connection.execute(sa.select(sa.func.map_cells_fold()))
        return
    last = connection.scalar(sa.select(sa.func.max(MapCellChange.id))) or 0
    marker = {"cx": -1, "cy": -1, "street_id": 0, "org_id": 0, "area": "", "severity": "",
              "state": "", **dict.fromkeys(SUMS, 0)}  # fmt: skip
    next_fold = (last // FOLD_EVERY + 1) * FOLD_EVERY
    connection.execute(sa.insert(MapCellChange).values(id=next_fold, **marker))
