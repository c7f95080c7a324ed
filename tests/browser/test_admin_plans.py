"""巡查计划 in the admin console on a phone (360×740), against the real server: an administrator
creates a weekly plan for a grid (a window longer than the period is refused beside its field,
in Chinese, and nothing is made), sees it listed with the schedule in words and its tasks with
their states, and changes it from tomorrow (today is refused: the past keeps its rules). A
street supervisor, whom the API refuses, is not offered the section."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import LiveServer, login

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 360, "height": 740}
WEEKDAY = "一二三四五六日"
NAME = "浏览器测试周巡查"


def _beijing_today():
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def _grid(server: LiveServer) -> dict:
    """An estate and a grid around it of their own (no inspectors, no demo plan), so no other
    test sees the tasks of this plan."""
    street = next(s for s in server.get("/api/streets", "admin") if s["code"] == "210202001")
    west, south = 121.86, 38.95

    def ring(pad: float) -> list[list[float]]:
        w, s, e, n = west - pad, south - pad, west + 0.002 + pad, south + 0.0015 + pad
        return [[w, s], [e, s], [e, n], [w, n], [w, s]]

    estate = {"code": "ADMPLAN1", "name": "计划测试小区", "street_id": street["id"],
              "address": "测试路2号", "geometry": {"type": "Polygon", "coordinates": [ring(0)]}}  # fmt: skip
    status, _, body = server.call("POST", "/api/estates", estate, user="admin")
    assert status == 201, body
    grid = {"code": "ADMPLAN-G1", "name": "计划测试网格", "street_id": street["id"],
            "geometry": {"type": "Polygon", "coordinates": [ring(0.001)]}}  # fmt: skip
    status, _, body = server.call("POST", "/api/grids", grid, user="admin")
    assert status == 201, body
    return body


def _console(browser, server: LiveServer, username: str):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, locale="zh-CN", timezone_id="Asia/Shanghai",
        bypass_csp=True,
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"{server.base}/")
    login(page, username)
    expect(page.get_by_test_id("login")).to_have_count(0)
    page.goto(f"{server.base}/admin")
    expect(page.get_by_test_id("admin")).to_be_visible()
    return context, page


def _shot(page, artifacts, name: str, focus) -> None:
    focus.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / name)
    assert small_targets(page) == []
    assert axe_violations(page) == []


def _plans(server: LiveServer) -> list[dict]:
    return [p for p in server.get("/api/plans", "admin") if p["name"] == NAME]


def test_admin_creates_sees_and_changes_a_weekly_plan(browser, live_server, artifacts):
    grid = _grid(live_server)
    today = _beijing_today()
    tomorrow = today + timedelta(days=1)
    # Monday and Thursday, and today when it is a weekday (so a task is open today).
    days = sorted({0, 3} | ({today.weekday()} if today.weekday() < 5 else set()))
    words = "每周" + "、".join(WEEKDAY[d] for d in days)
    context, page = _console(browser, live_server, "admin")
    try:
        page.get_by_test_id("admin-nav-plans").click()
        section = page.get_by_test_id("admin-plans")
        expect(section.get_by_role("heading", name="巡查计划")).to_be_visible()
        section.get_by_test_id("plan-new").click()

        form = page.get_by_test_id("plan-form")
        form.get_by_test_id("plan-name").fill(NAME)
        form.get_by_test_id("plan-checklist").select_option(index=1)
        form.get_by_test_id("plan-area-kind").select_option("grid")
        form.get_by_test_id("plan-area").select_option(str(grid["id"]))
        form.get_by_test_id("plan-schedule").select_option("weekly")
        for d in range(7):
            box = form.get_by_test_id(f"plan-weekday-{d}")
            if box.is_checked() != (d in days):
                box.click()
        _shot(page, artifacts, "89-admin-plan-form-360.png", form.get_by_test_id("plan-weekday-0"))
        # Longer than the period: refused beside the window, in Chinese; nothing is made.
        form.get_by_test_id("plan-window").fill("5")
        form.get_by_test_id("plan-save").click()
        error = form.get_by_test_id("error-window_days")
        expect(error).to_contain_text("完成时限长于周期:此处最多")
        expect(error).not_to_contain_text("longer")
        expect(page.get_by_test_id("admin-form-error")).to_have_text("计划无效")
        assert _plans(live_server) == []
        _shot(page, artifacts, "90-admin-plan-window-refused-360.png", error)

        form.get_by_test_id("plan-window").fill("1")
        form.get_by_test_id("plan-grace").fill("1")
        form.get_by_test_id("plan-save").click()
        expect(page.get_by_test_id("plans-notice")).to_have_text("计划已保存,任务已生成。")
        (plan,) = _plans(live_server)
        assert plan["versions"][0]["weekdays"] == days

        # Its tasks this month, with the states the server derives, in the words of 今日任务.
        table = page.get_by_test_id("plan-task-table")
        expect(table).to_contain_text("计划测试小区")
        api = live_server.get(f"/api/plans/{plan['id']}/tasks", "admin")
        assert api, "a plan from today makes this month's tasks"
        shown = {"upcoming": "稍后开始", "due": "待巡查", "done": "已完成", "missed": "已错过"}
        for task in api:
            row = table.locator(f"[data-testid='plan-task-{task['first_day']}-ADMPLAN1']")
            expect(row).to_have_attribute("data-state", task["state"])
            expect(row.get_by_test_id("task-state")).to_have_text(shown[task["state"]])
        if today.weekday() < 5 and today.isoformat() in {t["first_day"] for t in api}:
            expect(table.locator("[data-state=due]")).to_have_count(1)
        _shot(page, artifacts, "91-admin-plan-tasks-360.png", table)

        # Listed with the schedule in words.
        page.get_by_role("link", name="返回计划列表").click()
        row = page.get_by_test_id(f"plan-row-{plan['id']}")
        expect(row.get_by_test_id("plan-schedule-words")).to_have_text(words)
        expect(row).to_contain_text("网格 计划测试网格")
        expect(row).to_contain_text("1 个工作日")
        _shot(page, artifacts, "92-admin-plan-list-360.png", row)

        # A change from today is refused (history keeps its rules); from tomorrow it applies.
        row.get_by_role("link", name=NAME).click()
        page.get_by_test_id("plan-change").click()
        change = page.get_by_test_id("plan-change-form")
        expect(change.get_by_test_id("plan-change-note")).to_contain_text(
            "此前已开始的任务保持原有规则"
        )
        expect(change.get_by_test_id("plan-from")).to_have_value(tomorrow.isoformat())
        change.get_by_test_id("plan-schedule").select_option("monthly")
        change.get_by_test_id("plan-from").fill(today.isoformat())
        change.get_by_test_id("plan-save").click()
        expect(change.get_by_test_id("error-effective_from")).to_have_text(
            f"不能早于 {tomorrow.isoformat()}"
        )
        assert len(_plans(live_server)[0]["versions"]) == 1
        _shot(page, artifacts, "93-admin-plan-change-refused-360.png", change)
        change.get_by_test_id("plan-from").fill(tomorrow.isoformat())
        change.get_by_test_id("plan-save").click()
        expect(page.get_by_test_id("plans-notice")).to_have_text(
            f"修改已保存,自 {tomorrow.isoformat()} 起生效。"
        )
        versions = page.get_by_test_id("plan-versions")
        expect(versions.locator("li")).to_have_count(2)
        expect(versions).to_contain_text(f"{plan['versions'][0]['effective_from']} 至 {today}")
        expect(versions).to_contain_text(f"{tomorrow} 起")
        expect(versions).to_contain_text("每月")
        (changed,) = _plans(live_server)
        assert changed["versions"][0]["effective_to"] == today.isoformat()
        assert changed["versions"][1]["schedule"] == "monthly"
        _shot(page, artifacts, "94-admin-plan-changed-360.png", versions)

        # Ended: no task after the day chosen (not before the last rules began: tomorrow here);
        # an earlier day is refused beside it.
        page.get_by_test_id("plan-end").click()
        end = page.get_by_test_id("plan-end-form")
        expect(end.get_by_test_id("plan-end-day")).to_have_value(tomorrow.isoformat())
        end.get_by_test_id("plan-end-day").fill(today.isoformat())
        end.get_by_test_id("plan-end-confirm").click()
        expect(end.get_by_test_id("error-last_day")).to_have_text(f"不能早于 {tomorrow}")
        end.get_by_test_id("plan-end-day").fill(tomorrow.isoformat())
        end.get_by_test_id("plan-end-confirm").click()
        expect(page.get_by_test_id("plans-notice")).to_have_text(f"计划将于 {tomorrow} 结束。")
        expect(versions).to_contain_text(f"{tomorrow} 至 {tomorrow}")
        _shot(page, artifacts, "95-admin-plan-ended-360.png", page.get_by_test_id("plans-notice"))
        (finished,) = _plans(live_server)
        assert finished["versions"][-1]["effective_to"] == tomorrow.isoformat()
        assert finished["versions"][0]["effective_to"] == today.isoformat()  # history unchanged

        # English through the same words table.
        page.get_by_test_id("lang").click()
        expect(page.get_by_test_id("plan-versions")).to_contain_text("Monthly")
    finally:
        context.close()


def test_a_street_supervisor_is_not_offered_plans(browser, live_server):
    context, page = _console(browser, live_server, "street1")
    try:
        expect(page.get_by_test_id("admin-nav-users")).to_be_visible()
        expect(page.get_by_test_id("admin-nav-plans")).to_have_count(0)
    finally:
        context.close()
    context, page = _console(browser, live_server, "supervisor1")
    try:
        expect(page.get_by_test_id("admin-nav-plans")).to_be_visible()
    finally:
        context.close()
