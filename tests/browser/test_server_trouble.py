"""With the phone online and the API in trouble, every screen says which trouble it is, in Chinese,
and the send queue gives the same reason: a 502 from the proxy is a server error, a refused
connection is "cannot reach the server", and a hanging request is a timeout. No raw browser or
HTTP text ("Bad Gateway", "Failed to fetch") reaches the user.

The trouble is made by Playwright's route interception of /api/ (service workers are blocked in
these contexts so that every request of the page passes the route). A timeout is a request that
never answers; the page's fake clock is moved past the app's own time limit."""

from __future__ import annotations

import contextlib
import time

import pytest

from tests.browser.support import login
from tests.browser.tickets_setup import failing_inspection

expect = pytest.importorskip("playwright.sync_api").expect

PROXY_502 = (
    "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
)
RAW_TEXT = ["Bad Gateway", "Internal Server Error", "Failed to fetch", "TypeError", "ERR_", "HTTP "]


class Trouble:
    """One kind of server trouble: how the route answers, what the screens and the badge say."""

    def __init__(self, name: str, says: str, badge: str) -> None:
        self.name, self.says, self.badge = name, says, badge
        self.hanging: list = []
        self.seen = 0

    def handle(self, route) -> None:
        if self.name == "502":
            route.fulfill(status=502, content_type="text/html", body=PROXY_502)
        elif self.name == "refused":
            route.abort("connectionrefused")
        else:
            self.hanging.append(route)  # never answered

    def start(self, page) -> None:
        page.route("**/api/**", self.handle)

    def stop(self, page) -> None:
        page.unroute("**/api/**")
        for route in self.hanging:
            with contextlib.suppress(Exception):  # the page may have given up on it already
                route.abort("timedout")
        self.hanging.clear()
        self.seen = 0

    def wait_out(self, page, seconds: int = 65, path: str = "/api/") -> None:
        """A hanging request ends when the app's time limit passes (fake clock): once a new
        request (to `path`, when the screen's own request comes after others) hangs, move the
        clock past the limit."""
        if self.name != "timeout":
            return
        deadline = time.monotonic() + 20

        def waiting() -> bool:
            fresh = self.hanging[self.seen :]
            return not any(path in route.request.url for route in fresh)

        while waiting() and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        page.wait_for_timeout(300)
        self.seen = len(self.hanging)
        page.clock.fast_forward(seconds * 1000)


TROUBLES = {
    "502": Trouble("502", "服务器出错(502)", "服务器故障"),
    "refused": Trouble("refused", "连不上服务器", "服务器连不上"),
    "timeout": Trouble("timeout", "服务器响应超时", "服务器连不上"),
}


def _no_raw_text(page) -> None:
    text = page.locator("body").inner_text()
    for raw in RAW_TEXT:
        assert raw not in text, (raw, text)


def _context(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        service_workers="block",
        geolocation={"latitude": 38.92, "longitude": 121.63, "accuracy": 10},
        permissions=["geolocation"],
    )
    context.clock.install()
    return context


@pytest.mark.parametrize("name", list(TROUBLES))
def test_inspector_is_told_which_trouble(browser, live_server, artifacts, name):
    trouble = TROUBLES[name]
    context = _context(browser)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.base}/")
    expect(page.get_by_test_id("login")).to_be_visible()

    # Sign-in: the phone is online, the server is not answering properly.
    trouble.start(page)
    login(page, "inspector1")
    trouble.wait_out(page)
    expect(page.get_by_test_id("login").locator(".error")).to_contain_text(trouble.says)
    expect(page.get_by_test_id("net")).to_have_text(trouble.badge)
    _no_raw_text(page)
    page.screenshot(path=artifacts / f"trouble-{name}-login-360.png")

    # The server is back: sign in and download.
    trouble.stop(page)
    page.get_by_test_id("login").locator("button[type=submit]").click()
    expect(page.get_by_test_id("estate").first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("net")).to_have_text("在线")

    # Trouble again: the estate list (from the phone) says why it is not fresh.
    trouble.start(page)
    page.reload()
    expect(page.get_by_test_id("estate").first).to_be_visible(timeout=15_000)
    trouble.wait_out(page, 35)
    expect(page.get_by_test_id("estates").locator(".error")).to_contain_text(trouble.says)
    expect(page.get_by_test_id("net")).to_have_text(trouble.badge)
    expect(page.get_by_test_id("server-banner")).to_be_visible()
    _no_raw_text(page)
    page.screenshot(path=artifacts / f"trouble-{name}-estates-360.png")

    page.get_by_test_id("nav-reinspect").click()
    trouble.wait_out(page, 35)
    expect(page.get_by_test_id("reinspect-error")).to_contain_text(trouble.says)
    expect(page.get_by_test_id("reinspect")).not_to_contain_text("尚未下载小区数据")
    _no_raw_text(page)
    page.screenshot(path=artifacts / f"trouble-{name}-reinspect-360.png")

    # An inspection submitted now waits in the queue, with the same reason.
    page.get_by_role("link", name="小区", exact=True).click()
    page.get_by_test_id("estate").first.click()
    page.get_by_test_id("start").click()
    card = page.get_by_test_id("item")
    first = card.get_attribute("data-code")
    card.get_by_role("button", name="不适用", exact=True).click()
    expect(card).not_to_have_attribute("data-code", first)  # moved on by itself
    page.get_by_test_id("overview").click()
    page.get_by_test_id("overview-list").get_by_role("button", name="检查并提交").click()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("sync")).to_be_visible()
    trouble.wait_out(page)
    item = page.get_by_test_id("queue-item")
    expect(item).to_have_attribute("data-state", "waiting")
    expect(item.get_by_test_id("reason")).to_contain_text(trouble.says)
    _no_raw_text(page)
    page.screenshot(path=artifacts / f"trouble-{name}-sync-360.png")

    # Back again: the badge returns to online and the queue drains by itself.
    trouble.stop(page)
    page.get_by_test_id("sync-now").click()
    expect(item).to_have_attribute("data-state", "done", timeout=30_000)
    expect(page.get_by_test_id("net")).to_have_text("在线")
    context.close()


@pytest.mark.parametrize("name", list(TROUBLES))
def test_firm_and_supervisor_are_told_which_trouble(browser, live_server, artifacts, name):
    trouble = TROUBLES[name]
    estate = next(
        e
        for e in live_server.get("/api/estates?page_size=500", "inspector1")
        if e["code"] == "E004"
    )
    (ticket,) = failing_inspection(
        live_server, estate, seed={"502": 81, "refused": 82, "timeout": 83}[name]
    )

    context = _context(browser)
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    login(page, "firm1")
    expect(page.get_by_test_id("ticket").first).to_be_visible()
    trouble.start(page)
    page.get_by_role("button", name="刷新").click()
    trouble.wait_out(page, 35)
    expect(page.get_by_test_id("firm-error")).to_contain_text(trouble.says)
    expect(page.get_by_test_id("ticket").first).to_be_visible()  # the saved copy stays
    _no_raw_text(page)
    page.screenshot(path=artifacts / f"trouble-{name}-firm-360.png")
    page.goto(f"{live_server.base}/ticket/{ticket['id']}")
    trouble.wait_out(page, 35)
    expect(page.get_by_test_id("ticket-missing")).to_contain_text(trouble.says)
    _no_raw_text(page)
    trouble.stop(page)
    context.close()

    context = _context(browser)
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    login(page, "supervisor1")
    expect(page.get_by_test_id("sv-map")).to_be_visible()
    trouble.start(page)
    page.reload()
    # The map asks for its view at once; a 502 fails it faster than a poll could see "loading".
    expect(page.get_by_test_id("sv-map")).to_be_visible(timeout=20_000)
    trouble.wait_out(page, 35, path="/api/map/tickets")
    expect(page.locator(".sv-map-error")).to_contain_text(trouble.says)
    expect(page.get_by_test_id("net")).to_have_text(trouble.badge)
    _no_raw_text(page)
    page.screenshot(path=artifacts / f"trouble-{name}-supervisor-360.png")
    trouble.stop(page)
    context.close()
