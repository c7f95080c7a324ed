"""The shell: role homes, the language switch, wrong passwords, and a token that stops working
while records wait to be sent (kept, sign in again, sent)."""

from __future__ import annotations

import pytest

from tests.browser.support import answer_item, login, ordered_items, passing_answer

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.parametrize(
    ("user", "role", "zh", "en"),
    [
        ("firm1", "firm", "整改工单", "Rectification tickets"),
        ("supervisor1", "supervisor", "问题地图", "Issue map"),
        ("admin", "admin", "问题地图", "Issue map"),
    ],
)
def test_other_roles_get_their_placeholder_home(
    browser, live_server, artifacts, user, role, zh, en
):
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    login(page, user)
    home = page.get_by_test_id(f"home-{role}")
    expect(home).to_contain_text(zh)
    page.screenshot(path=artifacts / f"20-home-{role}-360.png")
    page.get_by_test_id("lang").click()
    expect(home).to_contain_text(en)
    page.get_by_test_id("lang").click()
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login")).to_be_visible()
    context.close()


def test_wrong_password_is_said_plainly(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    login(page, "inspector2", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    context.close()


def test_expired_token_keeps_the_queue_and_resumes_after_signing_in(
    browser, live_server, artifacts
):
    checklist = live_server.get("/api/checklists/active", "inspector2")["checklists"][0]
    first = ordered_items(checklist)[0]
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "57 items not checked: submit anyway?"
    page.goto(f"{live_server.base}/")
    login(page, "inspector2")
    page.get_by_test_id("estate").first.click()
    page.get_by_test_id("start").click()
    answer_item(page, first, passing_answer(first), last=False)

    # The server forgets the phone's token (revoked, or expired after 14 days in a drawer).
    token = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('wuhao');
            open.onsuccess = () => {
                const get = open.result.transaction('kv').objectStore('kv').get('session');
                get.onsuccess = () => resolve(get.result.token);
                get.onerror = () => reject(get.error);
            };
        })"""
    )
    status, _, _ = live_server.call(
        "POST", "/api/auth/logout", headers={"Authorization": f"Bearer {token}"}
    )
    assert status == 204

    page.get_by_test_id("overview").click()
    page.get_by_text("检查并提交").last.click()
    page.get_by_test_id("submit").click()
    relogin = page.get_by_test_id("relogin")
    expect(relogin).to_be_visible()
    expect(relogin).to_contain_text("未发送的数据已保存在手机上")
    expect(page.get_by_test_id("queue-item")).to_have_attribute("data-state", "waiting")
    page.screenshot(path=artifacts / "21-token-expired-360.png")

    relogin.locator("input[type=password]").fill("demo12345")
    relogin.locator("button[type=submit]").click()
    expect(relogin).to_have_count(0)
    item = page.get_by_test_id("queue-item")
    expect(item).to_have_attribute("data-state", "done", timeout=30_000)
    stored = live_server.get(f"/api/inspections/{item.get_attribute('data-id')}", "inspector2")
    assert stored["status"] == "submitted" and len(stored["results"]) == 1
    context.close()
