"""Capture metadata per photo (what the phone read from the original before re-encoding it, and
its own fix): stored, returned, validated, part of the sync's idempotency, and used by the
evidence checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.inspections.conftest import jpeg, sha
from tests.phone_photos import phone_photo

ITALY = {"lat": 43.46715, "lng": 11.88513}


def _upload(client, headers, data: bytes) -> str:
    response = client.put(f"/api/photos/{sha(data)}", data=data, headers=headers)
    assert response.status_code in (200, 201), response.json
    return sha(data)


def _result(response, item_code: str = "ENV-02") -> dict:
    return next(r for r in response.json["results"] if r["item_code"] == item_code)


def _codes(response, item_code: str = "ENV-02") -> set[str]:
    return {f["code"] for f in _result(response, item_code)["evidence"]}


def _capture(photo: str, **fields) -> dict:
    return {"sha256": photo, "source": "camera", **fields}


def test_captures_are_stored_returned_and_part_of_the_repeat_rule(
    client, login, make_body, new_id, inside
):
    headers = login("inspector1")
    photo = _upload(client, headers, jpeg(301))
    now = datetime.now(UTC)
    # A naive original time is the camera's local time: Beijing time.
    beijing = (now - timedelta(minutes=20)).astimezone(UTC) + timedelta(hours=8)
    capture = _capture(
        photo,
        original_taken_at=beijing.replace(tzinfo=None, microsecond=0).isoformat(),
        original_lat=inside["lat"],
        original_lng=inside["lng"],
        fix={"lat": inside["lat"], "lng": inside["lng"], "accuracy_m": 6.0, "at": now.isoformat()},
    )
    body = make_body(
        status="draft",
        failures={"ENV-02": {"photos": [photo], "position": inside, "captures": [capture]}},
    )
    path = f"/api/inspections/{new_id()}"
    created = client.put(path, json=body, headers=headers)
    assert created.status_code == 201, created.json
    (attachment,) = _result(created)["attachments"]
    assert attachment["sha256"] == photo
    stored = attachment["capture"]
    assert stored["source"] == "camera"
    assert stored["original_taken_at"].endswith("+08:00")
    assert stored["original_lat"] == pytest.approx(inside["lat"])
    assert stored["fix"]["accuracy_m"] == 6.0
    assert attachment["evidence"] == []
    read = client.get(path, headers=headers)
    assert _result(read)["attachments"] == _result(created)["attachments"]
    # The same request again is a repeat, whatever the order of its captures' keys.
    again = client.put(path, json=body, headers=headers)
    assert again.status_code == 200
    # Submitted, then other captures: a change, refused like any other.
    body["status"] = "submitted"
    assert client.put(path, json=body, headers=headers).status_code == 200
    changed = make_body(
        failures={
            "ENV-02": {"photos": [photo], "position": inside,
                       "captures": [{**capture, "source": "gallery"}]}
        },
        started=datetime.fromisoformat(body["started_at"]),
    )  # fmt: skip
    assert client.put(path, json=changed, headers=headers).status_code == 409
    assert client.put(path, json=body, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("capture", "field"),
    [
        ({"sha256": "f" * 64, "source": "camera"}, "sha256"),  # not among the photos
        ({"sha256": None, "source": "camera"}, "sha256"),  # missing
        ({"source": "drone"}, "source"),
        ({"source": "camera", "original_lat": 38.9}, "_schema"),  # lat without lng
        ({"source": "camera", "fix": {"lat": 95, "lng": 121}}, "fix"),
        ({"source": "camera", "original_taken_at": "yesterday"}, "original_taken_at"),
        ({"source": "camera", "exif": {}}, "exif"),  # unknown key
    ],
)
def test_bad_captures_are_refused_naming_the_field(
    client, login, make_body, new_id, inside, capture, field
):
    headers = login("inspector1")
    photo = sha(b"not uploaded yet")
    capture = {"sha256": photo, **capture}
    if capture["sha256"] is None:
        del capture["sha256"]
    body = make_body(failures={"ENV-02": {"photos": [photo], "captures": [capture]}})
    response = client.put(f"/api/inspections/{new_id()}", json=body, headers=headers)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_error"
    assert field in str(response.json["errors"]), response.json["errors"]


def test_the_2008_italian_camera_photo_on_a_dalian_finding_today_is_flagged(
    client, login, make_body, new_id, inside
):
    """The original JPEG (EXIF: 2008, GPS in Tuscany) uploaded as it is."""
    headers = login("inspector1")
    photo = _upload(client, headers, phone_photo("camera-2008-gps-italy.jpg").read_bytes())
    body = make_body(failures={"ENV-02": {"photos": [photo], "position": inside}})
    response = client.put(f"/api/inspections/{new_id()}", json=body, headers=headers)
    assert response.status_code == 201
    flags = {f["code"]: f for f in _result(response)["evidence"]}
    assert {"photo_time", "photo_far"} <= set(flags)
    assert flags["photo_time"]["detail"]["taken_at"].startswith("2008-10-22")
    assert flags["photo_far"]["detail"]["distance_m"] > 8_000_000  # Tuscany ↔ Dalian
    assert flags["photo_time"]["message"].startswith("照片拍摄时间")
    assert "photo_far" in response.json["evidence_flags"]


def test_the_same_photo_re_encoded_by_the_phone_is_flagged_from_its_capture(
    client, login, make_body, new_id, inside
):
    """The app re-encodes (no EXIF left) and sends what it read from the original instead."""
    headers = login("inspector1")
    photo = _upload(client, headers, jpeg(302))
    capture = _capture(
        photo, source="gallery", original_taken_at="2008-10-22T16:28:39+02:00",
        original_lat=ITALY["lat"], original_lng=ITALY["lng"],
        fix={"lat": inside["lat"], "lng": inside["lng"], "accuracy_m": 8.0, "at": None},
    )  # fmt: skip
    body = make_body(
        failures={"ENV-02": {"photos": [photo], "position": inside, "captures": [capture]}}
    )
    response = client.put(f"/api/inspections/{new_id()}", json=body, headers=headers)
    flags = {f["code"]: f for f in _result(response)["evidence"]}
    assert set(flags) == {"photo_time", "photo_far"}  # the phone itself was on site
    assert flags["photo_time"]["detail"]["source"] == "capture"
    (attachment,) = _result(response)["attachments"]
    assert {f["code"] for f in attachment["evidence"]} == {"photo_time", "photo_far"}


def test_a_phone_far_away_and_a_gallery_photo_without_metadata(
    client, login, make_body, new_id, inside
):
    headers = login("inspector1")
    far_fix, bare = _upload(client, headers, jpeg(303)), _upload(client, headers, jpeg(304))
    captures = [
        _capture(far_fix, fix={"lat": inside["lat"] + 0.02, "lng": inside["lng"], "accuracy_m": 30.0}),
        {"sha256": bare, "source": "gallery"},
    ]  # fmt: skip
    body = make_body(
        failures={"ENV-02": {"photos": [far_fix, bare], "position": inside, "captures": captures}}
    )
    response = client.put(f"/api/inspections/{new_id()}", json=body, headers=headers)
    by_photo = {a["sha256"]: a for a in _result(response)["attachments"]}
    (fix_flag,) = by_photo[far_fix]["evidence"]
    assert fix_flag["code"] == "fix_far" and fix_flag["detail"]["distance_m"] > 2000
    (unverifiable,) = by_photo[bare]["evidence"]
    assert unverifiable["code"] == "unverifiable"
    assert unverifiable["message"].startswith("从相册选取的照片没有拍摄时间和地点")
    # Without captures (an older app) nothing is known of the source: no unverifiable flag.
    plain = make_body(failures={"ENV-02": {"photos": [bare], "position": inside}})
    older = client.put(f"/api/inspections/{new_id()}", json=plain, headers=headers)
    assert "unverifiable" not in _codes(older)
