"""The admin console's people sections at a desk (1280×800), against the real server: an
administrator creates, edits and deactivates a user, an organisation and an Open311 key; a bad
input is refused beside the field it concerns and changes nothing; every control is ≥ 44 px and
axe finds nothing serious. A street supervisor manages only the organisations and the inspectors
of their street."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import LiveServer, login

expect = pytest.importorskip("playwright.sync_api").expect

DESK = {"width": 1280, "height": 800}


def _console(browser, server: LiveServer, username: str, path: str):
    # bypass_csp lets the test inject axe-core; the app's own CSP is tested elsewhere.
    context = browser.new_context(viewport=DESK, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server.base}/")
    login(page, username)
    expect(page.get_by_test_id("login")).to_have_count(0)
    page.goto(f"{server.base}{path}")
    expect(page.get_by_test_id("admin")).to_be_visible()
    return context, page


def _audited(page) -> None:
    assert small_targets(page) == []
    assert axe_violations(page) == []


def _user(server: LiveServer, username: str) -> dict:
    found = server.get(f"/api/users?q={username}&page_size=100", "admin")
    return next(u for u in found if u["username"] == username)


def _signs_in(server: LiveServer, username: str, password: str) -> bool:
    body = {"username": username, "password": password}
    status, _, _ = server.call("POST", "/api/auth/login", body)
    return status == 200


def test_admin_creates_edits_and_deactivates_a_user(browser, live_server, artifacts):
    context, page = _console(browser, live_server, "admin", "/admin/users")
    expect(page.get_by_test_id("user-row-inspector1")).to_be_visible()
    page.screenshot(path=artifacts / "80-admin-users-1280.png")
    _audited(page)

    page.get_by_test_id("user-new").click()
    form = page.get_by_test_id("user-form")
    form.locator("input[name=username]").fill("console-insp")
    form.locator("input[name=password]").fill("first-pass-1")
    form.locator("input[name=display_name]").fill("控制台网格员")
    grids = form.get_by_test_id("grid-picker").locator("input[type=checkbox]")
    expect(grids.first).to_be_visible()
    grids.nth(0).check()
    expect(form.get_by_test_id("grids-chosen")).to_have_text("已选 1 个网格")
    _audited(page)
    page.screenshot(path=artifacts / "81-admin-user-create-1280.png", full_page=True)
    form.get_by_test_id("user-save").click()
    expect(page.get_by_test_id("user-created")).to_be_visible()
    created = _user(live_server, "console-insp")
    assert created["role"] == "inspector" and len(created["grid_ids"]) == 1
    assert created["must_change_password"] is True

    # Edit: a second grid and a new name.
    form = page.get_by_test_id("user-form")
    form.locator("input[name=display_name]").fill("控制台网格员(改)")
    form.get_by_test_id("grid-picker").locator("input[type=checkbox]").nth(1).check()
    form.get_by_test_id("user-save").click()
    expect(form.get_by_test_id("user-saved")).to_be_visible()
    edited = _user(live_server, "console-insp")
    assert edited["display_name"] == "控制台网格员(改)" and len(edited["grid_ids"]) == 2

    # A bad input: a property-firm account without its firm. Refused beside the unit field.
    form.get_by_test_id("user-role").select_option("firm")
    form.get_by_test_id("user-save").click()
    expect(form.get_by_test_id("error-organisation_id")).to_have_text(
        "物业服务企业账号须选择物业服务企业或业主委员会"
    )
    expect(form.locator("[data-field=organisation_id]")).to_have_class("admin-field invalid")
    expect(form.get_by_test_id("admin-form-error")).to_contain_text("用户角色与范围不一致")
    page.screenshot(path=artifacts / "82-admin-user-refused-1280.png", full_page=True)
    assert _user(live_server, "console-insp")["role"] == "inspector"
    # A password too short for a reset: refused beside the password, the old one still works.
    reset = page.get_by_test_id("user-reset")
    reset.locator("input[name=password]").fill("short")
    reset.get_by_test_id("user-reset-save").click()
    expect(reset.get_by_test_id("error-password")).to_contain_text("8")
    assert _signs_in(live_server, "console-insp", "first-pass-1")
    reset.locator("input[name=password]").fill("reset-pass-22")
    reset.get_by_test_id("user-reset-save").click()
    expect(reset.get_by_test_id("user-reset-done")).to_be_visible()
    assert _signs_in(live_server, "console-insp", "reset-pass-22")
    _audited(page)

    status = page.get_by_test_id("user-status")
    status.get_by_test_id("user-deactivate").click()
    status.get_by_test_id("user-deactivate-confirm").click()
    expect(status.get_by_test_id("user-activate")).to_be_visible()
    expect(status).to_contain_text("已停用")
    assert _user(live_server, "console-insp")["is_active"] is False
    assert not _signs_in(live_server, "console-insp", "reset-pass-22")
    page.screenshot(path=artifacts / "83-admin-user-deactivated-1280.png", full_page=True)

    # Deactivated users leave the list unless asked for.
    page.goto(f"{live_server.base}/admin/users")
    expect(page.get_by_test_id("user-row-inspector1")).to_be_visible()
    expect(page.get_by_test_id("user-row-console-insp")).to_have_count(0)
    page.get_by_test_id("user-show-inactive").check()
    expect(page.get_by_test_id("user-row-console-insp")).to_contain_text("已停用")

    # The console is a desk screen first, but a phone can use it too.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.base}/admin/users/new")
    expect(page.get_by_test_id("grid-picker").locator("input").first).to_be_visible()
    _audited(page)
    page.screenshot(path=artifacts / "8a-admin-user-create-360.png")
    context.close()


def test_admin_registers_edits_and_deactivates_an_organisation(browser, live_server, artifacts):
    context, page = _console(browser, live_server, "admin", "/admin/organisations")
    expect(page.get_by_test_id("org-table")).to_contain_text("街道办事处")
    page.screenshot(path=artifacts / "84-admin-orgs-1280.png")
    _audited(page)

    page.get_by_test_id("org-new").click()
    form = page.get_by_test_id("org-form")
    form.locator("input[name=name]").fill("控制台测试物业有限公司")
    form.get_by_test_id("org-state-owned").check()
    form.get_by_test_id("org-district").select_option(index=1)
    form.get_by_test_id("org-street").select_option(index=1)
    _audited(page)
    form.get_by_test_id("org-save").click()
    expect(page.get_by_test_id("org-created")).to_be_visible()
    org_id = int(page.url.rsplit("/", 1)[1].split("?")[0])
    org = live_server.get(f"/api/organisations/{org_id}", "admin")
    assert org["kind"] == "property_firm" and org["state_owned"] is True
    assert org["street_id"] is not None and org["district_id"] is not None

    form = page.get_by_test_id("org-form")
    form.locator("input[name=phone]").fill("0411-12345678")
    form.get_by_test_id("org-save").click()
    expect(form.get_by_test_id("org-saved")).to_be_visible()
    assert live_server.get(f"/api/organisations/{org_id}", "admin")["phone"] == "0411-12345678"

    # A bad credit code: refused beside it, nothing stored.
    form.locator("input[name=credit_code]").fill("12345")
    form.get_by_test_id("org-save").click()
    expect(form.get_by_test_id("error-credit_code")).to_have_text("须为 18 位数字或大写字母")
    page.screenshot(path=artifacts / "85-admin-org-refused-1280.png", full_page=True)
    assert live_server.get(f"/api/organisations/{org_id}", "admin")["credit_code"] is None

    status = page.get_by_test_id("org-status")
    status.get_by_test_id("org-deactivate").click()
    status.get_by_test_id("org-deactivate-confirm").click()
    expect(status.get_by_test_id("org-activate")).to_be_visible()
    assert live_server.get(f"/api/organisations/{org_id}", "admin")["is_active"] is False

    # A firm that still manages estates cannot cease: the refusal says what holds it.
    firm = next(
        o
        for o in live_server.get("/api/organisations?kind=property_firm&page_size=500", "admin")
        if "万家" in o["name"]
    )
    page.goto(f"{live_server.base}/admin/organisations/{firm['id']}")
    status = page.get_by_test_id("org-status")
    status.get_by_test_id("org-deactivate").click()
    status.get_by_test_id("org-deactivate-confirm").click()
    expect(status.get_by_test_id("org-in-use")).to_contain_text("在管服务合同")
    expect(status.get_by_test_id("org-in-use")).to_contain_text("在用账号")
    page.screenshot(path=artifacts / "86-admin-org-in-use-1280.png", full_page=True)
    assert live_server.get(f"/api/organisations/{firm['id']}", "admin")["is_active"] is True
    _audited(page)
    context.close()


def test_a_street_supervisor_sees_the_organisations_of_their_street(browser, live_server):
    me = live_server.get("/api/me", "street1")
    context, page = _console(browser, live_server, "street1", "/admin/organisations")
    nav = page.get_by_test_id("admin-nav")
    expect(nav.get_by_test_id("admin-nav-organisations")).to_be_visible()
    expect(nav.get_by_test_id("admin-nav-users")).to_be_visible()
    expect(nav.get_by_test_id("admin-nav-open311")).to_have_count(0)
    rows = page.get_by_test_id("org-table").locator("tbody tr")
    expect(rows.first).to_be_visible()
    mine = live_server.get("/api/organisations?managed=true&page_size=500&active=true", "street1")
    assert mine and all(o["street_id"] == me["street_id"] for o in mine)
    expect(rows).to_have_count(len(mine))
    context.close()


def test_a_street_supervisor_manages_the_inspectors_of_their_street(
    browser, live_server, artifacts
):
    me = live_server.get("/api/me", "street1")
    grids = live_server.get("/api/grids?page_size=500", "admin")
    mine = {g["code"]: g["id"] for g in grids if g["street_id"] == me["street_id"]}
    other = next(g["id"] for g in grids if g["street_id"] != me["street_id"])
    context, page = _console(browser, live_server, "street1", "/admin/users/new")
    form = page.get_by_test_id("user-form")
    # Only what street1 may give: the inspector role and the grids of their street.
    expect(form.get_by_test_id("user-role").locator("option")).to_have_count(1)
    picker = form.get_by_test_id("grid-picker").locator("input[type=checkbox]")
    expect(picker).to_have_count(len(mine))
    assert {box.get_attribute("data-grid") for box in picker.all()} == set(mine)
    _audited(page)
    form.locator("input[name=username]").fill("street-walker")
    form.locator("input[name=password]").fill("walker-pass-1")
    # No grid chosen: refused beside the picker, nobody created.
    form.get_by_test_id("user-save").click()
    expect(form.get_by_test_id("error-grid_ids")).to_have_text("请至少选择一个您管辖范围内的网格")
    assert live_server.get("/api/users?q=street-walker", "admin") == []
    page.screenshot(path=artifacts / "8b-street-user-refused-1280.png", full_page=True)
    picker.first.check()
    form.get_by_test_id("user-save").click()
    expect(page.get_by_test_id("user-created")).to_be_visible()
    created = _user(live_server, "street-walker")
    assert created["role"] == "inspector" and set(created["grid_ids"]) <= set(mine.values())

    # The list: only the active accounts street1 manages, inspector1 (a grid elsewhere) not.
    page.goto(f"{live_server.base}/admin/users")
    expect(page.get_by_test_id("user-row-street-walker")).to_be_visible()
    listed = live_server.get("/api/users?active=true&page_size=100", "street1")
    expect(page.get_by_test_id("user-table").locator("tbody tr")).to_have_count(len(listed))
    assert all(u["role"] == "inspector" for u in listed)
    assert all(set(u["grid_ids"]) <= set(mine.values()) for u in listed)
    expect(page.get_by_test_id("user-row-inspector1")).to_have_count(0)
    page.screenshot(path=artifacts / "8c-street-users-1280.png", full_page=True)
    _audited(page)

    # A crafted call with another street's grid: 422 naming the field, nothing changed.
    status, _, body = live_server.call(
        "PATCH", f"/api/users/{created['id']}", {"grid_ids": [other]}, user="street1"
    )
    assert status == 422 and "grid_ids" in body["errors"], body
    assert _user(live_server, "street-walker")["grid_ids"] == created["grid_ids"]
    inspector1 = _user(live_server, "inspector1")["id"]
    status, _, _ = live_server.call("GET", f"/api/users/{inspector1}", user="street1")
    assert status == 404
    context.close()


def _posts_with(server: LiveServer, key: str) -> int:
    """The status of an (otherwise empty) Open311 post: 403 means the key was refused."""
    data = urllib.parse.urlencode({"api_key": key}).encode()
    request = urllib.request.Request(f"{server.base}/open311/v2/requests.json", data=data)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_admin_issues_renames_and_revokes_an_open311_key(browser, live_server, artifacts):
    context, page = _console(browser, live_server, "admin", "/admin/open311")
    form = page.get_by_test_id("key-form")
    form.locator("input[name=name]").fill("控制台热线")
    _audited(page)
    form.get_by_test_id("key-save").click()
    issued = page.get_by_test_id("key-issued")
    expect(issued).to_contain_text("只显示这一次")
    key = page.get_by_test_id("key-value").inner_text().strip()
    assert len(key) >= 40
    page.screenshot(path=artifacts / "87-admin-key-issued-1280.png", full_page=True)
    _audited(page)
    assert _posts_with(live_server, key) != 403  # past the key check (the post itself is empty)
    listed = live_server.get("/api/open311-keys", "admin")
    row = next(k for k in listed if k["name"] == "控制台热线")
    page.get_by_test_id("key-close").click()
    expect(page.get_by_test_id("key-issued")).to_have_count(0)
    expect(page.get_by_test_id("key-table")).not_to_contain_text(key)

    # The same name again: refused beside the name, no second key.
    form.locator("input[name=name]").fill("控制台热线")
    form.get_by_test_id("key-save").click()
    expect(form.get_by_test_id("error-name")).to_be_visible()
    expect(form.get_by_test_id("admin-form-error")).to_contain_text("已有名为")
    expect(page.get_by_test_id("key-issued")).to_have_count(0)
    page.screenshot(path=artifacts / "88-admin-key-refused-1280.png", full_page=True)
    page.get_by_test_id("lang").click()  # the server's sentence in the language shown
    expect(form.get_by_test_id("admin-form-error")).to_contain_text("exists already")
    expect(form.get_by_test_id("admin-form-error")).not_to_contain_text("已有名为")
    page.get_by_test_id("lang").click()
    names = [k["name"] for k in live_server.get("/api/open311-keys", "admin")]
    assert names.count("控制台热线") == 1

    page.get_by_test_id(f"key-row-{row['id']}").get_by_role("link").click()
    form = page.get_by_test_id("key-form")
    form.locator("input[name=name]").fill("控制台热线(改)")
    form.get_by_test_id("key-save").click()
    expect(form.get_by_test_id("key-saved")).to_be_visible()
    _audited(page)
    status = page.get_by_test_id("key-status")
    status.get_by_test_id("key-revoke").click()
    status.get_by_test_id("key-revoke-confirm").click()
    expect(page.get_by_test_id(f"key-row-{row['id']}")).to_contain_text("已吊销")
    expect(page.get_by_test_id(f"key-row-{row['id']}")).to_contain_text("控制台热线(改)")
    page.screenshot(path=artifacts / "89-admin-keys-1280.png", full_page=True)
    assert _posts_with(live_server, key) == 403
    context.close()
