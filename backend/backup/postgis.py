"""PostGIS: pg_dump (custom format) from the very snapshot the manifest was counted in, and
pg_restore into an empty database."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

DUMP = "database.dump"


class BackupFailed(RuntimeError):
    pass


def bindir() -> Path:
    """PG_BINDIR, else the newest installed PostgreSQL, else whatever is on PATH.

    pg_dump must be at least as new as the server, so the newest installed one is preferred."""
    configured = current_app.config.get("PG_BINDIR")
    if configured:
        return Path(configured)
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), reverse=True):
        return Path(candidate).parent
    found = shutil.which("pg_dump")
    if found is None:
        raise BackupFailed("pg_dump not found: install postgresql-client or set PG_BINDIR")
    return Path(found).parent


def _libpq_env(url: sa.URL) -> dict[str, str]:
    """The URL as libpq variables, so no password ever shows in a process list."""
    env = dict(os.environ)
    query = dict(url.query)
    values = {
        "PGHOST": query.get("host") or url.host,
        "PGPORT": query.get("port") or url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": query.get("sslmode"),
    }
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


def _run(command: list[str], url: sa.URL) -> None:
    done = subprocess.run(command, env=_libpq_env(url), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupFailed(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def dump(engine: sa.Engine, folder: Path, survey: Callable[[sa.Connection], object]) -> object:
    """Survey and dump one snapshot: the manifest counts exactly what the dump holds."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
            surveyed = survey(connection)
            _run(
                [
                    str(bindir() / "pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={folder / DUMP}",
                ],
                engine.url,
            )
    return surveyed


def restore(engine: sa.Engine, folder: Path, ours: set[str]) -> None:
    """Into a database with none of our tables (PostGIS's own spatial_ref_sys may be there)."""
    with engine.connect() as connection:
        if ours & set(sa.inspect(connection).get_table_names()):
            raise BackupFailed(
                f"database {engine.url.database} is not empty: restore only into a new database"
            )
    _run(
        [
            str(bindir() / "pg_restore"),
            "--exit-on-error",
            "--no-owner",
            "--single-transaction",
            "--no-comments",  # COMMENT ON EXTENSION needs its owner; we write no comments
            f"--dbname={engine.url.database}",
            str(folder / DUMP),
        ],
        engine.url,
    )
