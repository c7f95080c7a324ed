"""The inspector's day, offline: sign in, download, lose signal, inspect a whole estate with one
failed item (photo + note), submit, reload without signal, get signal back, watch the queue drain,
and check on the server that exactly one inspection arrived, with its photo."""

from __future__ import annotations

import hashlib

import pytest

from tests.browser.support import (
    answer_item,
    failing_answer,
    login,
    next_item,
    ordered_items,
    passing_answer,
    phone_photo,
    wait_for_service_worker,
)

expect = pytest.importorskip("playwright.sync_api").expect


def _pick_failing_item(items: list[dict]) -> dict:
    """A pass/fail item whose failure needs both a photo and a note (the strictest case)."""
    for item in items:
        if item["answer"]["type"] == "pass_fail" and item["on_fail"] == {
            "photo": True,
            "note": True,
        }:
            return item
    return next(item for item in items if item["on_fail"]["photo"] and item["on_fail"]["note"])


def test_inspector_journey_offline(browser, live_server, artifacts, tmp_path):
    server = live_server
    estates = server.get("/api/estates?page_size=500", "inspector1")
    checklist = server.get("/api/checklists/active", "inspector1")["checklists"][0]
    items = ordered_items(checklist)
    failing = _pick_failing_item(items)
    # Stand in the middle of the estate that the app should then list first.
    target = estates[0]
    lng, lat = target["centroid"]
    before = server.get(f"/api/inspections?mine=true&estate_id={target['id']}", "inspector1")

    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        device_scale_factor=1,
        locale="zh-CN",
        geolocation={"latitude": lat, "longitude": lng, "accuracy": 8},
        permissions=["geolocation"],
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # 1. Sign in (online) and let the app download estates and the checklist.
    page.goto(f"{server.base}/")
    expect(page.get_by_test_id("login")).to_be_visible()
    page.screenshot(path=artifacts / "01-login-360.png")
    login(page, "inspector1")
    expect(page.get_by_test_id("estate")).to_have_count(len(estates))
    expect(page.get_by_test_id("estate").first).to_contain_text(target["name"])
    expect(page.get_by_test_id("estate").first).to_contain_text("您在此小区内")
    expect(page.get_by_text("数据更新于").last).to_be_visible()  # the estates; 今日任务 has its own
    wait_for_service_worker(page)
    page.screenshot(path=artifacts / "02-estates-360.png")

    # 2. Signal gone. Everything from here on happens on the phone alone.
    context.set_offline(True)
    expect(page.get_by_test_id("net")).to_have_text("离线")
    page.get_by_test_id("estate").first.click()
    expect(page.get_by_test_id("estate-detail")).to_contain_text("位于小区范围内")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("item")).to_be_visible()
    page.screenshot(path=artifacts / "03-inspection-item-360.png")

    photo = phone_photo(tmp_path / "IMG_20261128_093000.jpg", seed=7)
    for index, item in enumerate(items):
        last = index == len(items) - 1
        if item["code"] != failing["code"]:
            kind, _ = how = passing_answer(item)
            answer_item(page, item, how, last)
            if kind == "number" and not last:
                next_item(page, item)
            continue
        answer_item(page, item, failing_answer(item), last)
        evidence = page.get_by_test_id("evidence")
        expect(evidence).to_contain_text("情况说明(必填)")
        expect(evidence).to_contain_text("照片(必须拍照)")
        page.get_by_test_id("note").fill("3号楼东侧堆放装修垃圾约2立方米,未清运")
        page.get_by_test_id("photo-input").set_input_files(photo)
        expect(page.get_by_test_id("thumb")).to_have_count(1)
        page.screenshot(path=artifacts / "04-failure-with-photo-360.png")
        if not last:
            next_item(page, item)

    page.get_by_test_id("to-review").click()
    review = page.get_by_test_id("review")
    expect(review).to_contain_text("所有项目已检查,证据齐全。")
    expect(review).to_contain_text("不合格 1")
    page.screenshot(path=artifacts / "05-review-360.png")
    page.get_by_test_id("submit").click()

    # 3. Queued on the phone; nothing can be sent yet.
    expect(page.get_by_test_id("sync")).to_be_visible()
    queued = page.get_by_test_id("queue-item")
    expect(queued).to_have_count(1)
    expect(queued).to_have_attribute("data-state", "waiting")
    expect(queued).to_contain_text(target["name"])
    inspection_id = queued.get_attribute("data-id")
    page.screenshot(path=artifacts / "06-sync-offline-360.png")

    # 4. Reload without signal: the app shell comes from the service worker, the queue from IndexedDB.
    page.reload()
    expect(page.get_by_test_id("sync")).to_be_visible()
    expect(page.get_by_test_id("queue-item")).to_have_count(1)
    expect(page.get_by_test_id("queue-item")).to_have_attribute("data-id", inspection_id)
    expect(page.get_by_test_id("queue-item")).to_have_attribute("data-state", "waiting")
    expect(page.get_by_test_id("sync-badge")).to_contain_text("1 条待发送")
    page.screenshot(path=artifacts / "07-sync-after-offline-reload-360.png")

    # 5. Signal back: the queue drains by itself.
    context.set_offline(False)
    expect(page.get_by_test_id("queue-item")).to_have_attribute(
        "data-state", "done", timeout=60_000
    )
    expect(page.get_by_test_id("sync-summary")).to_contain_text("1 / 1 已发送")
    expect(page.get_by_test_id("sync-badge")).to_have_count(0)
    page.screenshot(path=artifacts / "08-sync-done-360.png")

    # 6. The server has exactly one new inspection for that estate, complete, with its photo.
    after = server.get(f"/api/inspections?mine=true&estate_id={target['id']}", "inspector1")
    new = [i for i in after if i["id"] not in {b["id"] for b in before}]
    assert [i["id"] for i in new] == [inspection_id]
    stored = server.get(f"/api/inspections/{inspection_id}", "inspector1")
    assert stored["status"] == "submitted"
    assert stored["estate_id"] == target["id"]
    assert stored["missing_photos"] == []
    assert stored["unanswered"] == []
    assert len(stored["results"]) == len(items)
    failed = [r for r in stored["results"] if r["outcome"] == "fail"]
    assert [r["item_code"] for r in failed] == [failing["code"]]
    assert failed[0]["note"] == "3号楼东侧堆放装修垃圾约2立方米,未清运"
    assert len(failed[0]["photos"]) == 1
    assert failed[0]["position"] is not None
    assert stored["position"]["accuracy_m"] == pytest.approx(8)
    assert stored["started_at"] and stored["finished_at"]
    # The phone sent its own compressed copy (≤ 1600 px), not the 12-megapixel original.
    photo_hash = failed[0]["photos"][0]
    assert photo_hash != hashlib.sha256(photo.read_bytes()).hexdigest()
    status, _, _ = server.call("HEAD", f"/api/photos/{photo_hash}", user="inspector1")
    assert status == 200
    assert "outside_estate" not in stored.get("evidence_flags", [])
    assert not errors, errors
    context.close()


def test_failed_item_cannot_be_submitted_without_its_evidence(browser, live_server, artifacts):
    checklist = live_server.get("/api/checklists/active", "inspector2")["checklists"][0]
    items = ordered_items(checklist)
    first = items[0]
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    login(page, "inspector2")
    page.get_by_test_id("estate").first.click()
    page.get_by_test_id("start").click()
    answer_item(page, first, failing_answer(first), last=False)
    page.get_by_test_id("overview").click()
    expect(page.get_by_test_id("overview-list")).to_contain_text("缺少照片")
    page.get_by_text("检查并提交").last.click()
    expect(page.get_by_test_id("problems")).to_contain_text(first["title"]["zh"])
    expect(page.get_by_test_id("submit")).to_be_disabled()
    page.screenshot(path=artifacts / "09-review-blocked-360.png")
    # The draft survives a reload and can be discarded only on purpose.
    page.reload()
    expect(page.get_by_test_id("problems")).to_contain_text(first["title"]["zh"])
    context.close()
