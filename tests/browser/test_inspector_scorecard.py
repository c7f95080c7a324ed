"""The inspector scorecard on a 360×740 phone: inspector1 opens 我的考评 from 今日任务 and sees the
figures the API gives for this month (and, offline, the saved ones with a plain message); a
supervisor finds the inspectors on the dashboard's 巡查员 tab."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.reports.rates import percent_text
from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import beijing_today, login

expect = pytest.importorskip("playwright.sync_api").expect

RATES = (
    ("on_time_inspection", "on_time_inspection_rate"),
    ("valid_reports", "valid_report_rate"),
    ("on_time_verify", "on_time_verify_rate"),
    ("missed_reports", "missed_report_rate"),
    ("evidence_flags", "evidence_flag_rate"),
)


def _shown(rate: float | None) -> str:
    return "暂无数据" if rate is None else percent_text(rate)


def _phone(browser):
    return browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=1,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        bypass_csp=True,  # lets the test inject axe-core
    )


def test_inspector_opens_own_scorecard(browser, live_server, artifacts):
    server = live_server
    today = beijing_today()
    rows = server.get(
        f"/api/reports/scorecards/inspectors?from={today.replace(day=1)}&to={today}", "inspector1"
    )
    assert [r["code"] for r in rows] == ["inspector1"]
    mine = rows[0]
    context = _phone(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "inspector1")
    expect(page.get_by_test_id("tasks")).to_be_visible()
    link = page.get_by_test_id("my-scorecard-link")
    expect(link).to_have_text("我的考评")
    box = link.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44
    link.click()
    figures = page.get_by_test_id("my-sc-figures")
    expect(figures).to_have_attribute("data-fresh", "1")
    for key, field in RATES:
        expect(page.get_by_test_id(f"my-sc-{key}-rate")).to_have_text(_shown(mine[field]))
    expect(page.get_by_test_id("my-sc-on_time_inspection")).to_contain_text(
        f"应巡 {mine['tasks_due']} 项"
    )
    expect(page.get_by_test_id("my-sc-period")).to_contain_text(
        f"{today.replace(day=1).isoformat()} 至 {today.isoformat()}"
    )
    page.screenshot(path=artifacts / "inspector-scorecard-01-360.png", full_page=True)
    assert small_targets(page) == []
    assert axe_violations(page) == []

    # No signal: the figures saved on the phone, and words, not an HTTP error.
    context.set_offline(True)
    page.get_by_test_id("my-sc-last").click()
    page.get_by_test_id("my-sc-this").click()
    message = page.get_by_test_id("my-sc-error")
    expect(message).to_contain_text("无法加载考评")
    expect(message).to_contain_text("当前显示")
    assert "HTTP" not in message.inner_text() and "fetch" not in message.inner_text().lower()
    expect(page.get_by_test_id("my-sc-on_time_inspection-rate")).to_have_text(
        _shown(mine["on_time_inspection_rate"])
    )
    page.screenshot(path=artifacts / "inspector-scorecard-02-offline-360.png", full_page=True)
    context.set_offline(False)

    # English is one tap away.
    page.get_by_test_id("lang").click()
    expect(page.get_by_role("heading", name="My scorecard")).to_be_visible()
    page.get_by_test_id("lang").click()
    context.close()
    assert errors == []


def test_supervisor_sees_the_inspectors_tab(browser, live_server, artifacts):
    server = live_server
    today = beijing_today()
    period = f"from={today - timedelta(days=30)}&to={today}"
    rows = server.get(f"/api/reports/scorecards/inspectors?{period}", "supervisor1")
    codes = [r["code"] for r in rows]  # other tests on this server may add inspectors here
    assert "inspector1" in codes and "inspector2" not in codes  # inspector2: another district
    context = _phone(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "supervisor1")
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()
    page.get_by_test_id("sv-nav-scorecards").click()
    expect(page.get_by_test_id("sv-table")).to_be_visible()
    page.get_by_test_id("sv-level-inspectors").click()
    table = page.get_by_test_id("sv-inspectors-table")
    row = table.locator("tr[data-code=inspector1]")
    mine = next(r for r in rows if r["code"] == "inspector1")
    expect(row).to_contain_text(mine["name"])
    expect(row).to_contain_text(_shown(mine["on_time_inspection_rate"]).replace("暂无数据", "—"))
    expect(page.get_by_test_id("sv-export-csv")).to_have_count(0)  # the firms' exports are hidden
    page.screenshot(path=artifacts / "inspector-scorecard-03-supervisor-360.png", full_page=True)
    with page.expect_download() as info:
        page.get_by_test_id("sv-inspectors-csv").click()
    assert info.value.suggested_filename.startswith("scorecards-inspectors-")
    page.get_by_test_id("sv-inspectors-grid").click()
    expect(table.locator("tr[data-code='G-210202001-01']")).to_be_visible()
    page.screenshot(path=artifacts / "inspector-scorecard-04-grids-360.png", full_page=True)
    context.close()
    assert errors == []
