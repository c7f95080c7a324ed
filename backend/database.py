"""Database engine setup shared by every feature: SpatiaLite (embedded) or PostGIS (production)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
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


def _on_sqlite_begin(connection: sa.Connection) -> None:
    # A write request takes the write lock at BEGIN: in WAL mode a transaction that read first
    # and writes later fails at once if another writer committed meanwhile ("database is
    # locked" without waiting), while BEGIN IMMEDIATE waits its turn (busy_timeout).
    writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
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


def keep_changes_on_error() -> None:
    """Ask the request boundary to commit even though the response is an error (e.g. a failed
    login must still count towards the lockout)."""
    g.wuhao_keep_changes_on_error = True


def changes_kept_on_error() -> bool:
    return bool(g.get("wuhao_keep_changes_on_error"))
