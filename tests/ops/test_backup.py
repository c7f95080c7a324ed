"""`flask backup create` then `flask backup restore` into a new empty database and photo store:
every row of every table and every photo comes back (SpatiaLite and PostGIS)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from backend import create_app
from backend.database import db
from backend.photos.storage import key_for, storage_from_url
from tests.conftest import LEGS, STANDARD_CHECKLIST
from tests.inspections.conftest import jpeg


@pytest.fixture(params=LEGS)
def new_database(request: pytest.FixtureRequest, tmp_path: Path):
    def make(name: str) -> str:
        if request.param == "spatialite":
            return f"sqlite:///{tmp_path / name}.sqlite"
        return request.getfixturevalue("pg_cluster").create_database(f"backup_{name}")

    return make


def _app(url: str, photos: Path) -> Flask:
    return create_app({"DATABASE_URL": url, "PHOTO_STORAGE": f"local:{photos}"})


def _cli(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _rows(app: Flask) -> dict[str, set[tuple]]:
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: set(map(tuple, connection.execute(sa.select(*table.primary_key.columns))))
            for table in db.metadata.sorted_tables
        }


def test_restore_into_an_empty_database_finds_every_record_and_photo(new_database, tmp_path):
    source = _app(new_database("source"), tmp_path / "photos-source")
    _cli(source, "db", "upgrade")
    _cli(source, "checklists", "import", str(STANDARD_CHECKLIST))
    _cli(source, "demo", "seed")  # six weeks of inspections, tickets and photos
    before = _rows(source)
    assert before["inspections"] and before["tickets"] and before["photos"]
    assert before["ticket_events"] and before["inspection_result_photos"]

    out = _cli(source, "backup", "create", str(tmp_path / "backup"))
    assert f"{len(before['photos'])} photos" in out
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["counts"] == {table: len(ids) for table, ids in before.items()}
    assert manifest["photos"] == sorted(sha for (sha,) in before["photos"])
    assert manifest["revision"] and manifest["app_version"] and manifest["created_at"]

    target = _app(new_database("target"), tmp_path / "photos-target")
    out = _cli(target, "backup", "restore", str(tmp_path / "backup"))
    assert "every table and photo matches" in out

    after = _rows(target)
    assert after == before  # same ids in every table
    old = storage_from_url(f"local:{tmp_path / 'photos-source'}")
    new = storage_from_url(f"local:{tmp_path / 'photos-target'}")
    for (sha,) in before["photos"]:
        assert hashlib.sha256(new.get(key_for("original", sha))).hexdigest() == sha
        for kind in ("display", "thumb"):
            assert new.get(key_for(kind, sha)) == old.get(key_for(kind, sha))

    # The restored system works: a firm signs in and sees its tickets with their photos.
    client = target.test_client()
    token = client.post("/api/auth/login", json={"username": "firm1", "password": "demo12345"})
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    tickets = client.get("/api/tickets?page_size=200", headers=headers)
    assert tickets.status_code == 200 and tickets.json
    ticket = client.get(f"/api/tickets/{tickets.json[0]['id']}", headers=headers).json
    for photo in ticket["photos"]:
        thumb = client.get(f"/api/photos/{photo['sha256']}/thumb", headers=headers)
        assert thumb.status_code == 200 and thumb.data

    # A damaged backup is refused before anything is written.
    damaged = tmp_path / "damaged"
    shutil.copytree(tmp_path / "backup", damaged)
    (database_file,) = manifest["files"]
    data = bytearray((damaged / database_file).read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    (damaged / database_file).write_bytes(bytes(data))
    refused = target.test_cli_runner().invoke(args=["backup", "restore", str(damaged)])
    assert refused.exit_code != 0 and "damaged" in refused.output

    # A second restore over the restored data is refused: restores go into empty databases.
    again = target.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "backup")])
    assert again.exit_code != 0 and "not empty" in again.output
    for app in (source, target):
        with app.app_context():
            db.engine.dispose()


def test_backup_and_restore_with_photos_in_s3(s3_server, tmp_path):
    """The photo files travel through the store interface, so S3 needs no bucket listing."""
    bucket, endpoint = s3_server["bucket"], s3_server["endpoint"]

    def store(prefix: str) -> str:
        return f"s3://{bucket}/{prefix}?endpoint_url={endpoint}&region=us-east-1"

    source = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'source.sqlite'}",
            "PHOTO_STORAGE": store(f"{tmp_path.name}-source"),
        }
    )
    _cli(source, "db", "upgrade")
    _cli(source, "checklists", "import", str(STANDARD_CHECKLIST))
    _cli(source, "demo", "seed", "--no-history")
    client = source.test_client()
    token = client.post("/api/auth/login", json={"username": "inspector1", "password": "demo12345"})
    for seed in range(3):
        data = jpeg(seed)
        put = client.put(
            f"/api/photos/{hashlib.sha256(data).hexdigest()}",
            data=data,
            headers={
                "Authorization": f"Bearer {token.json['token']}",
                "Content-Type": "image/jpeg",
            },
        )
        assert put.status_code == 201
    photos = _rows(source)["photos"]
    assert len(photos) == 3
    _cli(source, "backup", "create", str(tmp_path / "backup"))

    target = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'target.sqlite'}",
            "PHOTO_STORAGE": store(f"{tmp_path.name}-target"),
        }
    )
    _cli(target, "backup", "restore", str(tmp_path / "backup"))
    assert _rows(target) == _rows(source)
    restored = storage_from_url(store(f"{tmp_path.name}-target"))
    for (sha,) in photos:
        assert hashlib.sha256(restored.get(key_for("original", sha))).hexdigest() == sha
        assert restored.exists(key_for("thumb", sha))
    for app in (source, target):
        with app.app_context():
            db.engine.dispose()
