"""The firm's journey: a ticket from an inspector's finding arrives in the firm's inbox with its
deadline; the clerk opens it, sees the before-photo, accepts, photographs the repaired spot and
submits the rectification. Also: a ticket changed by someone else meanwhile (412) is reloaded and
the clerk is told; and the inspector's re-inspection list and verification work without signal."""

from __future__ import annotations

import hashlib

import pytest

from tests.browser.support import login, phone_photo, wait_for_service_worker
from tests.browser.tickets_setup import act, failing_inspection, put_photo, shared_estate

expect = pytest.importorskip("playwright.sync_api").expect


def _open_in_inbox(page, estate: dict, ticket: dict) -> None:
    """Narrow the inbox to the estate and the 'new' tab, then find the ticket (paging if needed)."""
    page.get_by_test_id("estate-filter").select_option(str(estate["id"]))
    page.get_by_test_id("tab-dispatched").click()
    row = page.locator(f'[data-testid=ticket][data-id="{ticket["id"]}"]')
    for _ in range(10):
        try:
            expect(row).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            page.get_by_test_id("load-more").click()
    expect(row).to_be_visible()


def _image_loaded(locator) -> None:
    expect(locator.locator("img")).to_have_count(1)
    assert locator.locator("img").evaluate("(img) => img.decode().then(() => img.naturalWidth)") > 0


def test_firm_journey(browser, live_server, artifacts, tmp_path):
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=1)
    assert ticket["state"] == "dispatched"

    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # 1. The inbox: counts per state on the chips, the new ticket with its countdown.
    page.goto(f"{server.base}/")
    login(page, "firm1")
    inbox = page.get_by_test_id("home-firm")
    expect(inbox).to_contain_text("整改工单")
    expect(page.get_by_test_id("tab-todo").locator(".n")).to_be_visible()
    page.screenshot(path=artifacts / "40-firm-inbox-360.png")
    _open_in_inbox(page, estate, ticket)
    row = page.locator(f'[data-testid=ticket][data-id="{ticket["id"]}"]')
    expect(row).to_contain_text(ticket["title"])
    expect(row).to_contain_text(estate["name"])
    expect(row.get_by_test_id("deadline")).to_contain_text("剩余")
    expect(row.get_by_test_id("deadline")).to_have_attribute("data-overdue", "false")
    page.screenshot(path=artifacts / "41-firm-inbox-filtered-360.png")

    # 2. The ticket: before-photo from the inspection, map, deadline, history.
    row.click()
    detail = page.get_by_test_id("ticket-detail")
    expect(detail).to_have_attribute("data-state", "dispatched")
    _image_loaded(page.get_by_test_id("photos-before").get_by_test_id("server-photo"))
    expect(page.get_by_test_id("map")).to_be_visible()
    expect(page.get_by_test_id("trail")).to_contain_text("立案派遣")
    expect(detail.get_by_test_id("deadline")).to_contain_text("剩余")
    page.screenshot(path=artifacts / "42-firm-ticket-360.png", full_page=True)

    # 3. Accept.
    page.get_by_test_id("action-accept").click()
    expect(detail).to_have_attribute("data-state", "accepted", timeout=20_000)
    expect(page.get_by_test_id("trail")).to_contain_text("受理")

    # 4. After-photo from the camera (a real 12-megapixel JPEG), compressed on the device; submit.
    page.get_by_test_id("action-rectify").click()
    photo = phone_photo(tmp_path / "IMG_20261201_140000.jpg", seed=23)
    page.get_by_test_id("after-photo-input").set_input_files(photo)
    expect(page.get_by_test_id("after-thumb")).to_have_count(1)
    page.get_by_test_id("reason").fill("已清运堆放物并清扫")
    page.screenshot(path=artifacts / "43-firm-rectify-form-360.png", full_page=True)
    page.get_by_test_id("submit-action").click()
    expect(detail).to_have_attribute("data-state", "rectified", timeout=30_000)
    _image_loaded(page.get_by_test_id("photos-after").get_by_test_id("server-photo"))
    page.screenshot(path=artifacts / "44-firm-rectified-360.png", full_page=True)

    # 5. On the server: rectified, with the phone's compressed after-photo and the note.
    stored = server.get(f"/api/tickets/{ticket['id']}", "firm1")
    assert stored["state"] == "rectified"
    after = [p["sha256"] for p in stored["photos"] if p["kind"] == "after"]
    assert len(after) == 1
    assert after[0] != hashlib.sha256(photo.read_bytes()).hexdigest()
    assert server.call("HEAD", f"/api/photos/{after[0]}", user="firm1")[0] == 200
    rectify = [e for e in stored["events"] if e["action"] == "rectify"]
    assert len(rectify) == 1 and rectify[0]["reason"] == "已清运堆放物并清扫"
    assert [e["action"] for e in stored["events"]].count("accept") == 1

    # 6. The same inbox on a desktop screen.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server.base}/")
    expect(page.get_by_test_id("ticket").first).to_be_visible()
    page.screenshot(path=artifacts / "45-firm-inbox-desktop.png")
    assert not errors, errors
    context.close()


def test_after_photo_survives_no_signal_and_a_reload(browser, live_server, artifacts, tmp_path):
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=6)
    act(server, ticket["id"], "accept", "firm1")
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.base}/")
    login(page, "firm1")
    expect(page.get_by_test_id("home-firm")).to_be_visible()
    wait_for_service_worker(page)
    page.goto(f"{server.base}/ticket/{ticket['id']}")
    detail = page.get_by_test_id("ticket-detail")
    expect(detail).to_have_attribute("data-state", "accepted")
    _image_loaded(page.get_by_test_id("photos-before").get_by_test_id("server-photo"))

    # Signal lost on the spot: photograph, submit; it waits on the device, across a reload.
    context.set_offline(True)
    page.get_by_test_id("action-rectify").click()
    photo = phone_photo(tmp_path / "IMG_after.jpg", seed=29)
    page.get_by_test_id("after-photo-input").set_input_files(photo)
    expect(page.get_by_test_id("after-thumb")).to_have_count(1)
    page.get_by_test_id("submit-action").click()
    queued = page.get_by_test_id("queued-action")
    expect(queued).to_have_attribute("data-state", "waiting")
    page.reload()
    expect(detail).to_contain_text("离线:显示的是本机保存的工单")
    expect(queued).to_have_attribute("data-state", "waiting")
    expect(queued.get_by_test_id("after-thumb")).to_have_count(1)
    expect(page.get_by_test_id("sync-badge")).to_contain_text("1 条待发送")
    page.screenshot(path=artifacts / "48-firm-rectify-offline-360.png", full_page=True)

    # Signal back: photo first, then the transition; the ticket is rectified with that photo.
    context.set_offline(False)
    expect(detail).to_have_attribute("data-state", "rectified", timeout=30_000)
    expect(page.get_by_test_id("sync-badge")).to_have_count(0)
    stored = server.get(f"/api/tickets/{ticket['id']}", "firm1")
    assert stored["state"] == "rectified"
    assert len([p for p in stored["photos"] if p["kind"] == "after"]) == 1
    assert [e["action"] for e in stored["events"]].count("rectify") == 1
    context.close()


def test_firm_is_told_when_someone_else_changed_the_ticket(browser, live_server, artifacts):
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=3)
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.base}/")
    login(page, "firm1")
    expect(page.get_by_test_id("home-firm")).to_be_visible()
    page.goto(f"{server.base}/ticket/{ticket['id']}")
    detail = page.get_by_test_id("ticket-detail")
    expect(detail).to_have_attribute("data-state", "dispatched")
    # Meanwhile the supervisor cancels it.
    act(server, ticket["id"], "cancel", "supervisor1", reason="重复立案")
    page.get_by_test_id("action-accept").click()
    expect(page.get_by_test_id("notice")).to_contain_text("工单已被他人更新")
    expect(detail).to_have_attribute("data-state", "cancelled")
    expect(page.get_by_test_id("actions")).to_have_count(0)
    page.screenshot(path=artifacts / "46-firm-stale-412-360.png", full_page=True)
    assert server.get(f"/api/tickets/{ticket['id']}", "firm1")["state"] == "cancelled"
    context.close()


def test_stale_rectification_keeps_its_photo_and_can_be_resubmitted(
    browser, live_server, artifacts, tmp_path
):
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=8)
    act(server, ticket["id"], "accept", "firm1")
    act(server, ticket["id"], "request_extension", "firm1", amount=1, unit="working_days",
        reason="需采购配件")  # fmt: skip
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.base}/")
    login(page, "firm1")
    expect(page.get_by_test_id("home-firm")).to_be_visible()
    page.goto(f"{server.base}/ticket/{ticket['id']}")
    detail = page.get_by_test_id("ticket-detail")
    expect(detail).to_have_attribute("data-state", "accepted")
    page.get_by_test_id("action-rectify").click()
    page.get_by_test_id("after-photo-input").set_input_files(
        phone_photo(tmp_path / "IMG_after2.jpg", seed=31)
    )
    expect(page.get_by_test_id("after-thumb")).to_have_count(1)
    # Meanwhile the supervisor grants the extension: the ticket's version moves on.
    act(server, ticket["id"], "approve_extension", "supervisor1")
    page.get_by_test_id("submit-action").click()
    expect(page.get_by_test_id("notice")).to_contain_text("工单已被他人更新")
    queued = page.get_by_test_id("queued-action")
    expect(queued).to_have_attribute("data-state", "failed")
    expect(queued.get_by_test_id("after-thumb")).to_have_count(1)
    expect(page.get_by_test_id("trail")).to_contain_text("同意延期")
    page.screenshot(path=artifacts / "49-firm-rectify-412-360.png", full_page=True)
    page.get_by_test_id("resubmit").click()
    expect(detail).to_have_attribute("data-state", "rectified", timeout=30_000)
    stored = server.get(f"/api/tickets/{ticket['id']}", "firm1")
    assert stored["state"] == "rectified"
    assert len([p for p in stored["photos"] if p["kind"] == "after"]) == 1
    context.close()


def test_firm_disputes_with_a_reason_in_english(browser, live_server, artifacts):
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=4)
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.base}/")
    login(page, "firm1")
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("home-firm")).to_contain_text("Rectification tickets")
    page.goto(f"{server.base}/ticket/{ticket['id']}")
    detail = page.get_by_test_id("ticket-detail")
    expect(detail).to_have_attribute("data-state", "dispatched")
    page.get_by_test_id("action-dispute").click()
    form = page.get_by_test_id("form-dispute")
    expect(form).to_contain_text("Reason (required)")
    expect(page.get_by_test_id("submit-action")).to_be_disabled()
    page.get_by_test_id("reason").fill("该设施属于供水公司,不属于本单位管理")
    page.screenshot(path=artifacts / "47-firm-dispute-en-360.png", full_page=True)
    page.get_by_test_id("submit-action").click()
    expect(detail).to_have_attribute("data-state", "disputed", timeout=20_000)
    expect(page.get_by_test_id("trail")).to_contain_text("Dispute")
    stored = server.get(f"/api/tickets/{ticket['id']}", "firm1")
    assert stored["state"] == "disputed"
    assert stored["events"][-1]["reason"] == "该设施属于供水公司,不属于本单位管理"
    page.get_by_test_id("lang").click()
    context.close()


def test_reinspections_work_offline(browser, live_server, artifacts):
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=5)
    from tests.photos.images import phone_jpeg

    act(server, ticket["id"], "accept", "firm1")
    after = put_photo(server, "firm1", phone_jpeg((1000, 750), seed=77))
    act(server, ticket["id"], "rectify", "firm1", photos=[after])

    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.base}/")
    login(page, "inspector1")
    expect(page.get_by_test_id("estates")).to_be_visible()
    wait_for_service_worker(page)
    page.get_by_test_id("nav-reinspect").click()
    row = page.locator(f'[data-testid=ticket][data-id="{ticket["id"]}"]')
    expect(row).to_be_visible()
    expect(page.get_by_text("数据更新于")).to_be_visible()
    page.screenshot(path=artifacts / "50-reinspect-list-360.png")

    # No signal; reload: the list, the ticket and its after-photo come from the device.
    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("net")).to_have_text("离线")
    expect(row).to_be_visible()
    expect(row).to_contain_text(ticket["title"])
    page.screenshot(path=artifacts / "51-reinspect-offline-360.png")
    row.click()
    detail = page.get_by_test_id("ticket-detail")
    expect(detail).to_have_attribute("data-state", "rectified")
    expect(detail).to_contain_text("离线:显示的是本机保存的工单")
    _image_loaded(page.get_by_test_id("photos-after").get_by_test_id("server-photo"))

    # Verify on site without signal: queued on the device, sent when the signal is back.
    page.get_by_test_id("action-verify").click()
    expect(page.get_by_test_id("queued-action")).to_have_attribute("data-state", "waiting")
    page.screenshot(path=artifacts / "52-reinspect-verify-queued-360.png", full_page=True)
    context.set_offline(False)
    expect(detail).to_have_attribute("data-state", "closed", timeout=30_000)
    assert server.get(f"/api/tickets/{ticket['id']}", "inspector1")["state"] == "closed"
    context.close()
