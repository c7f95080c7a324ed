"""The hostile corpus of test_hostile_uploads.py, sent through the API: refused with the right
4xx and nothing kept, or accepted and then served only as our own clean JPEG with safe headers.
Also every EXIF orientation and garbage GPS end to end (served upright, no metadata)."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from backend.photos.models import Photo
from backend.photos.pipeline import sniff
from tests.phone_photos import phone_photo
from tests.photos import images as img
from tests.photos.test_hostile_uploads import ACCEPTED, CORPUS
from tests.photos.test_pipeline import _BAD_GPS
from tests.security.tokens import bearer

STATUS = {"unsupported_type": 415, "too_large": 413}  # every other refusal is 422
SECRETS = (b"<html", b"<script", b"<svg", b"alert", b"Exif", b"WUHAO", b"http://ns.adobe.com")


@pytest.fixture
def inspector(dbsession) -> dict[str, str]:
    return bearer(dbsession, "inspector1")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _served(client, headers, sha: str) -> list[bytes]:
    bodies = []
    for variant in ("display", "thumb"):
        response = client.get(f"/api/photos/{sha}/{variant}", headers=headers)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/jpeg"
        assert sniff(response.data) == "image/jpeg"  # the type we say is the type it is
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].endswith(f'-{variant}.jpg"')
        csp = response.headers["Content-Security-Policy"]
        assert "sandbox" in csp and "default-src 'none'" in csp
        for needle in SECRETS:
            assert needle not in response.data, (variant, needle)
        with Image.open(io.BytesIO(response.data)) as picture:
            assert not picture.getexif() and "icc_profile" not in picture.info
            assert "comment" not in picture.info and "xmp" not in picture.info
        bodies.append(response.data)
    return bodies


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")
@pytest.mark.parametrize("name", CORPUS.keys())
def test_hostile_corpus_through_the_api(client, inspector, dbsession, name):
    make, expected = CORPUS[name]
    data = make()
    headers = inspector
    # The declared type and name are lies; the server must not care.
    response = client.put(
        f"/api/photos/{_sha(data)}",
        data=data,
        headers={
            **headers,
            "Content-Type": "text/html",
            "Content-Disposition": 'filename="x.html"',
        },
    )
    assert response.status_code < 500, (name, response.status_code)
    if expected == ACCEPTED:
        assert response.status_code == 201, (name, response.json)
        _served(client, headers, _sha(data))
        return
    assert response.status_code == STATUS.get(expected, 422), (name, response.json)
    assert response.json["code"] == expected
    assert dbsession.get(Photo, _sha(data)) is None
    assert client.get(f"/api/photos/{_sha(data)}/display", headers=headers).status_code == 404


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_served_upright_without_exif(client, inspector, orientation):
    data = img.oriented_jpeg(orientation, (800, 480))
    headers = inspector
    assert client.put(f"/api/photos/{_sha(data)}", data=data, headers=headers).status_code == 201
    display, thumb = _served(client, headers, _sha(data))
    for body in (display, thumb):
        with Image.open(io.BytesIO(body)) as picture:
            assert picture.width > picture.height  # the upright scene is landscape
            corners = img.corner_colours(picture)
            assert img.close(corners["top_left"], img.RED), (orientation, corners)
            assert img.close(corners["top_right"], img.GREEN), (orientation, corners)
            assert img.close(corners["bottom_left"], img.BLUE), (orientation, corners)


@pytest.mark.parametrize("case", ["latitude_95", "zero_denominator", "nan_0_over_0"])
def test_garbage_gps_is_accepted_without_a_position(client, inspector, case):
    data = img.phone_jpeg((320, 240), gps=_BAD_GPS[case])
    response = client.put(f"/api/photos/{_sha(data)}", data=data, headers=inspector)
    assert response.status_code == 201, response.json
    assert response.json["gps"] is None


REAL_PHOTOS = {  # name: (upright width, height), whether EXIF GPS is present
    "iphone-13-pro-max.heic": ((3024, 4032), False),
    "pug.heic": ((4032, 3024), True),
    "camera-2008-gps-italy.jpg": ((640, 480), True),
    "portrait-orientation-8.jpg": ((450, 600), False),
}


@pytest.mark.parametrize("name", REAL_PHOTOS)
def test_real_phone_photos_are_accepted_and_served_clean(client, inspector, name):
    data = phone_photo(name).read_bytes()
    response = client.put(f"/api/photos/{_sha(data)}", data=data, headers=inspector)
    assert response.status_code == 201, (name, response.json)
    size, has_gps = REAL_PHOTOS[name]
    assert (response.json["width"], response.json["height"]) == size
    assert response.json["taken_at"] is not None or name == "portrait-orientation-8.jpg"
    assert (response.json["gps"] is not None) == has_gps
    display, thumb = _served(client, inspector, _sha(data))
    for body, longest in ((display, 1600), (thumb, 320)):
        with Image.open(io.BytesIO(body)) as picture:
            assert max(picture.size) <= longest
            # upright: the served copy has the photo's upright proportions
            assert (picture.width > picture.height) == (size[0] > size[1])
