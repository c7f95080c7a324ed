"""Ticket tiles kept in the database, shared by every worker, valid while the map is unchanged.

Why: a tile's ST_AsMVT costs a few milliseconds, and a supervisor's pan asks for a dozen tiles
that other supervisors of the same district ask for too. A cached tile is one primary-key read.

A tile is a function of the open tickets, of who sees which (estates' streets, streets'
districts, ticket parties), of the caller's shape (role, firm, scope, filters: the key) and of
the time, but only through which tickets are overdue. Every change of the first two appends a row
to map_cell_changes (the triggers of migration 0010), and between two folds (each moves
`map_version`) those rows only grow: (map_version, pending change rows) names the map without a
row that every ticket writer would have to lock. With the tickets fixed, the overdue set changes
exactly when the clock passes a due time, which moves the latest due time already passed. So a
stored tile is served when its version and due mark (pending rows and latest due time passed)
are the current ones, and rebuilt otherwise; there is nothing to invalidate and no clock to trust
but the database's rows and the request's `now`.

The version and the mark are read before the tile is built, so a tile is never older than the
version it is stored under. Only callers whose tiles depend on nothing else are cached:
supervisors and admins (a firm's view also depends on the estates it manages today).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from backend.accounts.models import Role, User
from backend.database import UTCDateTime, constant, db
from backend.maps import tiles
from backend.maps.cells import MapCellChange, MapVersion
from backend.maps.grid import Viewer
from backend.places.scope import Scope
from backend.tickets.models import UNIT_STATES, Ticket
from backend.tickets.services import TicketFilter

CACHED_ROLES = (Role.admin, Role.supervisor)
KEEP = timedelta(days=7)  # `flask reports refresh` drops tiles nobody asked for since


class MapTile(db.Model):
    __tablename__ = "map_tiles"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)
    due_mark: Mapped[str] = mapped_column(sa.String(40))
    etag: Mapped[str] = mapped_column(sa.String(40))
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)


def applies(user: User) -> bool:
    return user.role in CACHED_ROLES


def tile_key(user: User, scope: Scope, f: TicketFilter, z: int, x: int, y: int) -> str:
    shape = repr((Viewer.of(user), scope, f, z, x, y))
    return hashlib.sha256(shape.encode()).hexdigest()


def _lookup(key: str, now: datetime) -> sa.Select:
    """The current version and due mark, and the stored tile if it was built at both."""
    # One max per state: each is a backward step on ix_tickets_state_due, where a max over
    # `state IN (...)` reads every overdue ticket.
    passed = sa.func.greatest(
        *(
            sa.select(sa.func.max(Ticket.due_at))
            .where(Ticket.state == constant(state), Ticket.due_at < now)
            .scalar_subquery()
            for state in sorted(UNIT_STATES, key=lambda s: s.value)
        )
    )
    pending = sa.select(sa.func.count()).select_from(MapCellChange).scalar_subquery()
    passed_text = sa.func.coalesce(sa.cast(passed, sa.Text), "")
    mark = (sa.cast(pending, sa.Text) + ":" + passed_text).label("mark")
    current = sa.select(MapVersion.version, mark).where(MapVersion.id == 1).subquery("current")
    stored = sa.and_(
        MapTile.key == key,
        MapTile.version == current.c.version,
        MapTile.due_mark == current.c.mark,
    )
    return sa.select(current.c.version, current.c.mark, MapTile.etag, MapTile.body).select_from(
        current.outerjoin(MapTile, stored)
    )


def ticket_tile(
    user: User, scope: Scope, f: TicketFilter, z: int, x: int, y: int, now: datetime
) -> tuple[bytes, str]:
    """The tickets tile and its ETag: for cached callers the stored tile if it is current,
    else built (and stored)."""
    if not applies(user):
        body = tiles.ticket_tile(user, scope, f, z, x, y, now)
        return body, tiles.etag(body, user, scope)
    key = tile_key(user, scope, f, z, x, y)
    version, mark, tag, body = db.session.execute(_lookup(key, now)).one()
    if body is not None:
        return bytes(body), tag
    body = tiles.ticket_tile(user, scope, f, z, x, y, now)
    tag = tiles.etag(body, user, scope)
    values = {"key": key, "version": version, "due_mark": mark, "etag": tag, "body": body,
              "built_at": now}  # fmt: skip
    insert = postgresql.insert(MapTile).values(values)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=[MapTile.key],
            set_={name: insert.excluded[name] for name in values if name != "key"},
        )
    )
    return body, tag


def prune(now: datetime) -> int:
    result = db.session.execute(sa.delete(MapTile).where(MapTile.built_at < now - KEEP))
    return result.rowcount or 0
