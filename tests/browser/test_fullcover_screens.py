"""物业管理全覆盖 on a 360×740 phone screen, against the demo data as it is on first start: the
全覆盖 tab of the supervisor dashboard shows the API's share, milestones, one chart column per
month end and the table; the city's administrator sees the estates still unmanaged; the public
page (/public/fullcover) shows the same figures without scripts or personal data."""

from __future__ import annotations

import re

import pytest

from backend.reports.rates import percent_text
from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import login

expect = pytest.importorskip("playwright.sync_api").expect
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
    "bypass_csp": True,  # lets the test inject axe-core; the app's own CSP is tested elsewhere
}


def _open_tab(browser, server, user):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, user)
    role = "admin" if user == "admin" else "supervisor"
    expect(page.get_by_test_id(f"home-{role}")).to_be_visible()
    the_map = page.get_by_test_id("sv-map")
    expect(the_map).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=15_000)
    page.wait_for_function("() => window.__wuhaoMap.loaded()", timeout=15_000)
    page.get_by_test_id("sv-nav-scorecards").click()
    expect(page.get_by_test_id("sv-dashboard")).to_be_visible()
    tab = page.get_by_test_id("sv-level-fullcover")
    box = tab.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    tab.click()
    expect(page.get_by_test_id("fc-summary")).to_be_visible()
    return context, page, errors


def _today_of(page) -> str:
    return page.locator(".sv-date input").nth(1).input_value()


def test_district_supervisor_tab(browser, live_server, artifacts):
    context, page, errors = _open_tab(browser, live_server, "supervisor1")
    on = _today_of(page)
    api = live_server.get(f"/api/reports/fullcover?on={on}", "supervisor1")
    total = api["total"]
    assert total["formerly_unmanaged"] >= 1, "the demo has formerly unmanaged old estates"
    expect(page.get_by_test_id("fc-share")).to_have_text(percent_text(total["share"]))
    summary = page.get_by_test_id("fc-summary")
    expect(summary).to_contain_text(f"{total['covered']} / {total['formerly_unmanaged']}")
    # The plan's milestones, read per district: 中山区 missed 60% by 2019 and met 100% by 2020.
    marks = page.get_by_test_id("fc-milestones")
    expect(marks).to_contain_text("2019-12-31")
    expect(marks.locator(".fc-mark")).to_have_count(len(total["milestones"]))
    # One column per month end since the baseline.
    expect(page.locator("[data-testid=fc-chart] .fc-col")).to_have_count(len(api["months"]))
    rows = page.get_by_test_id("fc-table").locator("tbody tr")
    expect(rows).to_have_count(len(api["rows"]))
    for row in api["rows"]:
        cells = page.locator(f"[data-testid=fc-table] tr[data-code='{row['code']}'] td")
        expect(cells.nth(1)).to_have_text(percent_text(row["share"]))
        expect(cells.nth(2)).to_have_text(str(row["covered"]))
    # Per street: the same, one row per street with estates.
    page.get_by_test_id("fc-group-street").click()
    streets = live_server.get(f"/api/reports/fullcover?on={on}&group=street", "supervisor1")
    expect(rows).to_have_count(len(streets["rows"]))
    page.screenshot(path=artifacts / "fullcover-tab-360.png", full_page=True)
    assert small_targets(page) == []
    assert axe_violations(page) == []
    assert errors == []
    context.close()


def test_city_admin_sees_estates_still_unmanaged(browser, live_server, artifacts):
    context, page, errors = _open_tab(browser, live_server, "admin")
    on = _today_of(page)
    still = live_server.get(f"/api/reports/fullcover/unmanaged?on={on}", "admin")
    assert still, "the demo has old estates still unmanaged"
    items = page.get_by_test_id("fc-unmanaged").locator("li")
    expect(items).to_have_count(len(still))
    for estate in still:
        item = page.locator(f"[data-testid=fc-unmanaged] li[data-code='{estate['code']}']")
        expect(item).to_contain_text(estate["name"])
        expect(item).to_contain_text(str(estate["days"]) if estate["days"] else "从无管理记录")
    page.get_by_test_id("fc-unmanaged").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "fullcover-unmanaged-360.png")
    assert errors == []
    context.close()


def test_public_page_on_a_phone(browser, live_server, artifacts):
    context = browser.new_context(**{**PHONE, "bypass_csp": False})
    page = context.new_page()
    page.goto(f"{live_server.base}/public/fullcover")
    api = live_server.get("/api/reports/fullcover", "admin")
    expect(page.locator("[data-figure=city-share]")).to_contain_text(
        percent_text(api["total"]["share"])
    )
    expect(page.locator("table[data-section=districts] tbody tr")).to_have_count(len(api["rows"]))
    # Nothing wider than the phone but the tables' own scrolling boxes.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    for link in page.locator("nav a").all():
        assert link.bounding_box()["height"] >= 44
    page.screenshot(path=artifacts / "fullcover-public-360.png", full_page=True)
    context.close()
