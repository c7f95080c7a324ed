"""The resident's 回访 page on a phone (360×740, Debian's chromium, no app, no account): answer
"solved" and see the thanks; answer "not solved" and the ticket goes back to its unit as rework;
a link whose window has closed says so and asks nothing. The demo seeds closed complaints whose
residents have not answered yet, and some whose window has passed.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.support import login

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 360, "height": 740}
# Every control's box, to hold the 44×44 CSS px touch targets.
BOXES = """() => [...document.querySelectorAll('.choice span, button, textarea')]
  .map((el) => { const r = el.getBoundingClientRect(); return [r.width, r.height]; })"""


def _revisits(server) -> dict[str, list[dict]]:
    """The demo's closed complaint tickets by 回访 status (as an administrator reads them)."""
    found: dict[str, list[dict]] = {}
    closed = server.get("/api/tickets?state=closed&sort=-dispatched&page_size=200", "admin")
    for ticket in closed:
        if ticket["source"] != "complaint":
            continue
        revisit = server.get(f"/api/tickets/{ticket['id']}/revisit", "admin")
        found.setdefault(revisit["status"], []).append({**revisit, "code": ticket["code"]})
    return found


def _phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    return context, context.new_page()


def _choose(page, name: str, value: str) -> None:
    """Tap the big label of a choice, as a thumb does (the radio itself is visually hidden)."""
    page.locator(f"label.choice:has(input[name='{name}'][value='{value}'])").click()
    expect(page.locator(f"input[name='{name}'][value='{value}']")).to_be_checked()


def _fits_a_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for width, height in page.evaluate(BOXES):
        assert width >= 44 and height >= 44, (width, height)


def test_a_resident_answers_on_a_phone(browser, live_server, artifacts):
    waiting = [r for r in _revisits(live_server).get("ask", []) if r["would_reopen"]]
    assert len(waiting) >= 2, "the demo leaves closed complaints waiting for their answer"
    solved, unsolved = waiting[0], waiting[1]
    context, page = _phone(browser)

    page.goto(f"{live_server.base}/public/r/{solved['token']}")
    expect(page.locator("h1")).to_contain_text("工单回访")
    expect(page.locator("#code")).to_have_text(solved["code"])
    expect(page.locator("legend").first).to_contain_text("问题解决了吗")
    _fits_a_phone(page)
    page.screenshot(path=artifacts / "70-revisit-form-360.png", full_page=True)
    _choose(page, "resolved", "yes")
    _choose(page, "rating", "5")
    page.fill("#comment", "清理得很干净")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#thanks")).to_contain_text("感谢您的回访")
    page.screenshot(path=artifacts / "71-revisit-thanks-360.png", full_page=True)
    after = live_server.get(f"/api/tickets/{solved['ticket_id']}/revisit", "admin")
    assert after["status"] == "answered" and after["answers"][-1]["rating"] == 5
    page.reload()  # the same link again: answered, nothing to send twice
    expect(page.locator("#answered")).to_be_visible()
    expect(page.locator("form")).to_have_count(0)

    page.goto(f"{live_server.base}/public/r/{unsolved['token'].lower()}")  # as read out
    _choose(page, "resolved", "no")
    _choose(page, "rating", "2")
    page.fill("#comment", "垃圾还在")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#thanks")).to_contain_text("退回责任单位返工")
    page.screenshot(path=artifacts / "72-revisit-reworked-360.png", full_page=True)
    ticket = live_server.get(f"/api/tickets/{unsolved['ticket_id']}", "admin")
    assert ticket["state"] == "rework" and ticket["events"][-1]["action"] == "reopen"
    assert "垃圾还在" in ticket["events"][-1]["reason"]
    page.reload()
    expect(page.locator("#in-progress")).to_be_visible()
    context.close()


def test_a_closed_window_and_a_forged_link_say_so(browser, live_server, artifacts):
    expired = _revisits(live_server).get("expired", [])
    assert expired, "the demo has complaints whose residents never answered in time"
    context, page = _phone(browser)
    response = page.goto(f"{live_server.base}/public/r/{expired[0]['token']}")
    assert response.status == 200
    expect(page.locator("#expired")).to_contain_text("回访已截止")
    expect(page.locator("form")).to_have_count(0)
    _fits_a_phone(page)
    page.screenshot(path=artifacts / "73-revisit-expired-360.png", full_page=True)
    response = page.goto(f"{live_server.base}/public/r/ZZZZZZZZZZ")
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("链接无效")
    context.close()


def test_the_dashboard_shows_satisfaction_on_first_start(browser, live_server, artifacts):
    """The demo's residents answered enough for 满意率 over the dashboard's default 30 days."""
    today = date.today()
    period = f"from={(today - timedelta(days=30)).isoformat()}&to={today.isoformat()}"
    firms = live_server.get(f"/api/reports/scorecards/firms?{period}", "supervisor1")
    rated = [f for f in firms if f["satisfaction_rate"] is not None]
    assert rated, [(f["name"], f["revisit_answers"]) for f in firms]
    own = live_server.get(f"/api/reports/scorecards/firms?{period}", "firm1")
    assert any(f["satisfaction_rate"] is not None for f in own)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    login(page, "supervisor1")
    page.get_by_test_id("sv-nav-scorecards").click()
    table = page.get_by_test_id("sv-table")
    expect(table.locator("th", has_text="满意率")).to_be_visible()
    row = table.locator("tr", has_text=rated[0]["name"])
    shown = f"{rated[0]['satisfaction_rate'] * 100:.1f}%"
    expect(row).to_contain_text(shown)
    page.screenshot(path=artifacts / "74-dashboard-satisfaction-1440.png")
    context.close()
