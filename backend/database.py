"""Database engine setup shared by every feature: SpatiaLite (embedded) or PostGIS (production)."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from geoalchemy2.admin.dialects.sqlite import load_spatialite
from sqlalchemy.orm import DeclarativeBase


class BoundSession(FlaskSession):
    """Honour an explicit session-wide bind (tests join an outer transaction this way)."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base, session_options={"class_": BoundSession})


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC on both databases (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def engine_options(url: str) -> dict[str, Any]:
    """Engine options per backend: SQLite needs a driver that can load extensions."""
    if not is_sqlite(url):
        return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
    import sqlean

    return {"module": sqlean.dbapi2, "connect_args": {"timeout": 30, "check_same_thread": False}}


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
    # Let SQLAlchemy, not the driver, issue BEGIN: needed for SAVEPOINT and predictable locking.
    dbapi_conn.isolation_level = None
    # WAL + busy timeout let several gunicorn workers share one file without "database is locked".
    dbapi_conn.execute("PRAGMA journal_mode=WAL")
    dbapi_conn.execute("PRAGMA busy_timeout=30000")
    dbapi_conn.execute("PRAGMA foreign_keys=ON")
    load_spatialite(dbapi_conn, transaction=True, init_mode="WGS84")


_WRITING_COMMAND = ContextVar("wuhao_writing_command", default=False)


@contextmanager
def writing_command() -> Iterator[None]:
    """Inside a CLI command that writes (cron jobs), SQLite transactions take the write lock at
    BEGIN, as write requests do, so two copies running at once wait for each other."""
    token = _WRITING_COMMAND.set(True)
    try:
        yield
    finally:
        _WRITING_COMMAND.reset(token)


def _on_sqlite_begin(connection: sa.Connection) -> None:
    # A write request takes the write lock at BEGIN: in WAL mode a transaction that read first
    # and writes later fails at once if another writer committed meanwhile ("database is
    # locked" without waiting), while BEGIN IMMEDIATE waits its turn (busy_timeout).
    writing = _WRITING_COMMAND.get() or (
        has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    )
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def init_database(app: Flask) -> None:
    """Bind Flask-SQLAlchemy; on SQLite install the SpatiaLite loader (no connection is opened)."""
    db.init_app(app)
    if is_sqlite(app.config["SQLALCHEMY_DATABASE_URI"]):
        with app.app_context():
            sa.event.listen(db.engine, "connect", _on_sqlite_connect)
            sa.event.listen(db.engine, "begin", _on_sqlite_begin)


def backend_name() -> str:
    return "spatialite" if db.engine.dialect.name == "sqlite" else "postgis"


ENUM_VALUE = re.compile(r"[a-z_]+")


def constant(value: int | float | Enum) -> sa.ColumnElement[Any]:
    """A constant of the code (a number, an enum member; never a caller's value) written into
    the SQL instead of bound. Why: the planner sees it (a partial index over the open states,
    GROUP BY matching the selected expression) and a statement run on every map move has fewer
    parameters to process."""
    if isinstance(value, Enum):
        if not isinstance(value.value, str) or not ENUM_VALUE.fullmatch(value.value):
            raise ValueError(f"not a plain enum value: {value!r}")
        return sa.literal_column("'" + value.value + "'", sa.String)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"only numbers and enum members are inlined, not {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return sa.literal_column(repr(value), sa.Integer if isinstance(value, int) else sa.Float)


def in_constants(column: sa.ColumnElement[Any], values: Iterable[Enum]) -> sa.ColumnElement[bool]:
    """`column IN (...)` over enum members, written inline (sorted: one SQL text per set)."""
    return column.in_([constant(v) for v in sorted(values, key=lambda v: v.value)])


# For the map's reads (constant text: the settings never come from a caller).
_PLAN_FOR_VALUES = sa.text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('enable_bitmapscan', 'off', true)"
)


def plan_for_values() -> None:
    """PostgreSQL plans the rest of this transaction's statements for their actual values and
    without bitmap scans (no-op on SQLite). SET LOCAL, so it ends with the transaction and
    works behind a transaction-mode pooler. Why, for the map's statements:
    - psycopg prepares a statement run five times on a connection, and PostgreSQL may then
      switch to a generic plan that cannot see the bbox, cell range or scope (a map read went
      from 8 ms to 90 ms). Planning every run costs ~1-3 ms, which the map can afford and the
      write paths (planned once, run often) need not pay.
    - for open tickets in a bbox the planner ANDs the partial spatial index (open tickets
      only) with a bitmap of the state index over every open ticket of the city, counting the
      state condition twice; that bitmap alone costs ~10 ms at 100,000 open tickets, while an
      index scan of the spatial index returns the same rows and stops at a LIMIT.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(_PLAN_FOR_VALUES)


def keep_changes_on_error() -> None:
    """Ask the request boundary to commit even though the response is an error (e.g. a failed
    login must still count towards the lockout)."""
    g.wuhao_keep_changes_on_error = True


def changes_kept_on_error() -> bool:
    return bool(g.get("wuhao_keep_changes_on_error"))
