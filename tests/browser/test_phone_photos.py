"""Real phone files through the app, on a 360×740 phone screen: an iPhone HEIC (which Chromium
cannot decode: the original bytes go, the server converts them), a 2008 camera JPEG with GPS in
Italy and a portrait JPEG with EXIF orientation 8. They arrive as a finding's photos with what the
originals say (capture metadata); the 2008 photo is flagged on the supervisor's ticket panel; the
firm's after-photos arrive too, and an after-photo identical to the before-photo is flagged."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.browser.support import LiveServer, failing_answer, login, ordered_items
from tests.phone_photos import phone_photo

expect = pytest.importorskip("playwright.sync_api").expect

ESTATE = "E004"  # inspected by inspector1, served by firm1's company, in supervisor1's district
PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "zh-CN"}
ENGLISH_ERROR = re.compile(r"[A-Za-z]{4,}")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _phone(browser, estate: dict | None = None):
    options = dict(PHONE)
    if estate:
        lng, lat = estate["centroid"]
        options.update(
            geolocation={"latitude": lat, "longitude": lng, "accuracy": 8},
            permissions=["geolocation"],
        )
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def _inspect_with_phone_files(browser, server: LiveServer, estate: dict, artifacts) -> str:
    """inspector1 fails the first item with the three phone files; returns the inspection id."""
    checklist = server.get("/api/checklists/active", "inspector1")["checklists"][0]
    first = ordered_items(checklist)[0]
    context, page, errors = _phone(browser, estate)
    page.goto(f"{server.base}/")
    login(page, "inspector1")
    page.get_by_test_id("estate").filter(has_text=estate["name"]).first.click()
    page.get_by_test_id("start").click()
    from tests.browser.support import answer_item

    answer_item(page, first, failing_answer(first), last=False)
    page.get_by_test_id("note").fill("垃圾桶满溢,周边散落")
    # The HEIC from the gallery, the 2008 camera file from the gallery, the portrait from the camera.
    page.get_by_test_id("photo-gallery").set_input_files(phone_photo("iphone-13-pro-max.heic"))
    expect(page.get_by_test_id("thumb")).to_have_count(1, timeout=30_000)
    page.get_by_test_id("photo-gallery").set_input_files(phone_photo("camera-2008-gps-italy.jpg"))
    expect(page.get_by_test_id("thumb")).to_have_count(2, timeout=30_000)
    page.get_by_test_id("photo-input").set_input_files(phone_photo("portrait-orientation-8.jpg"))
    expect(page.get_by_test_id("thumb")).to_have_count(3, timeout=30_000)
    expect(page.get_by_test_id("photo-error")).to_have_count(0)
    # The HEIC cannot be shown by this browser: a placeholder until the server has it.
    heic = page.locator(
        f"[data-testid=thumb][data-sha='{_sha(phone_photo('iphone-13-pro-max.heic'))}']"
    )
    expect(heic).to_have_attribute("data-waiting", "true")
    expect(heic).to_contain_text("上传后显示")
    page.screenshot(path=artifacts / "60-phone-files-finding-360.png", full_page=True)

    page.get_by_test_id("overview").click()
    page.get_by_text("检查并提交").last.click()
    page.once("dialog", lambda dialog: dialog.accept())  # the other items are left unchecked
    page.get_by_test_id("submit").click()
    item = page.get_by_test_id("queue-item").first
    expect(item).to_have_attribute("data-state", "done", timeout=120_000)
    inspection_id = item.get_attribute("data-id")
    page.screenshot(path=artifacts / "61-phone-files-sent-360.png", full_page=True)
    assert not ENGLISH_ERROR.search(page.get_by_test_id("sync").inner_text().replace("KB", "")), (
        "no English (browser) text on the sync screen"
    )
    assert not errors, errors
    context.close()
    return inspection_id


def test_real_phone_files_arrive_and_are_flagged(browser, live_server, artifacts):
    server = live_server
    estate = next(
        e for e in server.get("/api/estates?page_size=500", "inspector1") if e["code"] == ESTATE
    )
    heic = _sha(phone_photo("iphone-13-pro-max.heic"))
    old = _sha(phone_photo("camera-2008-gps-italy.jpg"))

    # 1. The finding, through the app.
    inspection_id = _inspect_with_phone_files(browser, server, estate, artifacts)
    stored = server.get(f"/api/inspections/{inspection_id}", "inspector1")
    assert stored["missing_photos"] == []
    [failed] = [r for r in stored["results"] if r["outcome"] == "fail"]
    assert len(failed["photos"]) == 3
    assert heic in failed["photos"], "the HEIC original's bytes, named by their SHA-256"
    assert old not in failed["photos"], "a JPEG is re-encoded on the phone"
    for sha in failed["photos"]:
        assert server.call("GET", f"/api/photos/{sha}/thumb", user="inspector1")[0] == 200
    by_sha = {a["sha256"]: a for a in failed["attachments"]}
    captures = {s: by_sha[s]["capture"] for s in failed["photos"]}
    [old_sha] = [
        s for s, c in captures.items() if (c["original_taken_at"] or "").startswith("2008-")
    ]
    dated = [captures[old_sha]]
    assert dated[0]["source"] == "gallery"
    assert dated[0]["original_lat"] == pytest.approx(43.467, abs=0.01)
    assert dated[0]["original_lng"] == pytest.approx(11.885, abs=0.01)
    assert dated[0]["fix"]["accuracy_m"] == pytest.approx(8)
    assert "photo_time" in {f["code"] for f in by_sha[old_sha]["evidence"]}
    assert by_sha[heic]["capture"]["original_taken_at"], "the HEIC's own EXIF time was read"
    assert {c["source"] for c in captures.values()} == {"camera", "gallery"}

    tickets = server.get("/api/tickets?page_size=200&sort=-dispatched", "admin")
    [ticket] = [t for t in tickets if t["inspection_id"] == inspection_id]

    # 2. The firm rectifies through the app with the same HEIC (identical to a before-photo) and
    #    the portrait.
    context, page, errors = _phone(browser, estate)
    page.goto(f"{server.base}/")
    login(page, "firm1")
    expect(page.get_by_test_id("home-firm")).to_be_visible()
    page.goto(f"{server.base}/ticket/{ticket['id']}")
    detail = page.get_by_test_id("ticket-detail")
    page.get_by_test_id("action-accept").click()
    expect(detail).to_have_attribute("data-state", "accepted", timeout=20_000)
    page.get_by_test_id("action-rectify").click()
    page.get_by_test_id("after-photo-gallery").set_input_files(
        phone_photo("iphone-13-pro-max.heic")
    )
    expect(page.get_by_test_id("after-thumb")).to_have_count(1, timeout=30_000)
    page.get_by_test_id("after-photo-input").set_input_files(
        phone_photo("portrait-orientation-8.jpg")
    )
    expect(page.get_by_test_id("after-thumb")).to_have_count(2, timeout=30_000)
    page.get_by_test_id("submit-action").click()
    expect(detail).to_have_attribute("data-state", "rectified", timeout=120_000)
    after_photos = page.get_by_test_id("photos-after").get_by_test_id("server-photo")
    expect(after_photos).to_have_count(2)
    expect(after_photos.locator("img")).to_have_count(2, timeout=20_000)  # the server's thumbnails
    page.screenshot(path=artifacts / "62-phone-files-rectified-360.png", full_page=True)
    assert not errors, errors
    context.close()

    rectified = server.get(f"/api/tickets/{ticket['id']}", "firm1")
    after = [p for p in rectified["photos"] if p["kind"] == "after"]
    assert len(after) == 2 and heic in {p["sha256"] for p in after}
    reused = {f["code"] for p in after if p["sha256"] == heic for f in p["evidence"]}
    assert reused & {"after_reused", "after_near_duplicate"}, rectified["photos"]

    # 3. The supervisor's panel: the 2008 photo flagged beside it, the reused after-photo too.
    context, page, errors = _phone(browser)
    page.goto(f"{server.base}/")
    login(page, "supervisor1")
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()
    page.goto(f"{server.base}/supervise/tickets/{ticket['id']}")
    panel = page.get_by_test_id("sv-ticket")
    expect(panel).to_have_attribute("data-state", "rectified", timeout=20_000)
    before = panel.get_by_test_id("sv-photos-before")
    old_flags = before.locator(f"[data-sha='{old_sha}'] [data-testid=sv-photo-flags]")
    expect(old_flags.locator("li[data-code=photo_time]")).to_contain_text("可能是旧照片")
    expect(old_flags).to_contain_text("2008")
    reused_flags = panel.get_by_test_id("sv-photos-after").locator(
        f"[data-sha='{heic}'] [data-testid=sv-photo-flags]"
    )
    expect(
        reused_flags.locator("li[data-code=after_reused], li[data-code=after_near_duplicate]").first
    ).to_contain_text("整改后照片与该小区以前的照片")
    expect(panel.get_by_test_id("sv-evidence")).to_contain_text("整改后照片")
    old_flags.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "63-supervisor-flags-360.png", full_page=True)
    assert not errors, errors
    context.close()
