"""考评 on a 360×740 phone: the owners' committee member of 天津街小区 (committee1) fills this
quarter's committee form, item by item, and submits it; the street supervisor (street1) then sees
the estate's composite and grade on the 考评 tab, with the committee's part no longer missing,
exactly as the API computes it. Chinese first, every target at least 44×44, no serious
accessibility faults."""

from __future__ import annotations

import re

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import login

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 360, "height": 740}


def _phone(browser):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", has_touch=True,
        is_mobile=True, bypass_csp=True,  # lets the test inject axe-core
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def test_committee_member_assesses_and_supervisor_sees_the_grade(browser, live_server, artifacts):
    server = live_server
    form = server.get("/api/assessments/form", "committee1")["definition"]
    points = {item["key"]: item["points"] for item in form["items"]}

    context, page, errors = _phone(browser)
    page.goto(f"{server.base}/")
    login(page, "committee1")
    expect(page.get_by_test_id("assess")).to_be_visible()
    expect(page.locator("h2")).to_have_text("业主委员会考评")
    row = page.locator("[data-testid=assess-estate][data-code=E003]")
    expect(row).to_contain_text("天津街小区")
    expect(row).to_contain_text("未打分")
    assert small_targets(page) == []
    row.get_by_test_id("assess-open").tap()

    expect(page.get_by_test_id("assess-form")).to_be_visible()
    expect(page.get_by_test_id("assess-submit")).to_be_disabled()  # nothing scored yet
    given = {key: top - 2 for key, top in points.items()}  # 2 points off every item
    for key, value in given.items():
        page.locator(f"[data-testid=assess-item][data-key={key}]").select_option(str(value))
    total = sum(given.values())
    expect(page.get_by_test_id("assess-total")).to_have_text(f"合计 {total} / 100 分")
    page.get_by_test_id("assess-comment").fill("门岗夜间无人值守")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert small_targets(page) == []
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "97-kaoping-committee-form-360.png", full_page=True)
    page.get_by_test_id("assess-submit").tap()
    expect(page.get_by_test_id("assess-notice")).to_contain_text(f"天津街小区 {total} 分")
    expect(row).to_contain_text(f"已打分 {total} 分")
    context.close()

    # The street supervisor's 考评 tab: the estate's composite as the server computes it.
    api = server.get("/api/kaoping", "street1")
    e003 = next(r for r in api["estates"] if r["code"] == "E003")
    assert e003["parts"]["committee"] == total
    assert "committee" not in e003["missing"] and e003["grade"] is not None
    context, page, errors = _phone(browser)
    page.goto(f"{server.base}/")
    login(page, "street1")
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()
    # The map has drawn (leaving it mid-load can make MapLibre reject an aborted request).
    the_map = page.get_by_test_id("sv-map")
    expect(the_map).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=15_000)
    expect(the_map).not_to_have_attribute("data-loading", "true", timeout=15_000)
    page.wait_for_function("() => window.__wuhaoMap.loaded()", timeout=15_000)
    nav = page.get_by_test_id("sv-nav-kaoping")
    assert nav.bounding_box()["height"] >= 44
    nav.click()
    expect(page.get_by_test_id("kaoping-report")).to_be_visible()
    line = page.locator("[data-testid=kaoping-estate][data-code=E003]")
    expect(line).to_contain_text(f"{e003['composite']:.1f}")
    expect(line.get_by_test_id("kaoping-grade")).to_have_text(e003["grade"])
    expect(line).not_to_contain_text("业委会")
    expect(page.get_by_test_id("kaoping-firm").first).to_be_visible()
    page.screenshot(path=artifacts / "98-kaoping-supervisor-360.png", full_page=True)
    assert small_targets(page) == []
    assert axe_violations(page) == []
    assert errors == []
    context.close()
