"""Accessibility of every screen of every role, at 360×740 (a small phone) and at desktop size:
axe-core (from pwa/node_modules) finds no serious or critical violation, every control a worker
taps is at least 44×44 CSS px, and no chip or tab row runs past the screen's edge."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.audit import Settle, axe_violations, clipped_chips, small_targets
from tests.browser.support import failing_answer, login, ordered_items, phone_photo
from tests.browser.tickets_setup import act, failing_inspection, put_photo

expect = pytest.importorskip("playwright.sync_api").expect

VIEWPORTS = {"360": (360, 740), "desktop": (1280, 800)}
FIRM_ESTATE = "E004"  # firm1's company serves it, inspector1 inspects it, in supervisor1's district


@pytest.fixture(scope="module")
def rectified(live_server) -> dict:
    """A ticket firm1 has rectified, waiting for inspector1's check on site."""
    from tests.photos.images import phone_jpeg

    estate = next(
        e
        for e in live_server.get("/api/estates?page_size=500", "inspector1")
        if e["code"] == FIRM_ESTATE
    )
    (ticket,) = failing_inspection(live_server, estate, seed=71)
    act(live_server, ticket["id"], "accept", "firm1")
    after = put_photo(live_server, "firm1", phone_jpeg((800, 600), seed=72))
    return act(live_server, ticket["id"], "rectify", "firm1", photos=[after])


class Audit:
    def __init__(self, page, artifacts, size: str) -> None:
        self.page, self.artifacts, self.size = page, artifacts, size
        self.problems: dict[str, dict] = {}
        self.settle = Settle(page)

    def __call__(self, name: str) -> None:
        page = self.page
        self.settle()
        found = {
            "axe": axe_violations(page),
            "small": small_targets(page),
            "clipped": clipped_chips(page),
        }
        page.screenshot(path=self.artifacts / f"a11y-{name}-{self.size}.png", full_page=True)
        if any(found.values()):
            self.problems[name] = found

    def verdict(self) -> None:
        report = json.dumps(self.problems, ensure_ascii=False, indent=1)
        assert not self.problems, report


def _context(browser, size: str):
    width, height = VIEWPORTS[size]
    return browser.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN",
        bypass_csp=True,  # lets the test inject axe-core; the app's own CSP is tested elsewhere
        geolocation={"latitude": 38.92, "longitude": 121.63, "accuracy": 10},
        permissions=["geolocation"],
    )


def _signed_in(browser, live_server, artifacts, size: str, user: str):
    context = _context(browser, size)
    page = context.new_page()
    page.goto(f"{live_server.base}/")
    expect(page.get_by_test_id("login")).to_be_visible()
    audit = Audit(page, artifacts, size)
    if user == "inspector1":
        audit("login")
    login(page, user)
    return context, page, audit


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_inspector_screens(browser, live_server, artifacts, rectified, tmp_path, size):
    base = live_server.base
    context, page, audit = _signed_in(browser, live_server, artifacts, size, "inspector1")
    expect(page.get_by_test_id("estate").first).to_be_visible()
    audit("estates")
    page.get_by_test_id("map-toggle").click()
    expect(page.locator(".maplibregl-canvas")).to_be_visible()
    audit("estates-map")
    page.get_by_test_id("map-toggle").click()

    page.get_by_test_id("estate").first.click()
    expect(page.get_by_test_id("estate-detail")).to_be_visible()
    audit("estate")
    page.get_by_test_id("start").click()
    expect(page.get_by_test_id("item")).to_be_visible()
    draft = re.search(r"/inspect/([0-9a-f-]+)", page.url).group(1)
    audit("inspection-item")

    checklist = live_server.get("/api/checklists/active", "inspector1")["checklists"][0]
    first = ordered_items(checklist)[0]
    _, label = failing_answer(first)
    page.get_by_test_id("item").get_by_role("button", name=label, exact=True).click()
    page.get_by_test_id("photo-input").set_input_files(phone_photo(tmp_path / "p.jpg", seed=3))
    expect(page.get_by_test_id("thumb")).to_have_count(1)
    page.get_by_test_id("item").locator("details summary").first.click()
    audit("inspection-failed-item")

    page.goto(f"{base}/inspect/{draft}/overview")
    expect(page.get_by_test_id("overview-list")).to_be_visible()
    audit("inspection-overview")
    page.goto(f"{base}/inspect/{draft}/review")
    expect(page.get_by_test_id("review")).to_be_visible()
    audit("inspection-review")

    page.goto(f"{base}/reinspect")
    expect(page.get_by_test_id("ticket").first).to_be_visible()
    audit("reinspect")
    page.goto(f"{base}/ticket/{rectified['id']}")
    expect(page.get_by_test_id("ticket-detail")).to_be_visible()
    audit("ticket-inspector")
    page.goto(f"{base}/sync")
    expect(page.get_by_test_id("sync")).to_be_visible()
    audit("sync-inspector")
    context.close()
    audit.verdict()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_firm_screens(browser, live_server, artifacts, rectified, size):
    base = live_server.base
    context, page, audit = _signed_in(browser, live_server, artifacts, size, "firm1")
    expect(page.get_by_test_id("home-firm")).to_be_visible()
    expect(page.get_by_test_id("ticket").first).to_be_visible()
    audit("firm-inbox")
    page.goto(f"{base}/ticket/{rectified['id']}")
    expect(page.get_by_test_id("ticket-detail")).to_be_visible()
    audit("ticket-firm")
    page.goto(f"{base}/sync")
    expect(page.get_by_test_id("sync")).to_be_visible()
    audit("sync-firm")
    context.close()
    audit.verdict()


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("user", ["supervisor1", "admin"])
def test_supervisor_and_admin_screens(browser, live_server, artifacts, rectified, size, user):
    base = live_server.base
    context, page, audit = _signed_in(browser, live_server, artifacts, size, user)
    expect(page.get_by_test_id("sv-map")).to_have_attribute(
        "data-tickets", re.compile(r"^\d+$"), timeout=15_000
    )
    audit(f"{user}-map")
    page.goto(f"{base}/supervise/tickets/{rectified['id']}")
    expect(page.get_by_test_id("sv-ticket")).to_be_visible()
    audit(f"{user}-ticket")
    page.goto(f"{base}/supervise/scorecards")
    expect(page.get_by_test_id("sv-chart").first).to_be_visible()
    audit(f"{user}-dashboard")
    page.goto(f"{base}/supervise/coverage")
    expect(page.get_by_test_id("cov-table").or_(page.get_by_test_id("cov-empty"))).to_be_visible()
    audit(f"{user}-coverage")
    page.goto(f"{base}/sync")
    expect(page.get_by_test_id("sync")).to_be_visible()
    audit(f"sync-{user}")
    context.close()
    audit.verdict()
