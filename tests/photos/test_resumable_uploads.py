"""Resumable photo uploads (tus 1.0.0) through the API, as a phone on a slow uplink uses them."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.clock import utcnow
from backend.photos.models import Photo, PhotoUpload, PhotoUploadChunk
from tests.phone_photos import phone_photo

TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = "application/offset+octet-stream"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _metadata(sha256: str, filetype: str = "image/jpeg") -> str:
    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    return f"sha256 {b64(sha256)},filetype {b64(filetype)}"


@pytest.fixture
def italy() -> bytes:
    return phone_photo("camera-2008-gps-italy.jpg").read_bytes()


@pytest.fixture
def tus(client, login):
    """tus('inspector1') → a small client speaking tus with that user's token."""

    class Tus:
        def __init__(self, username: str) -> None:
            self.headers = {**login(username), **TUS}

        def create(self, data: bytes, sha256: str | None = None, length: int | None = None):
            return client.post(
                "/api/photos/uploads",
                headers={
                    **self.headers,
                    "Upload-Length": str(len(data) if length is None else length),
                    "Upload-Metadata": _metadata(sha256 or _sha(data)),
                },
            )

        def head(self, location: str):
            return client.head(location, headers=self.headers)

        def patch(
            self, location: str, offset: int, chunk: bytes, declared: int | None = None, **extra
        ):
            headers = {**self.headers, "Upload-Offset": str(offset), "Content-Type": CHUNK, **extra}
            # `declared`: the Content-Length announced by a client whose connection then drops.
            environ = {"CONTENT_LENGTH": str(declared)} if declared is not None else {}
            return client.patch(location, data=chunk, headers=headers, environ_overrides=environ)

        def delete(self, location: str):
            return client.delete(location, headers=self.headers)

    return Tus


def test_discovery_names_version_extensions_and_limits(client, login, app):
    response = client.options("/api/photos/uploads", headers={**login("firm1"), **TUS})
    assert response.status_code == 204
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Tus-Version"] == "1.0.0"
    assert response.headers["Tus-Extension"] == "creation,termination"
    assert int(response.headers["Tus-Max-Size"]) == app.config["PHOTO_MAX_BYTES"]
    assert int(response.headers["X-Upload-Max-Chunk-Bytes"]) == 1024 * 1024


def test_chunks_resume_after_an_interruption_and_store_the_photo(tus, italy, client, dbsession):
    phone = tus("inspector1")
    created = phone.create(italy)
    assert created.status_code == 201, created.json
    location = created.headers["Location"]
    assert location.startswith("/api/photos/uploads/")
    assert created.headers["Upload-Offset"] == "0"
    size = 32 * 1024
    assert phone.patch(location, 0, italy[:size]).status_code == 204
    # The connection drops in the middle of the second chunk: nothing of it is kept.
    cut = phone.patch(location, size, italy[size : size + 1000], declared=size)
    assert cut.status_code == 400 and cut.json["code"] == "bad_request"
    # After a reload the phone asks where to go on.
    state = phone.head(location)
    assert state.status_code == 200
    assert state.headers["Upload-Offset"] == str(size)
    assert state.headers["Upload-Length"] == str(len(italy))
    assert state.headers["Cache-Control"] == "no-store"
    # A chunk sent at the wrong offset: 409 with the server's offset.
    wrong = phone.patch(location, 0, italy[:size])
    assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == str(size)
    assert wrong.json["code"] == "conflict"
    offset = size
    while offset < len(italy):
        chunk = italy[offset : offset + size]
        answer = phone.patch(location, offset, chunk)
        assert answer.status_code == 204, answer.json
        offset += len(chunk)
        assert answer.headers["Upload-Offset"] == str(offset)
    assert answer.headers["X-Photo-Stored"] == "created"
    photo = dbsession.get(Photo, _sha(italy))
    assert photo is not None and photo.taken_at.year == 2008  # ingested like PUT: EXIF read
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(PhotoUploadChunk)) == 0
    assert phone.head(location).status_code == 404  # finished uploads are gone
    # A photo the server has already: nothing to send.
    again = phone.create(italy)
    assert again.status_code == 200 and again.headers["X-Photo-Stored"] == "exists"
    assert client.head(f"/api/photos/{_sha(italy)}", headers=phone.headers).status_code == 200


def test_a_lost_location_resumes_the_same_upload(tus, italy):
    phone = tus("firm1")
    first = phone.create(italy)
    phone.patch(first.headers["Location"], 0, italy[:4096])
    second = phone.create(italy)
    assert second.status_code == 201
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Upload-Offset"] == "4096"


def test_hash_mismatch_discards_the_upload(tus, italy, dbsession):
    phone = tus("inspector1")
    claimed = _sha(b"another photo")
    location = phone.create(italy, sha256=claimed).headers["Location"]
    answer = phone.patch(location, 0, italy)
    assert answer.status_code == 409 and answer.json["code"] == "hash_mismatch"
    assert phone.head(location).status_code == 404
    assert dbsession.get(Photo, claimed) is None and dbsession.get(Photo, _sha(italy)) is None


def test_a_broken_image_is_refused_like_put_and_discarded(tus):
    phone = tus("inspector1")
    junk = b"<!doctype html><html><body>not a photo</body></html>"
    location = phone.create(junk).headers["Location"]
    answer = phone.patch(location, 0, junk)
    assert answer.status_code == 415 and answer.json["code"] == "unsupported_type"
    assert phone.head(location).status_code == 404


def test_limits_size_chunk_type_and_protocol(tus, italy, app, client, login):
    phone = tus("inspector1")
    too_big = phone.create(italy, length=app.config["PHOTO_MAX_BYTES"] + 1)
    assert too_big.status_code == 413 and too_big.json["status"] == 413
    no_sha = client.post(
        "/api/photos/uploads",
        headers={**phone.headers, "Upload-Length": "10", "Upload-Metadata": "filetype aW1hZ2U="},
    )
    assert no_sha.status_code == 422 and "Upload-Metadata" in no_sha.json["errors"]
    no_length = client.post(
        "/api/photos/uploads", headers={**phone.headers, "Upload-Metadata": _metadata("a" * 64)}
    )
    assert no_length.status_code == 400 and no_length.json["code"] == "bad_request"
    no_tus = client.post(
        "/api/photos/uploads",
        headers={
            **login("inspector1"),
            "Upload-Length": "10",
            "Upload-Metadata": _metadata("a" * 64),
        },
    )
    assert no_tus.status_code == 412 and no_tus.headers["Tus-Version"] == "1.0.0"
    location = phone.create(italy).headers["Location"]
    wrong_type = phone.patch(location, 0, italy[:100], **{"Content-Type": "image/jpeg"})
    assert wrong_type.status_code == 415
    big_chunk = phone.patch(location, 0, italy + italy + bytes(1024 * 1024))
    assert big_chunk.status_code == 413 and big_chunk.json["code"] == "payload_too_large"
    assert phone.head(location).headers["Upload-Offset"] == "0"


def test_uploads_are_private_expire_and_are_pruned(
    tus, italy, client, dbsession, frozen_clock, app
):
    owner, stranger = tus("inspector1"), tus("inspector2")
    location = owner.create(italy).headers["Location"]
    owner.patch(location, 0, italy[:1000])
    assert stranger.head(location).status_code == 404  # HEAD answers carry no body
    for answer in (stranger.patch(location, 0, italy[:10]), stranger.delete(location)):
        assert answer.status_code == 404 and answer.json["code"] == "not_found"
    assert owner.head(location).headers["Upload-Offset"] == "1000"
    frozen_clock(utcnow() + timedelta(hours=app.config["PHOTO_UPLOAD_TTL_HOURS"], minutes=1))
    assert owner.head(location).status_code == 404  # expired
    result = app.test_cli_runner().invoke(args=["photos", "prune-uploads"])
    assert result.exit_code == 0, result.output
    assert "1 expired upload(s) deleted" in result.output
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(PhotoUpload)) == 0
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(PhotoUploadChunk)) == 0


def test_termination_and_the_per_user_cap(tus, app):
    phone = tus("firm2")
    cap = app.config["PHOTO_UPLOAD_MAX_OPEN"]
    locations = [phone.create(bytes([n]) * 100).headers["Location"] for n in range(cap)]
    refused = phone.create(b"one too many")
    assert refused.status_code == 429 and refused.json["code"] == "too_many_requests"
    assert phone.delete(locations[0]).status_code == 204
    assert phone.head(locations[0]).status_code == 404
    assert phone.create(b"one too many").status_code == 201
