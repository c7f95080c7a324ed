"""The inspector's day starts on 今日任务: overdue tasks first, then today's, each by distance
from where the inspector stands; the list survives losing signal; starting a task starts its
inspection, and once the server has that inspection the task is ticked off."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import (
    answer_item,
    login,
    next_item,
    ordered_items,
    passing_answer,
    wait_for_service_worker,
)

expect = pytest.importorskip("playwright.sync_api").expect

# Where each state is listed: overdue (or missed today) first, then due, then later, then done.
GROUP = {"overdue": 0, "missed": 0, "due": 1, "later": 2, "done": 3, "done_late": 3}


def _metres(text: str) -> float:
    if "您在此小区内" in text:
        return 0.0
    found = re.search(r"([\d.]+) (米|公里)", text)
    assert found, text
    return float(found[1]) * (1000 if found[2] == "公里" else 1)


def _listed(page) -> list[tuple[int, str, float | None]]:
    rows = page.get_by_test_id("task")
    listed = []
    for index in range(rows.count()):
        row = rows.nth(index)
        state = row.get_attribute("data-state")
        meta = row.locator(".meta").inner_text()
        distance = _metres(meta) if GROUP[state] < 3 else None
        listed.append((int(row.get_attribute("data-task-id")), state, distance))
    return listed


def _shown(task: dict) -> str:
    """The state the phone shows now (tasks.tsx stateNow)."""
    if task["state"] in ("done", "done_late"):
        return task["state"]
    now = datetime.now(UTC)
    if now < datetime.fromisoformat(task["opens_at"]):
        return "later"
    if now < datetime.fromisoformat(task["closes_at"]):
        return "due"
    return "overdue" if now < datetime.fromisoformat(task["grace_until"]) else "missed"


def _check_order(listed: list[tuple[int, str, float | None]]) -> None:
    groups = [GROUP[state] for _, state, _ in listed]
    assert groups == sorted(groups), listed
    for group in (0, 1):
        distances = [d for _, state, d in listed if GROUP[state] == group]
        assert distances == sorted(distances), listed


def test_todays_tasks_offline_start_and_tick(browser, live_server, artifacts):
    server = live_server
    tasks = server.get("/api/tasks", "inspector1")
    estates = {e["id"]: e for e in server.get("/api/estates?page_size=500", "inspector1")}
    checklist = server.get("/api/checklists/active", "inspector1")["checklists"][0]
    items = ordered_items(checklist)
    # The demo's weekly plans leave inspector1 tasks to do today: in their window on a working
    # day; on a weekend or holiday (Beijing) only the last working day's, overdue in their grace.
    shown = {t["id"]: _shown(t) for t in tasks}
    today_kind = "due" if "due" in shown.values() else "overdue"
    assert today_kind in shown.values(), tasks
    # Stand in an estate whose only open task is that one: its inspection fulfils it.
    open_by_estate: dict[int, list[dict]] = {}
    for task in tasks:
        if task["state"] in ("due", "upcoming"):
            open_by_estate.setdefault(task["estate_id"], []).append(task)
    target = next(
        t
        for t in tasks
        if shown[t["id"]] == today_kind and len(open_by_estate[t["estate_id"]]) == 1
    )
    done_state, done_word = ("done", "已完成") if today_kind == "due" else ("done_late", "逾期完成")
    estate = estates[target["estate_id"]]
    lng, lat = estate["centroid"]

    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=1,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        geolocation={"latitude": lat, "longitude": lng, "accuracy": 8},
        permissions=["geolocation"],
        bypass_csp=True,  # lets the test inject axe-core; the app's own CSP is tested elsewhere
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # 1. The phone opens on 今日任务, above the estates, in the order the day should go.
    page.goto(f"{server.base}/")
    login(page, "inspector1")
    section = page.get_by_test_id("tasks")
    expect(section.get_by_role("heading", name="今日任务")).to_be_visible()
    expect(page.get_by_test_id("task")).to_have_count(len(tasks))
    expect(page.get_by_text("定位精度")).to_be_visible()
    expect(section).to_contain_text("数据更新于")
    box = section.bounding_box()
    assert box and box["y"] < page.get_by_text("我的小区").bounding_box()["y"]
    listed = _listed(page)
    _check_order(listed)
    # Standing inside the target estate puts its task first in its group.
    group = [task_id for task_id, state, _ in listed if GROUP[state] == GROUP[today_kind]]
    assert group[0] == target["id"], (listed, target)
    overdue = [task_id for task_id, state, _ in listed if GROUP[state] == 0]
    now = datetime.now(UTC)
    expected_overdue = [
        t["id"]
        for t in tasks
        if t["state"] == "missed"
        or (t["state"] == "due" and datetime.fromisoformat(t["closes_at"]) <= now)
    ]
    assert sorted(overdue) == sorted(expected_overdue), (overdue, expected_overdue)
    row = page.locator(f"[data-testid=task][data-task-id='{target['id']}']")
    expect(row).to_contain_text(estate["name"])
    expect(row).to_contain_text("待巡查" if today_kind == "due" else "已逾期")
    expect(row).to_contain_text("您在此小区内")
    page.screenshot(path=artifacts / "tasks-01-today-360.png", full_page=True)
    assert small_targets(page) == []
    assert axe_violations(page) == []
    wait_for_service_worker(page)

    # 2. No signal, and the app reopened: the day's list is still there, from the phone.
    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("net")).to_have_text("离线")
    expect(page.get_by_test_id("task")).to_have_count(len(tasks))
    assert [task_id for task_id, _, _ in _listed(page)] == [task_id for task_id, _, _ in listed]
    page.screenshot(path=artifacts / "tasks-02-offline-360.png", full_page=True)

    # 3. Start the task: its inspection opens on the first item; everything passes.
    row.get_by_test_id("task-start").click()
    expect(page.get_by_test_id("item")).to_be_visible()
    for index, item in enumerate(items):
        last = index == len(items) - 1
        kind, _ = how = passing_answer(item)
        answer_item(page, item, how, last)
        if kind == "number" and not last:
            next_item(page, item)
    page.get_by_test_id("to-review").click()
    expect(page.get_by_test_id("review")).to_contain_text("所有项目已检查,证据齐全。")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("queue-item")).to_have_attribute("data-state", "waiting")

    # 4. Back on 今日任务, still offline: the task stays open until the server has confirmed it.
    page.locator("nav.bottomnav a[href='/']").click()
    row = page.locator(f"[data-testid=task][data-task-id='{target['id']}']")
    expect(row).to_have_attribute("data-state", today_kind)
    expect(row).to_contain_text("已巡查,待上传")
    expect(row.get_by_test_id("task-start")).to_have_count(0)
    page.screenshot(path=artifacts / "tasks-03-unsent-360.png")
    # 5. Signal back: the outbox sends the inspection and the task ticks off, on this screen.
    context.set_offline(False)
    expect(row).to_have_attribute("data-state", done_state, timeout=60_000)
    expect(row).to_contain_text(done_word)
    expect(row.get_by_test_id("task-start")).to_have_count(0)
    page.screenshot(path=artifacts / "tasks-04-ticked-360.png", full_page=True)
    done = next(t for t in server.get("/api/tasks", "inspector1") if t["id"] == target["id"])
    assert done["state"] == done_state and done["inspection_id"]
    # The ticked task moved below the open ones; the outbox is empty.
    _check_order(_listed(page))
    page.locator("nav.bottomnav a[href='/sync']").click()
    expect(page.get_by_test_id("queue-item")).to_have_attribute("data-state", "done")
    assert not errors, errors
    context.close()
