"""An inspector changes their own password in the app and signs in with it; after an
administrator's reset the app asks for a new password before anything else."""

from __future__ import annotations

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import DEMO_PASSWORD, login

expect = pytest.importorskip("playwright.sync_api").expect


def _new_inspector(live_server, username: str) -> int:
    """A fresh inspector with inspector1's grids: the shared demo accounts keep their password."""
    me = live_server.get("/api/users?role=inspector&page_size=100", "admin")
    grids = next(u for u in me if u["username"] == "inspector1")["grid_ids"]
    body = {"username": username, "password": DEMO_PASSWORD, "role": "inspector",
            "display_name": "改密网格员", "grid_ids": grids}  # fmt: skip
    status, _, created = live_server.call("POST", "/api/users", body, user="admin")
    assert status == 201, created
    return created["id"]


def _fill(page, current: str, new: str, repeat: str | None = None) -> None:
    screen = page.get_by_test_id("password-screen")
    screen.locator("input[name=current-password]").fill(current)
    screen.locator("input[name=new-password]").fill(new)
    screen.locator("input[name=repeat-password]").fill(repeat if repeat is not None else new)
    screen.locator("button[type=submit]").click()


def test_an_inspector_changes_their_password_and_signs_in_with_it(browser, live_server, artifacts):
    user_id = _new_inspector(live_server, "pwinspector")
    # bypass_csp lets the test inject axe-core; the app's own CSP is tested elsewhere.
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    login(page, "pwinspector")
    expect(page.get_by_test_id("estates")).to_be_visible()
    page.get_by_test_id("change-password").click()
    screen = page.get_by_test_id("password-screen")
    expect(screen).to_contain_text("修改密码")
    assert small_targets(page) == []
    assert axe_violations(page) == []
    _fill(page, "not-my-password", "brand-new-pass-1")
    expect(page.get_by_test_id("password-error")).to_have_text("当前密码不正确")
    _fill(page, DEMO_PASSWORD, "short")
    expect(page.get_by_test_id("password-error")).to_have_text("新密码至少 8 位")
    _fill(page, DEMO_PASSWORD, "brand-new-pass-1")
    expect(page.get_by_test_id("password-done")).to_be_visible()
    page.screenshot(path=artifacts / "70-password-changed-360.png")
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("password-done")).to_contain_text("Password changed")
    page.get_by_test_id("lang").click()

    page.goto(f"{live_server.base}/")
    page.get_by_test_id("logout").click()
    login(page, "pwinspector", DEMO_PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    login(page, "pwinspector", "brand-new-pass-1")
    expect(page.get_by_test_id("estates")).to_be_visible()

    # An administrator resets it: the app asks for a new one before anything else.
    status, _, reset = live_server.call(
        "PATCH", f"/api/users/{user_id}", {"password": "temporary-pass-1"}, user="admin"
    )
    assert status == 200 and reset["must_change_password"] is True, reset
    page.reload()  # the old token was revoked: sign in again with the temporary password
    expect(page.get_by_test_id("relogin")).to_be_visible()
    page.get_by_test_id("relogin").locator("input[type=password]").fill("temporary-pass-1")
    page.get_by_test_id("relogin").locator("button[type=submit]").click()
    expect(page.get_by_test_id("password-forced")).to_be_visible()
    expect(page.get_by_test_id("estates")).to_have_count(0)
    expect(page.locator("nav.bottomnav")).to_have_count(0)
    page.screenshot(path=artifacts / "71-password-forced-360.png")
    _fill(page, "temporary-pass-1", "my-own-pass-2")
    expect(page.get_by_test_id("password-forced")).to_have_count(0)
    page.goto(f"{live_server.base}/")
    expect(page.get_by_test_id("estates")).to_be_visible()
    context.close()
