"""SpatiaLite: SQLite's online backup API (a consistent copy while the app keeps running)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from backend.backup.postgis import BackupFailed

FILE = "database.sqlite"


def _connect(path: Path):
    import sqlean

    return sqlean.connect(str(path))


def dump(engine: sa.Engine, folder: Path) -> Path:
    target = _connect(folder / FILE)
    source = engine.raw_connection()
    try:
        source.driver_connection.backup(target)  # type: ignore[union-attr]
    finally:
        source.close()
        target.close()
    return folder / FILE


def restore(engine: sa.Engine, folder: Path, ours: set[str]) -> None:
    """Into a database file that does not exist yet or holds none of our tables."""
    path = engine.url.database
    if not path or path == ":memory:":
        raise BackupFailed("restore needs a SQLite database file")
    with engine.connect() as connection:
        if ours & set(sa.inspect(connection).get_table_names()):
            raise BackupFailed(f"{path} is not empty: restore only into a new database")
    engine.dispose()  # no pooled connection may hold the file while it is replaced
    source, target = _connect(folder / FILE), _connect(Path(path))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
