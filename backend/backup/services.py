"""`create` and `restore`: the database, then the photos it names, checked against a manifest."""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import sqlalchemy as sa

from backend.backup import postgis, spatialite
from backend.backup.manifest import MANIFEST, Manifest, differences, file_digest, survey
from backend.backup.photos import backup_store, copy_photos
from backend.backup.postgis import BackupFailed
from backend.clock import SHANGHAI, utcnow
from backend.database import backend_name, db, engine_options
from backend.photos.services import storage

__all__ = ["BackupFailed", "create", "new_folder", "restore"]


def new_folder(under: Path) -> Path:
    """A folder of its own for this run, named by Beijing time (`wuhao-20261204-023000`), so a
    second backup the same day never meets the first; `-2`, `-3` … within one second."""
    under.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = "wuhao-" + utcnow().astimezone(SHANGHAI).strftime("%Y%m%d-%H%M%S")
    for suffix in ["", *(f"-{n}" for n in range(2, 100))]:
        folder = under / f"{stem}{suffix}"
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return folder
    raise BackupFailed(f"{under} already holds 99 backups named {stem}")


def _private(folder: Path) -> None:
    """Only the backup's owner may read it: it holds every account's password hash and every
    resident's complaint. Folders 0700, files 0600, whatever the umask was."""
    folder.chmod(0o700)
    for parent, folders, files in os.walk(folder):
        for name in folders:
            os.chmod(os.path.join(parent, name), 0o700)
        for name in files:
            os.chmod(os.path.join(parent, name), 0o600)


def _mimes(connection: sa.Connection, hashes: list[str]) -> dict[str, str]:
    rows = connection.execute(sa.text("SELECT sha256, mime FROM photos")).all()
    wanted = set(hashes)
    return {sha: mime for sha, mime in rows if sha in wanted}


def create(folder: Path) -> Manifest:
    """Back up into `folder` (new or empty): database, photo files, manifest.json last."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupFailed(f"{folder} is not empty: back up into a new folder")
    folder.chmod(0o700)  # before anything is written into it
    engine = db.engine
    if backend_name() == "spatialite":
        copy = spatialite.dump(engine, folder)
        # Survey the copy itself: it is what a restore will bring back.
        url = f"sqlite:///{copy}"
        snapshot = sa.create_engine(url, **engine_options(url))
        try:
            with snapshot.connect() as connection:
                revision, counts, digests, photos = survey(connection)
        finally:
            snapshot.dispose()
        database_file = spatialite.FILE
    else:
        revision, counts, digests, photos = postgis.dump(engine, folder, survey)  # type: ignore[misc]
        database_file = postgis.DUMP
    with engine.connect() as connection:
        mimes = _mimes(connection, photos)  # photo rows never change once written
    missing = copy_photos(mimes, storage(), backup_store(folder))
    if missing:
        raise BackupFailed(f"{len(missing)} photo file(s) missing from the store: {missing[:5]}")
    manifest = Manifest(
        backend=backend_name(),
        app_version=version("wuhao"),
        revision=revision,
        created_at=utcnow().isoformat(),
        counts=counts,
        ids_digest=digests,
        photos=photos,
        files={database_file: file_digest(folder / database_file)},
    )
    manifest.write(folder)  # last: a folder without a manifest is an unfinished backup
    _private(folder)
    return manifest


def restore(folder: Path) -> Manifest:
    """Restore into the configured (empty) database and photo store, then prove it is whole."""
    manifest = Manifest.read(folder)
    if manifest.backend != backend_name():
        raise BackupFailed(f"this is a {manifest.backend} backup; the app runs {backend_name()}")
    for name, digest in manifest.files.items():
        if file_digest(folder / name) != digest:
            raise BackupFailed(f"{name} does not match {MANIFEST}: the backup is damaged")
    ours = {table.name for table in db.metadata.sorted_tables} | {"alembic_version"}
    module = spatialite if manifest.backend == "spatialite" else postgis
    module.restore(db.engine, folder, ours)
    db.engine.dispose()  # new connections see the restored schema
    with db.engine.connect() as connection:
        problems = differences(manifest, connection)
        mimes = _mimes(connection, manifest.photos)
    missing = copy_photos(mimes, backup_store(folder), storage())
    if missing:
        problems.append(f"{len(missing)} photo(s) missing from the backup: {missing[:5]}")
    if problems:
        raise BackupFailed("restored, but it differs from the manifest: " + "; ".join(problems))
    return manifest
