"""What a backup holds: rows per table, the ids of every row, photo hashes, the schema revision."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from backend.database import db

MANIFEST = "manifest.json"


@dataclass
class Manifest:
    backend: str
    app_version: str
    revision: str | None
    created_at: str
    counts: dict[str, int]
    ids_digest: dict[str, str]  # table → SHA-256 of its sorted primary keys
    photos: list[str]
    files: dict[str, str] = field(default_factory=dict)  # file in the backup → SHA-256

    def write(self, folder: Path) -> None:
        text = json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True)
        (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.is_file():
            raise FileNotFoundError(f"{folder} holds no {MANIFEST}: not a Wuhao backup")
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def _key(value: Any) -> str:
    return str(value)


def survey(
    connection: sa.Connection,
) -> tuple[str | None, dict[str, int], dict[str, str], list[str]]:
    """Revision, row counts, id digests and photo hashes as this connection sees them."""
    revision = None
    if sa.inspect(connection).has_table("alembic_version"):
        revision = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        rows = connection.execute(sa.select(*keys)).all()
        counts[table.name] = len(rows)
        ids = sorted("|".join(_key(v) for v in row) for row in rows)
        digests[table.name] = hashlib.sha256("\n".join(ids).encode()).hexdigest()
    photos = sorted(connection.scalars(sa.text("SELECT sha256 FROM photos")))
    return revision, counts, digests, photos


def differences(expected: Manifest, connection: sa.Connection) -> list[str]:
    """What the database lacks or has beyond the manifest (empty: it holds exactly the backup)."""
    revision, counts, digests, photos = survey(connection)
    problems = []
    if revision != expected.revision:
        problems.append(f"schema revision {revision} ≠ {expected.revision}")
    for table, count in expected.counts.items():
        if counts.get(table) != count:
            problems.append(f"{table}: {counts.get(table)} rows, the backup has {count}")
        elif digests.get(table) != expected.ids_digest.get(table):
            problems.append(f"{table}: the row ids differ from the backup's")
    if photos != expected.photos:
        problems.append("the photos table differs from the backup's")
    return problems


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
