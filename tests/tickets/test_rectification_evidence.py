"""Evidence of rectifications: after-photos are checked against the finding and against every
earlier photo of the estate; flags never block the unit, the verifier sees them beside the
before-photo, and the firm's scorecard counts them."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from backend.clock import today
from backend.places.models import Estate
from tests.inspections.conftest import jpeg, sha
from tests.phone_photos import phone_photo


def _put(client, headers, data: bytes) -> str:
    response = client.put(f"/api/photos/{sha(data)}", data=data, headers=headers)
    assert response.status_code in (200, 201), response.json
    return sha(data)


def _accepted_ticket(inspect, tickets_of, act, offset_m: float = 0.0) -> dict:
    """A fresh ticket of firm1 on E001 (`offset_m` north: far enough from an open one, it is a
    new ticket, not a recurrence)."""
    inspection = inspect("E001", failures=("ENV-04",), offset_m=offset_m)
    (ticket,) = tickets_of(inspection["id"])
    assert act(ticket["id"], "accept", "firm1").status_code == 200
    return ticket


def _codes(flags: list[dict]) -> set[str]:
    return {f["code"] for f in flags}


def _firm_row(client, login, org_id: int) -> dict:
    day = today().isoformat()
    rows = client.get(
        f"/api/reports/scorecards/firms?from={day}&to={day}", headers=login("supervisor1")
    ).json
    return next(
        (r for r in rows if r["organisation_id"] == org_id),
        {"rectifications": 0, "flagged_rectifications": 0},
    )


def test_a_clean_after_photo_has_no_flags(client, login, inspect, tickets_of, act):
    ticket = _accepted_ticket(inspect, tickets_of, act)
    where = ticket["position"]
    firm = login("firm1")
    photo = _put(client, firm, _stripes(60))
    now = datetime.now(UTC)
    capture = {
        "sha256": photo, "source": "camera", "original_taken_at": now.isoformat(),
        "original_lat": where["lat"], "original_lng": where["lng"],
        "fix": {"lat": where["lat"], "lng": where["lng"], "accuracy_m": 5.0, "at": now.isoformat()},
    }  # fmt: skip
    done = act(ticket["id"], "rectify", "firm1", photos=[photo], captures=[capture])
    assert done.status_code == 200, done.json
    assert done.json["evidence"] == []
    after = next(p for p in done.json["photos"] if p["kind"] == "after")
    assert after["evidence"] == [] and after["capture"]["source"] == "camera"


def test_the_before_photo_sent_back_as_after_photo_is_flagged_not_refused(
    client, login, inspect, tickets_of, act
):
    ticket = _accepted_ticket(inspect, tickets_of, act)
    firm = login("firm1")
    detail = client.get(f"/api/tickets/{ticket['id']}", headers=firm).json
    before = next(p["sha256"] for p in detail["photos"] if p["kind"] == "before")
    done = act(ticket["id"], "rectify", "firm1", photos=[before])
    assert done.status_code == 200, done.json
    assert done.json["state"] == "rectified"  # the unit is never blocked
    (flag,) = [f for f in done.json["evidence"] if f["code"] == "after_reused"]
    assert flag["detail"]["other_photo"] == before
    assert flag["message"].startswith("整改后照片与该小区以前的照片完全相同")
    # The supervisor's ticket panel shows the flags per photo, beside the before-photo.
    panel = client.get(f"/api/tickets/{ticket['id']}", headers=login("supervisor1")).json
    kinds = {(p["kind"], p["sha256"]): p for p in panel["photos"]}
    assert ("before", before) in kinds and ("after", before) in kinds
    assert "after_reused" in _codes(kinds[("after", before)]["evidence"])
    assert _codes(panel["evidence"]) >= {"after_reused"}
    # Sending the same after-photo again on the same ticket adds nothing: refused.
    act(ticket["id"], "reject", "supervisor1", reason="照片是旧的")
    again = act(ticket["id"], "rectify", "firm1", photos=[before])
    assert again.status_code == 422 and "already this ticket's after photo" in str(again.json)


def test_a_near_copy_of_the_before_photo_is_flagged(client, login, act, dbsession):
    supervisor, firm = login("supervisor1"), login("firm1")
    # A case registered by hand with a real phone photo as its before-photo.
    before = _put(client, supervisor, phone_photo("portrait-orientation-8.jpg").read_bytes())
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "E001"))
    case = client.post(
        "/api/tickets",
        json={"estate_id": estate.id, "item_code": "ENV-04", "description": "垃圾堆放",
              "photos": [before]},
        headers=supervisor,
    )  # fmt: skip
    assert case.status_code == 201, case.json
    ticket = case.json
    assert act(ticket["id"], "accept", "firm1").status_code == 200
    # The firm downloads the before-photo and saves it again: other bytes, the same picture.
    shown = client.get(f"/api/photos/{before}/display", headers=firm).data
    out = io.BytesIO()
    Image.open(io.BytesIO(shown)).convert("RGB").resize((900, 1200)).save(out, "JPEG", quality=80)
    copy = _put(client, firm, out.getvalue())
    assert copy != before
    done = act(ticket["id"], "rectify", "firm1", photos=[copy])
    assert done.status_code == 200
    near = [f for f in done.json["evidence"] if f["code"] == "after_near_duplicate"]
    assert [f["detail"]["other_photo"] for f in near] == [before]
    assert near[0]["message"].startswith("整改后照片与该小区以前的照片几乎一样")
    assert "after_reused" not in _codes(done.json["evidence"])


def _stripes(slant: int) -> bytes:
    """A picture unlike the checkerboards the fixtures upload for findings (`jpeg(seed)`, whose
    perceptual hashes repeat with the seed, so which one is near depends on the tests run before):
    no earlier photo of the estate is a near copy of it."""
    image = Image.new("L", (96, 72), 30)
    draw = ImageDraw.Draw(image)
    for x in range(-100, 200, 14):
        draw.line([(x, 0), (x + slant, 72)], fill=230, width=5)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def test_after_photos_judged_against_the_finding_and_the_firm_flag_rate(
    client, login, inspect, tickets_of, act
):
    first = _accepted_ticket(inspect, tickets_of, act)
    org = first["responsible_org_id"]
    start = _firm_row(client, login, org)
    firm = login("firm1")
    # A gallery photo with no metadata at all, and the 2008 Italian camera original.
    bare = _put(client, firm, _stripes(12))
    flagged = act(first["id"], "rectify", "firm1", photos=[bare],
                  captures=[{"sha256": bare, "source": "gallery"}])  # fmt: skip
    assert _codes(flagged.json["evidence"]) == {"unverifiable"}
    second = _accepted_ticket(inspect, tickets_of, act, offset_m=300)
    italy = _put(client, firm, phone_photo("camera-2008-gps-italy.jpg").read_bytes())
    old = act(second["id"], "rectify", "firm1", photos=[italy])
    flags = {f["code"]: f for f in old.json["evidence"]}
    assert {"photo_time", "photo_far"} <= set(flags)
    assert flags["photo_time"]["message"].startswith("照片拍摄时间早于问题发现时间")
    third = _accepted_ticket(inspect, tickets_of, act, offset_m=-300)
    clean = _put(client, firm, _stripes(-30))
    assert act(third["id"], "rectify", "firm1", photos=[clean]).json["evidence"] == []
    end = _firm_row(client, login, org)
    assert end["rectifications"] == start["rectifications"] + 3
    assert end["flagged_rectifications"] == start["flagged_rectifications"] + 2
    assert end["evidence_flag_rate"] == end["flagged_rectifications"] / end["rectifications"]


def test_captures_on_transitions_and_manual_tickets_are_validated(
    client, login, inspect, tickets_of, act
):
    ticket = _accepted_ticket(inspect, tickets_of, act)
    firm = login("firm1")
    photo = _put(client, firm, jpeg(504, size=(96, 72)))
    stray = act(ticket["id"], "rectify", "firm1", photos=[photo],
                captures=[{"sha256": "e" * 64, "source": "camera"}])  # fmt: skip
    assert stray.status_code == 422
    assert "sha256" in str(stray.json["errors"]["captures"])
    supervisor = login("supervisor1")
    own = _put(client, supervisor, jpeg(505, size=(96, 72)))
    estate_id = ticket["estate_id"]
    at = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    manual = client.post(
        "/api/tickets",
        json={"estate_id": estate_id, "item_code": "ENV-04", "description": "手工立案",
              "photos": [own], "captures": [{"sha256": own, "source": "camera",
                                             "original_taken_at": at}]},
        headers=supervisor,
    )  # fmt: skip
    assert manual.status_code == 201, manual.json
    (before,) = manual.json["photos"]
    assert before["capture"]["original_taken_at"] == at
    unknown = client.post(
        "/api/tickets",
        json={"estate_id": estate_id, "item_code": "ENV-04", "description": "x", "photos": [own],
              "captures": [{"sha256": own, "source": "camera", "make": "Nokia"}]},
        headers=supervisor,
    )  # fmt: skip
    assert unknown.status_code == 422 and "make" in str(unknown.json["errors"])
