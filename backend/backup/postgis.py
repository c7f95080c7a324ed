"""PostGIS: pg_dump (custom format) from the very snapshot the manifest was counted in, and
pg_restore into an empty database."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
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
    """Into a database with none of our tables (PostGIS's own spatial_ref_sys may be there).

    Runs as the application's own role, not a superuser: the extensions are the database
    administrator's (docs/deploy.md §2), so the dump's extension entries and the rows of tables
    an extension owns (spatial_ref_sys) are left out; restoring them needs the extension's owner.
    """
    with engine.connect() as connection:
        if ours & set(sa.inspect(connection).get_table_names()):
            raise BackupFailed(
                f"database {engine.url.database} is not empty: restore only into a new database"
            )
        installed = set(connection.scalars(sa.text("SELECT extname FROM pg_extension")))
        owned = {
            f"{schema} {name}"
            for schema, name in connection.execute(sa.text(EXTENSION_TABLES)).all()
        }
    entries = _listing(folder / DUMP, engine.url)
    wanted = {_entry_name(line) for line in entries if _entry_type(line) == "EXTENSION"}
    missing = sorted(wanted - installed)
    if missing:
        raise BackupFailed(
            f"database {engine.url.database} lacks the extension(s) {', '.join(missing)}: "
            "as a PostgreSQL superuser, run CREATE EXTENSION for each in it first"
        )
    kept = [line for line in entries if not _administrators(line, owned)]
    with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8") as use_list:
        use_list.write("\n".join(kept) + "\n")
        use_list.flush()
        _run(
            [
                str(bindir() / "pg_restore"),
                "--exit-on-error",
                "--no-owner",  # every object becomes the restoring role's
                "--no-privileges",  # grants to other roles: the target may not have them
                "--single-transaction",
                f"--use-list={use_list.name}",
                f"--dbname={engine.url.database}",
                str(folder / DUMP),
            ],
            engine.url,
        )


# Tables that belong to an installed extension (PostGIS's spatial_ref_sys), as "schema name".
EXTENSION_TABLES = """
SELECT n.nspname, c.relname FROM pg_depend d
JOIN pg_class c ON c.oid = d.objid AND d.classid = 'pg_class'::regclass
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.deptype = 'e' AND c.relkind IN ('r', 'p')
"""


def _listing(dump_file: Path, url: sa.URL) -> list[str]:
    """The dump's table of contents (`pg_restore --list`), one entry a line."""
    done = subprocess.run(
        [str(bindir() / "pg_restore"), "--list", str(dump_file)],
        env=_libpq_env(url),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupFailed(f"pg_restore --list failed: {done.stderr.strip()[-2000:]}")
    return [line for line in done.stdout.splitlines() if line and not line.startswith(";")]


def _entry_type(line: str) -> str:
    """`4210; 0 16703 TABLE DATA public spatial_ref_sys owner` → `TABLE DATA`."""
    words = line.split(";", 1)[1].split()[2:]
    for size in (3, 2, 1):
        if " ".join(words[:size]) in ENTRY_TYPES:
            return " ".join(words[:size])
    return words[0] if words else ""


def _entry_name(line: str) -> str:
    """The entry's object: `schema name` (or `name` for schema-less entries)."""
    words = line.split(";", 1)[1].split()[2:]
    rest = words[len(_entry_type(line).split()) :]
    schema, name = rest[0], rest[1] if len(rest) > 1 else ""
    return name if schema == "-" else f"{schema} {name}"


ENTRY_TYPES = {"EXTENSION", "COMMENT", "TABLE DATA", "SEQUENCE SET", "SCHEMA"}


def _administrators(line: str, extension_tables: set[str]) -> bool:
    """An entry only the database administrator may restore: an extension, its comment, or
    the rows of a table an extension owns."""
    kind = _entry_type(line)
    if kind == "EXTENSION":
        return True
    if kind == "COMMENT":
        return " EXTENSION " in f" {line.split(';', 1)[1]} "
    return kind == "TABLE DATA" and _entry_name(line) in extension_tables
