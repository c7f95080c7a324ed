"""The notification centre in the phone app: a ticket dispatched to the firm becomes a notice
(the notifier run as cron runs it); the bell on the home screen counts it, the list shows it in
Chinese at 360×740, and tapping it opens the ticket and marks it read. Every role has the bell."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.browser.support import BIN, ROOT, login, signed_in_phone, wait_for_service_worker
from tests.browser.tickets_setup import failing_inspection, shared_estate

expect = pytest.importorskip("playwright.sync_api").expect


def notify_once(server, **settings: str) -> str:
    env = {**os.environ, "WUHAO_INSTANCE_DIR": str(server.log.parent), "FLASK_APP": "backend",
           **settings}  # fmt: skip
    env.pop("DATABASE_URL", None)
    done = subprocess.run([BIN / "flask", "notify", "once"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def test_a_dispatched_ticket_reaches_the_firm_as_a_notice(browser, live_server, artifacts):
    server = live_server
    notify_once(server)  # the demo world's own history first (a fresh install tells it too)
    assert server.call("POST", "/api/notifications/read-all", user="firm1")[0] == 200
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=71)
    assert "sent" in notify_once(server)
    unread = server.get("/api/notifications/unread", "firm1")["unread"]
    assert unread >= 1  # the dispatch; a deadline reminder too when it falls due within a day

    context, page, errors = signed_in_phone(browser, server.base, "firm1")
    bell = page.get_by_test_id("notice-bell")
    expect(bell).to_be_visible()
    expect(page.get_by_test_id("notice-count")).to_have_text(str(unread))
    box = _box(bell)
    assert box["height"] >= 44 and box["width"] >= 44
    assert box["x"] + box["width"] <= 360  # the top bar still fits the phone
    bell.click()

    expect(page).to_have_url(f"{server.base}/notifications")
    notice = (
        page.get_by_test_id("notice")
        .filter(has_text=ticket["code"])
        .filter(has_text="新工单待受理")
    )
    expect(notice).to_have_count(1)
    assert _box(notice)["height"] >= 44
    assert "unread" in (notice.get_attribute("class") or "")
    page.screenshot(path=str(artifacts / "notices-firm.png"))
    notice.click()

    expect(page).to_have_url(f"{server.base}/ticket/{ticket['id']}")
    expect(page.get_by_text(ticket["code"]).first).to_be_visible()
    if unread > 1:
        expect(page.get_by_test_id("notice-count")).to_have_text(str(unread - 1))
    else:
        expect(page.get_by_test_id("notice-count")).to_have_count(0)
    assert server.get("/api/notifications/unread", "firm1")["unread"] == unread - 1

    page.get_by_test_id("notice-bell").click()
    page.get_by_test_id("only-unread").click()
    opened = page.get_by_test_id("notice").filter(has_text="新工单待受理")
    expect(opened.filter(has_text=ticket["code"])).to_have_count(0)
    page.get_by_test_id("mark-all").click()
    expect(page.get_by_test_id("notice-count")).to_have_count(0)
    assert errors == []
    context.close()


@pytest.mark.parametrize("username", ["inspector1", "street1", "admin", "committee1"])
def test_every_role_has_the_bell_on_its_home(browser, live_server, username):
    context, page, _ = signed_in_phone(browser, live_server.base, username)
    bell = page.get_by_test_id("notice-bell")
    expect(bell).to_be_visible()
    expect(bell).to_contain_text("通知")
    box = _box(bell)
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360
    # The app's name still fits beside the bell and the language switch (EN).
    name = page.locator(".topbar .brand span")
    expect(name).to_have_text("五好小区巡查")
    assert name.evaluate("e => e.scrollWidth <= e.clientWidth"), "the name is cut off"
    language = page.get_by_role("button", name="EN", exact=True)
    assert _box(language)["height"] >= 44 and _box(language)["width"] >= 44
    bell.click()
    expect(page.get_by_test_id("notices")).to_be_visible()
    context.close()


def test_an_assessor_is_reminded_and_the_notice_opens_the_form(browser, live_server, artifacts):
    """community1 (友好社区居委会) has this quarter's estates to assess: with the reminder window
    stretched over today (KAOPING_REMIND_DAYS for this notifier run), the cron run tells it
    考评待填写; the bell counts it and the notice opens the 考评 form's list."""
    server = live_server
    waiting = [
        row for row in server.get("/api/assessments/mine", "community1")["estates"]
        if row["assessment"] is None
    ]  # fmt: skip
    assert waiting, "the demo leaves this quarter's community assessments open"
    notify_once(server, KAOPING_REMIND_DAYS="92")
    context, page, errors = signed_in_phone(browser, server.base, "community1")
    expect(page.get_by_test_id("notice-count")).to_have_text("1")
    page.get_by_test_id("notice-bell").click()
    notice = page.get_by_test_id("notice").filter(has_text="考评待填写")
    expect(notice).to_contain_text(f"还有 {len(waiting)} 个小区未考评")
    page.screenshot(path=str(artifacts / "notices-assessor-360.png"))
    notice.click()
    expect(page).to_have_url(f"{server.base}/assess")
    expect(page.get_by_text(waiting[0]["name"]).first).to_be_visible()
    expect(page.get_by_test_id("notice-count")).to_have_count(0)
    assert errors == []
    context.close()


def test_a_pushed_notice_is_shown_and_opens_its_ticket(browser, live_server, artifacts):
    """Headless chromium cannot receive pushes from a local push service (its push client
    talks only to the browser vendor's service), so the push event is delivered to the service
    worker through the DevTools protocol (ServiceWorker.deliverPushMessage) with the payload the
    server encrypts (backend/notifications/push.py; its encryption is tested against a fake push
    service in tests/notifications/test_push.py). The notice appears; a tap (a notificationclick
    dispatched in the worker) brings the app to the ticket."""
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=73)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    context.grant_permissions(["notifications"], origin=server.base)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "firm1")
    wait_for_service_worker(page)

    cdp = context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"] for r in event["registrations"] if not r.get("isDeleted")
        ),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(500)
    assert registrations, "no service worker registration seen"
    message = {"title": "新工单待受理", "body": f"{ticket['code']} 测试", "link":
               f"/ticket/{ticket['id']}", "tag": "t1", "ticket_id": ticket["id"]}  # fmt: skip
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.base, "registrationId": registrations[-1],
         "data": json.dumps(message, ensure_ascii=False)},
    )  # fmt: skip
    shown = page.evaluate(
        """async () => {
            const reg = await navigator.serviceWorker.ready;
            for (let i = 0; i < 50; i++) {
                const found = await reg.getNotifications();
                if (found.length) return found.map((n) => ({title: n.title, body: n.body,
                                                           data: n.data}));
                await new Promise((r) => setTimeout(r, 100));
            }
            return [];
        }"""
    )
    assert shown == [{"title": "新工单待受理", "body": f"{ticket['code']} 测试",
                      "data": {"link": f"/ticket/{ticket['id']}"}}]  # fmt: skip

    [worker] = [w for w in context.service_workers if w.url.endswith("/sw.js")]
    worker.evaluate(
        """async () => {
            const [notice] = await self.registration.getNotifications();
            self.dispatchEvent(new NotificationEvent('notificationclick', {notification: notice}));
        }"""
    )
    expect(page).to_have_url(f"{server.base}/ticket/{ticket['id']}")
    expect(page.get_by_text(ticket["code"]).first).to_be_visible()
    assert errors == []
    context.close()


def test_a_supervisor_urges_and_the_firm_acknowledges(browser, live_server):
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    [ticket] = failing_inspection(server, estate, seed=79)
    # The supervisors' screens are desktop ones (as in test_supervisor_journey.py).
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "street1")
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()
    page.goto(f"{server.base}/supervise/tickets/{ticket['id']}")
    page.get_by_test_id("urge-start").click()
    page.get_by_test_id("urge-note").fill("今天下班前处理完")
    page.get_by_test_id("urge-send").click()
    expect(page.get_by_test_id("urge")).to_contain_text("今天下班前处理完")
    expect(page.get_by_test_id("urge")).to_contain_text("待责任单位确认")
    context.close()

    assert "sent" in notify_once(server)
    firm = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = firm.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "firm1")
    page.get_by_test_id("notice-bell").click()
    page.get_by_test_id("notice").filter(has_text="监管部门催办").filter(
        has_text=ticket["code"]
    ).click()
    expect(page).to_have_url(f"{server.base}/ticket/{ticket['id']}")
    ack = page.get_by_test_id("urge-ack")
    expect(ack).to_be_visible()
    assert _box(ack)["height"] >= 44
    ack.click()
    expect(page.get_by_test_id("urge")).to_contain_text("已确认")
    expect(page.get_by_test_id("urge-ack")).to_have_count(0)
    assert errors == []
    firm.close()
