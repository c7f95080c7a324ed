"""通知方式 on the notifications screen at 360×740: the user's own switches for SMS and push
(WeChat only when bound; in-app always on and not switchable), each row a 44px touch target,
saved at once and kept after a reload; the server's settings say the same."""

from __future__ import annotations

import pytest

from tests.browser.support import login

expect = pytest.importorskip("playwright.sync_api").expect


def test_an_inspector_switches_sms_off_and_on_again(browser, live_server, artifacts):
    server = live_server
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "inspector1")
    page.get_by_test_id("notice-bell").click()
    choices = page.get_by_test_id("channel-choices")
    expect(choices).to_contain_text("通知方式")
    expect(choices).to_contain_text("应用内通知(始终开启)")
    expect(page.get_by_test_id("choice-wechat")).to_have_count(0)  # not bound to WeChat
    sms = page.get_by_test_id("choice-sms")
    expect(sms).to_be_checked()
    row = page.locator("label.choice").filter(has_text="短信通知")
    box = row.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    assert box["x"] + box["width"] <= 360
    row.click()
    expect(sms).not_to_be_checked()
    expect(sms).to_be_enabled()
    settings = server.get("/api/notifications/settings", "inspector1")
    assert settings["sms"] is False and settings["push"] is True
    page.screenshot(path=str(artifacts / "notice-choices.png"))
    page.reload()
    expect(page.get_by_test_id("choice-sms")).not_to_be_checked()
    page.locator("label.choice").filter(has_text="短信通知").click()
    expect(page.get_by_test_id("choice-sms")).to_be_checked()
    expect(page.get_by_test_id("choice-sms")).to_be_enabled()
    assert server.get("/api/notifications/settings", "inspector1")["sms"] is True
    assert errors == []
    context.close()
