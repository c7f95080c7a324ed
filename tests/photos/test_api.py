"""Photo upload and serving through the API, on local disk and on S3."""

import hashlib
import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from PIL import Image

from backend.photos.models import Photo
from backend.photos.storage import key_for
from tests.photos import images

pytestmark = pytest.mark.usefixtures("photo_store")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _put(client, headers, data, declared=None):
    return client.put(f"/api/photos/{declared or _sha(data)}", data=data, headers=headers)


def test_upload_reads_evidence_and_serves_clean_derivatives(client, login, photo_store):
    headers = login("inspector1")
    original = images.phone_jpeg((4000, 3000), seed=3)
    response = _put(client, headers, original)
    assert response.status_code == 201, response.json
    assert response.json["gps"] == pytest.approx([38.914, 121.616], abs=1e-4)
    taken = datetime.fromisoformat(response.json["taken_at"])
    assert taken == datetime(2026, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    assert response.headers["X-Photo-Max-Bytes"]
    assert _put(client, headers, original).status_code == 200  # a repeat changes nothing
    for variant, limit in (("display", 1600), ("thumb", 320)):
        served = client.get(f"/api/photos/{_sha(original)}/{variant}", headers=headers)
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        body = served.data
        for secret in (b"Exif", images.MAKE.encode(), b"http://ns.adobe.com/xap", images.COMMENT):
            assert secret not in body, (variant, secret)
        with Image.open(io.BytesIO(body)) as picture:
            assert max(picture.size) <= limit
            assert not picture.getexif() and "icc_profile" not in picture.info
    # The original is kept privately, byte for byte.
    assert photo_store.get(key_for("original", _sha(original))) == original


REFUSALS = {
    "empty file": (lambda: b"", 422, "empty"),
    "SVG": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        415,
        "unsupported_type",
    ),
    "HTML named .jpg": (
        lambda: b"<!doctype html><html><body>hi</body></html>",
        415,
        "unsupported_type",
    ),
    "truncated JPEG": (
        lambda: (d := images.phone_jpeg((1200, 900)))[: len(d) * 6 // 10],
        422,
        "corrupt",
    ),
    "decompression bomb": (lambda: images.png_bomb(), 422, "too_many_pixels"),
    "100-megapixel JPEG": (
        lambda: images.with_jpeg_dimensions(images.phone_jpeg((800, 600)), 12500, 8000),
        422,
        "too_many_pixels",
    ),
    "GIF": (lambda: images.gif_bomb(), 415, "unsupported_type"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_hostile_uploads_are_refused_leaving_nothing(client, login, dbsession, photo_store, case):
    make, status, code = REFUSALS[case]
    data = make()
    response = _put(client, login("inspector1"), data)
    assert response.status_code == status, (case, response.json)
    assert response.json["code"] == code
    assert dbsession.get(Photo, _sha(data)) is None
    for kind in ("original", "display", "thumb"):
        assert not photo_store.exists(key_for(kind, _sha(data)))


def test_declared_hash_must_match_and_be_a_hash(client, login, dbsession):
    headers = login("inspector1")
    data = images.phone_jpeg((640, 480))
    wrong = _put(client, headers, data, declared="0" * 64)
    assert wrong.status_code == 422 and wrong.json["code"] == "hash_mismatch"
    assert client.put("/api/photos/..%2F..%2Fetc", data=data, headers=headers).status_code in (
        404,
        422,
    )
    assert _put(client, headers, data, declared="ABC").status_code == 422
    assert (
        dbsession.scalar(
            sa.select(sa.func.count()).select_from(Photo).where(Photo.sha256 == _sha(data))
        )
        == 0
    )


def test_oversized_body_is_413(client, login, app):
    data = b"\xff\xd8\xff" + b"\0" * (app.config["PHOTO_MAX_BYTES"] + 1)
    response = _put(client, login("inspector1"), data)
    assert response.status_code == 413


def test_head_tells_limits_and_presence(client, login, app):
    headers = login("inspector1")
    limits = client.head("/api/photos", headers=headers)
    assert limits.status_code == 200
    assert int(limits.headers["X-Photo-Max-Bytes"]) == app.config["PHOTO_MAX_BYTES"]
    assert client.head(f"/api/photos/{'a' * 64}", headers=headers).status_code == 404
    assert client.head("/api/photos").status_code == 401
