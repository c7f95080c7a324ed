"""Evidence flags: off-site findings, poor accuracy, photo place/time, reused photos."""

from datetime import UTC, datetime, timedelta

from tests.inspections.conftest import sha
from tests.photos.images import phone_jpeg, photo_pixels


def _flags(response, item_code):
    result = next(r for r in response.json["results"] if r["item_code"] == item_code)
    return {f["code"]: f for f in result["evidence"]}


def _exif_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y:%m:%d %H:%M:%S")


def _upload(client, headers, data):
    response = client.put(f"/api/photos/{sha(data)}", data=data, headers=headers)
    assert response.status_code in (200, 201), response.json
    return sha(data)


def test_a_finding_recorded_off_site_is_flagged(client, login, make_body, new_id, inside):
    headers = login("inspector1")
    far_away = {"lat": inside["lat"] + 0.01, "lng": inside["lng"], "accuracy_m": 10.0}  # ~1.1 km
    body = make_body(
        failures={"ENV-02": {"photos": [sha(b"x" * 10)], "position": far_away}},
        position={**inside, "accuracy_m": 120.0},
    )
    response = client.put(f"/api/inspections/{new_id()}", json=body, headers=headers)
    assert response.status_code == 201
    flags = _flags(response, "ENV-02")
    assert flags["outside_estate"]["detail"]["distance_m"] > 800  # ~1.1 km from the inside point
    inspection_flags = {f["code"] for f in response.json["evidence"]}
    assert inspection_flags == {"poor_accuracy"}
    assert {"outside_estate", "poor_accuracy", "photo_missing"} <= set(
        response.json["evidence_flags"]
    )


def test_a_finding_on_site_with_a_good_photo_has_no_flags(client, login, make_body, new_id, inside):
    headers = login("inspector1")
    started = datetime.now(UTC) - timedelta(minutes=30)
    photo = phone_jpeg(
        (1200, 900),
        seed=21,
        gps=(inside["lat"], inside["lng"]),
        taken=_exif_time(started + timedelta(minutes=5)),
        offset="+00:00",
    )
    body = make_body(
        started=started,
        failures={"ENV-02": {"photos": [_upload(client, headers, photo)], "position": inside}},
    )
    response = client.put(f"/api/inspections/{new_id()}", json=body, headers=headers)
    assert _flags(response, "ENV-02") == {}
    assert response.json["evidence_flags"] == []


def test_photo_taken_elsewhere_or_at_another_time_is_flagged(
    client, login, make_body, new_id, inside
):
    headers = login("inspector1")
    started = datetime.now(UTC) - timedelta(minutes=30)
    elsewhere = phone_jpeg(
        (1200, 900),
        seed=22,
        gps=(inside["lat"] + 0.02, inside["lng"]),
        taken=_exif_time(started - timedelta(days=20)),
        offset="+00:00",
    )
    body = make_body(
        started=started,
        failures={"ENV-02": {"photos": [_upload(client, headers, elsewhere)], "position": inside}},
    )
    flags = _flags(client.put(f"/api/inspections/{new_id()}", json=body, headers=headers), "ENV-02")
    assert set(flags) == {"photo_far", "photo_time"}
    assert flags["photo_far"]["detail"]["distance_m"] > 2000


def test_the_same_photo_on_two_findings_is_flagged(client, login, make_body, new_id, inside):
    headers = login("inspector1")
    photo = _upload(
        client, headers, phone_jpeg((800, 600), seed=23, gps=(inside["lat"], inside["lng"]))
    )
    first = make_body(failures={"ENV-02": {"photos": [photo], "position": inside}})
    client.put(f"/api/inspections/{new_id()}", json=first, headers=headers)
    later = make_body(
        started=datetime.now(UTC) - timedelta(minutes=20),
        failures={"GAR-06": {"photos": [photo], "position": inside}},
    )
    flags = _flags(
        client.put(f"/api/inspections/{new_id()}", json=later, headers=headers), "GAR-06"
    )
    assert flags["photo_reused"]["detail"]["item_code"] == "ENV-02"


def test_a_near_identical_photo_reused_on_another_day_is_flagged(
    client, login, make_body, new_id, inside
):
    headers = login("inspector1")
    picture = photo_pixels((1000, 750), seed=24)
    original = _upload(
        client, headers, phone_jpeg(image=picture, quality=92, gps=(inside["lat"], inside["lng"]))
    )
    recompressed = _upload(
        client,
        headers,
        phone_jpeg(
            image=picture.resize((900, 675)), quality=70, gps=(inside["lat"], inside["lng"])
        ),
    )
    assert original != recompressed
    week_ago = datetime.now(UTC) - timedelta(days=7)
    client.put(
        f"/api/inspections/{new_id()}",
        headers=headers,
        json=make_body(
            started=week_ago, failures={"ENV-02": {"photos": [original], "position": inside}}
        ),
    )
    today = make_body(failures={"ENV-02": {"photos": [recompressed], "position": inside}})
    flags = _flags(
        client.put(f"/api/inspections/{new_id()}", json=today, headers=headers), "ENV-02"
    )
    assert flags["photo_near_duplicate"]["detail"]["other_photo"] == original
