"""Open-ticket counts per map grid cell, kept in step with every ticket change.

Why: clustering 100,000 open tickets for a whole district straight from `tickets` takes about
150 ms; reading these pre-summed rows takes a few. The table is maintained from the ORM's flush
of each Ticket (same connection, same transaction as the change), so it is right in every process
that commits, with no cache to invalidate. Bulk loads that bypass the ORM call `refresh()`
(`flask reports refresh`).

A `map_cells` row sums the open tickets of one cell at one LEVEL (a zoom whose cells are stored)
for one combination of the filter dimensions the aggregate read supports: street, responsible
firm, area, severity, state. That is nearly a row per ticket in a busy cell, so the unfiltered
view (by far the commonest) reads `map_cell_totals` instead: the same sums over every open state,
area and firm, kept per street (scope) and severity (worst severity, severity filter).
Coordinates are summed as integers (1e-7 degree) so centroids come out the same whether summed
here or straight from `tickets`.

Overdue depends on time. `n_late` counts the tickets that were overdue at the watermark
`late_as_of` (one row in map_cell_clock); a reader adds the few tickets that fell due between
the watermark and now straight from `tickets` (index on state, due_at), so the answer is exact
at any time; `refresh()` moves the watermark. Ticket changes take a share lock on the watermark
row (PostGIS) so a refresh cannot interleave with them.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from backend.clock import utcnow
from backend.database import UTCDateTime, constant, db, in_constants
from backend.places.models import Estate
from backend.tickets.models import OPEN_STATES, UNIT_STATES, Ticket

# Zooms whose cells are stored; other zooms merge the next finer level. 16 serves the pin zooms
# when a view holds too many tickets for pins (see map.ticket_features).
LEVELS = (8, 10, 12, 14, 16)
CLUSTER_PX = 60
COORD_SCALE = 10_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
log = logging.getLogger(__name__)
TRACKED = ("state", "position", "severity", "area", "responsible_org_id", "estate_id", "due_at")


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


class MapVersion(db.Model):
    """One row: a number that moves with every committed change of what the map shows (a
    tracked ticket change, a refresh). Cached tiles are valid for the version they were built at.
    Bumped last, at commit, so a reader never sees the new number before the new rows."""

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


def watermark(connection: sa.Connection, lock: str | None = None) -> datetime:
    query = sa.select(MapCellClock.late_as_of).where(MapCellClock.id == 1)
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update(read=lock == "share")
    return connection.scalar(query) or EPOCH


def _contribution(level: int, sign: int, late_before: datetime | sa.BindParameter) -> sa.Select:
    """map_cells rows to add (sign 1) or remove (-1) for the tickets the caller's WHERE picks;
    the totals take the same rows with fewer key columns."""
    x, y = ticket_xy()
    cx, cy = cell_of(x, y, level)
    late = sa.case(
        (sa.and_(in_constants(Ticket.state, UNIT_STATES), Ticket.due_at < late_before), sign),
        else_=0,
    )
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


def _insert(connection: sa.Connection, model: type[_Sums]):
    return (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(model)


@functools.cache
def _contributions_statement(sign: int) -> sa.CompoundSelect:
    """Built once per sign (every ticket change runs it twice; building it cost ~10 ms)."""
    late_before = sa.bindparam("late_before", type_=Ticket.due_at.type)
    ticket_id = sa.bindparam("ticket_id", type_=sa.Integer)
    return sa.union_all(
        *(_contribution(level, sign, late_before).where(Ticket.id == ticket_id) for level in LEVELS)
    )


def _contributions(connection: sa.Connection, ticket_id: int, sign: int) -> list[dict[str, Any]]:
    """The rows (one per level) a ticket adds (sign 1) or removes (-1), as it is in the database."""
    late_before = watermark(connection, lock="share")
    statement = _contributions_statement(sign)
    rows = connection.execute(statement, {"late_before": late_before, "ticket_id": ticket_id})
    return [dict(row) for row in rows.mappings()]


def _sum_columns(rows: sa.Subquery) -> list[sa.ColumnElement[int]]:
    return [sa.func.sum(rows.c[name]).label(name) for name in SUMS]


def refresh(now: datetime | None = None) -> int:
    """Rebuild every row from `tickets` and move the watermark to now; returns rows written."""
    now = now or utcnow()
    db.session.flush()
    # The rebuild reads the flushed tickets, so it already holds the transaction's own changes.
    db.session.info.pop(PENDING, None)
    connection = db.session.connection()
    if connection.scalar(sa.select(MapCellClock.id).where(MapCellClock.id == 1)) is None:
        connection.execute(sa.insert(MapCellClock).values(id=1, late_as_of=now))
    watermark(connection, lock="update")
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


# --- maintenance from the ticket flush -------------------------------------------------------
#
# Each flush of a Ticket reads its contribution before and after the change (the database does
# the cell arithmetic, exactly as refresh() does) into the session's pending deltas; the deltas
# are written just before the transaction commits, summed per key, in key order, in one statement
# per table. Why not write at flush: a level-8 cell is shared by a whole street, so every ticket
# writer locks it. Written at flush, the cell locks interleave with ticket row locks (an
# inspection locks the open ticket it recurs on) and with each other in flush order, and
# concurrent inspections deadlock. Written last and in one global order, they cannot.

PENDING = "map_cells.pending"  # session.info: contribution rows not yet written
MARKS = "map_cells.marks"  # session.info: {savepoint transaction: len(pending) when it began}
CHUNK = 1000  # rows per INSERT (PostgreSQL allows 65,535 parameters a statement)


def _pending(session: Session) -> list[dict[str, Any]]:
    return session.info.setdefault(PENDING, [])


def settle(session: Session) -> None:
    """Write the session's pending deltas (before commit, and before a read of the cells)."""
    session.flush()
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    connection = session.connection()
    for model, key in ROLLUPS:
        sums: dict[tuple, list[int]] = {}
        for row in pending:
            acc = sums.setdefault(tuple(row[k] for k in key), [0] * len(SUMS))
            for i, name in enumerate(SUMS):
                acc[i] += row[name]
        # A ticket moved within its cell changes sx and sy but not n: keep every non-zero sum.
        rows = [
            dict(zip(key, k, strict=True)) | dict(zip(SUMS, acc, strict=True))
            for k, acc in sorted(sums.items())
            if any(acc)
        ]
        table = model.__table__  # type: ignore[attr-defined]
        for start in range(0, len(rows), CHUNK):
            insert = _insert(connection, model).values(rows[start : start + CHUNK])
            insert = insert.on_conflict_do_update(
                index_elements=list(key),
                set_={name: table.c[name] + insert.excluded[name] for name in SUMS},
            )
            connection.execute(insert)
    bump_version(connection)  # the last lock a ticket writer takes (see the note above)


def _moved(target: Ticket) -> bool:
    state = sa.inspect(target)
    return any(state.attrs[name].history.has_changes() for name in TRACKED)


def _collect(connection: sa.Connection, target: Ticket, sign: int) -> None:
    session = sa.orm.object_session(target)
    if session is not None:
        _pending(session).extend(_contributions(connection, target.id, sign))


@sa.event.listens_for(Ticket, "after_insert")
def _ticket_inserted(_mapper: Any, connection: sa.Connection, target: Ticket) -> None:
    _collect(connection, target, 1)


@sa.event.listens_for(Ticket, "before_update")
def _ticket_leaving(_mapper: Any, connection: sa.Connection, target: Ticket) -> None:
    # The row still holds the old values here: take its old contribution out.
    if _moved(target):
        target._map_cells_moved = True  # type: ignore[attr-defined]
        _collect(connection, target, -1)


@sa.event.listens_for(Ticket, "after_update")
def _ticket_arriving(_mapper: Any, connection: sa.Connection, target: Ticket) -> None:
    if target.__dict__.pop("_map_cells_moved", False):
        _collect(connection, target, 1)


@sa.event.listens_for(Ticket, "before_delete")
def _ticket_deleted(_mapper: Any, connection: sa.Connection, target: Ticket) -> None:
    _collect(connection, target, -1)


@sa.event.listens_for(Session, "before_commit")
def _settle_before_commit(session: Session) -> None:
    # A savepoint's release also lands here; its deltas wait for the outer commit, so that a
    # later rollback of an enclosing savepoint takes them back with everything else.
    if session.in_nested_transaction():
        return
    settle(session)


@sa.event.listens_for(Session, "after_commit")
def _check_settled(session: Session) -> None:
    if session.info.pop(PENDING, None):
        # Only a commit called inside an open savepoint gets here (nothing in Wuhao does that).
        log.error("map cells missed a commit's ticket changes: run `flask reports refresh`")


@sa.event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        session.info.setdefault(MARKS, {})[transaction] = len(session.info.get(PENDING, ()))


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous: SessionTransaction) -> None:
    marks = session.info.get(MARKS, {})
    if previous.nested and previous in marks:
        del _pending(session)[marks[previous] :]
    elif previous.parent is None:
        session.info.pop(PENDING, None)


@sa.event.listens_for(Session, "after_transaction_end")
def _drop_mark(session: Session, transaction: SessionTransaction) -> None:
    session.info.get(MARKS, {}).pop(transaction, None)


@sa.event.listens_for(Session, "do_orm_execute")
def _settle_before_reading(state: sa.orm.ORMExecuteState) -> None:
    # Reads of the cells inside the writing transaction (tests, CLI) see its own changes.
    if state.session.info.get(PENDING) and _reads_cells(state.statement):
        settle(state.session)


def _reads_cells(statement: Any) -> bool:
    tables = {MapCell.__table__, MapCellTotal.__table__}
    return any(element in tables for element in sa.sql.visitors.iterate(statement))
