"""On a phone (360×740), a supervisor ticks 包含巡查覆盖率 and publishes; the public page then shows
the coverage of the period per street and grid, frozen as published, with the full table one tap
away. The demo's weekly plans give the period real tasks."""

from __future__ import annotations

import pytest

from backend.reports.rates import percent_text
from tests.browser.support import login
from tests.browser.test_public_pages import PHONE, _page_width, _squeezed

expect = pytest.importorskip("playwright.sync_api").expect


def _pct(value: float | None) -> str:
    return percent_text(value)


def test_supervisor_publishes_coverage_and_the_public_reads_it(browser, live_server, artifacts):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.base}/")
    login(page, "supervisor1")
    page.get_by_test_id("sv-nav-scorecards").click()
    expect(page.get_by_test_id("sv-table")).to_be_visible()

    tick = page.get_by_label("包含巡查覆盖率")
    expect(tick).not_to_be_checked()
    label = page.locator("label", has=page.get_by_test_id("sv-publish-coverage"))
    assert label.bounding_box()["height"] >= 44  # the whole label is the touch target
    label.click()
    expect(tick).to_be_checked()
    page.screenshot(path=artifacts / "70-publish-coverage-360.png")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("sv-publish").click()
    expect(page.get_by_test_id("sv-notice")).to_have_text("已发布公示")

    newest = live_server.get("/api/disclosures", "supervisor1")[0]
    status, _, published = live_server.call("GET", f"/api/public/disclosures/{newest['id']}")
    assert status == 200 and published["sections"] == ["coverage"]
    section = published["coverage"]
    assert section["total"]["due"] > 0, "the demo's weekly plans have tasks in the last 30 days"
    assert section["streets"] and section["grids"]

    page.goto(f"{live_server.base}/public/")
    page.locator("ul.list li > a", has_text=newest["title"]).first.click()
    heading = page.get_by_role("heading", name="巡查覆盖率 Inspection coverage")
    expect(heading).to_be_visible()
    expect(page.locator("#coverage + p")).to_contain_text(_pct(section["total"]["coverage"]))
    heading.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "71-public-coverage-360.png")
    assert _page_width(page) <= PHONE["width"]
    assert _squeezed(page) == []

    # The grids' full table is one tap away, with the figures as published.
    more = page.get_by_role("link", name="查看网格完整表格 Full table")
    assert more.bounding_box()["height"] >= 44
    more.click()
    table = page.locator("#coverage-grids")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_text(
        ["网格", "街道", "应巡查", "按时完成", "逾期完成", "错过", "进行中", "覆盖率"]
    )
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(section["grids"]))
    first = section["grids"][0]
    expect(rows.first.locator("td")).to_have_text(
        [
            first["name"],
            first["street"],
            str(first["due"]),
            str(first["done"]),
            str(first["done_late"]),
            str(first["missed"]),
            str(first["open"]),
            _pct(first["coverage"]),
        ]
    )
    page.screenshot(path=artifacts / "72-public-coverage-table-360.png")
    assert _page_width(page) <= PHONE["width"], "only the table's own box scrolls"
    assert _squeezed(page, "#coverage-grids th, #coverage-grids td") == []
    context.close()
    assert errors == []


def test_supervisor_publishes_every_optional_section(browser, live_server, artifacts):
    """Each optional part of a 公示 has its own tick box (a 44 px label) and reaches the public
    page as its own section."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.base}/")
    login(page, "supervisor1")
    page.get_by_test_id("sv-nav-scorecards").click()
    expect(page.get_by_test_id("sv-table")).to_be_visible()
    chosen = ["owner_survey", "kaoping", "fullcover", "kaohe"]
    for name in chosen:
        label = page.locator("label", has=page.get_by_test_id(f"sv-publish-{name}"))
        assert label.bounding_box()["height"] >= 44
        label.click()
        expect(page.get_by_test_id(f"sv-publish-{name}")).to_be_checked()
    expect(page.get_by_test_id("sv-publish-coverage")).not_to_be_checked()
    assert _page_width(page) <= PHONE["width"]
    page.screenshot(path=artifacts / "73-publish-sections-360.png")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("sv-publish").click()
    expect(page.get_by_test_id("sv-notice")).to_have_text("已发布公示")

    newest = live_server.get("/api/disclosures", "supervisor1")[0]
    status, _, published = live_server.call("GET", f"/api/public/disclosures/{newest['id']}")
    assert status == 200 and sorted(published["sections"]) == sorted(chosen)
    page.goto(f"{live_server.base}/public/")
    page.locator("ul.list li > a", has_text=newest["title"]).first.click()
    for anchor in ("owner-survey", "kaoping", "fullcover", "kaohe"):
        expect(page.locator(f"h2#{anchor}")).to_be_visible()
    assert _page_width(page) <= PHONE["width"]
    page.screenshot(path=artifacts / "74-public-sections-360.png", full_page=True)
    context.close()
    assert errors == []
