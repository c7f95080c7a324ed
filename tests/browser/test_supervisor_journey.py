"""The supervisor's side, in a real browser against the real server: a finding becomes a ticket,
the firm rectifies it with an after-photo (through the API), and the supervisor finds it on the
map, looks at the before/after photos and the evidence checks, and verifies it closed. Also: the
scorecard dashboard draws a chart from the demo data, and the map works with no base map."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest

from tests.browser.support import LiveServer, login
from tests.browser.tickets_setup import act, failing_inspection, put_photo

expect = pytest.importorskip("playwright.sync_api").expect

EVIDENCE_TEXT = re.compile("未发现取证问题|照片|位置|定位")
FIRM_ESTATE = (
    "E004"  # served by firm1's company, inspected by inspector1, in supervisor1's district
)


def _new_ticket(server: LiveServer) -> dict:
    """inspector1 fails one item at FIRM_ESTATE with a photo: a ticket dispatched to firm1's company."""
    estate = next(
        e
        for e in server.get("/api/estates?page_size=500", "inspector1")
        if e["code"] == FIRM_ESTATE
    )
    (ticket,) = failing_inspection(server, estate, seed=41)
    mine = {t["id"] for t in server.get("/api/tickets?page_size=200", "firm1")}
    assert ticket["id"] in mine, "the failed item should be routed to firm1's company"
    return ticket


def _rectified_ticket(server: LiveServer) -> dict:
    """A new ticket that firm1 accepts and rectifies with an after-photo."""
    from tests.photos.images import phone_jpeg

    ticket = _new_ticket(server)
    act(server, ticket["id"], "accept", "firm1")
    after = put_photo(server, "firm1", phone_jpeg((800, 600), seed=42))
    return act(server, ticket["id"], "rectify", "firm1", photos=[after])


def _wait_map_idle(page) -> None:
    """Until the map has answered for the current view (no request in flight)."""
    the_map = page.get_by_test_id("sv-map")
    expect(the_map).to_have_attribute("data-tickets", re.compile(r"^\d+$"), timeout=15_000)
    expect(the_map).not_to_have_attribute("data-loading", "true", timeout=15_000)


def _rendered(page, layer: str) -> list[dict]:
    return page.evaluate(
        """(layer) => (window.__wuhaoMap?.queryRenderedFeatures({ layers: [layer] }) ?? [])
            .map((f) => f.properties)""",
        layer,
    )


def _until(probe, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.fixture
def supervisor_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.base}/")
    login(page, "supervisor1")
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()
    yield page
    context.close()
    assert errors == []


def test_supervisor_verifies_a_rectified_ticket_from_the_map(
    supervisor_page, live_server, artifacts
):
    server = live_server
    ticket = _rectified_ticket(server)
    assert ticket["state"] == "rectified"
    page = supervisor_page

    # The map of open tickets, on a plain background (no base map is configured in the tests).
    _wait_map_idle(page)
    expect(page.get_by_text("未配置底图")).to_be_visible()
    assert int(page.get_by_test_id("sv-map").get_attribute("data-estates")) > 0
    assert _until(lambda: _rendered(page, "sv-estate-fill")), "estate outlines are drawn"
    assert _until(lambda: _rendered(page, "sv-clusters") or _rendered(page, "sv-pins"))
    page.screenshot(path=artifacts / "30-supervisor-map-1440.png")

    # Only tickets awaiting verification: ours is in the list; open it, the map zooms to it.
    page.get_by_test_id("sv-f-state").select_option("rectified")
    row = page.locator(f"[data-testid=sv-ticket-row][data-id='{ticket['id']}']")
    expect(row).to_contain_text(ticket["title"])
    row.click()
    panel = page.get_by_test_id("sv-ticket")
    expect(panel).to_contain_text(ticket["code"])
    expect(panel).to_have_attribute("data-state", "rectified")
    pins = _until(lambda: [p for p in _rendered(page, "sv-pins") if p["id"] == ticket["id"]])
    assert pins, "the ticket is drawn as a pin once the map zoomed to it"
    assert pins[0]["severity"] == ticket["severity"]

    # Before and after photos (fetched with the token), evidence checks explained in Chinese.
    for kind in ("before", "after"):
        image = page.get_by_test_id(f"sv-photos-{kind}").get_by_test_id("sv-photo-img")
        expect(image).to_have_count(1)
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("(img) => img.naturalWidth") > 0
    evidence = page.get_by_test_id("sv-evidence")
    expect(evidence).to_contain_text(EVIDENCE_TEXT)
    inspection = server.get(f"/api/inspections/{ticket['inspection_id']}", "supervisor1")
    result = next(r for r in inspection["results"] if r["item_code"] == ticket["item_code"])
    for flag in inspection["evidence"] + result["evidence"]:  # each check the server made, shown
        expect(evidence.locator(f"li[data-code={flag['code']}]")).not_to_have_count(0)
    expect(panel).to_contain_text("提交整改")  # the history shows the firm's rectification
    page.screenshot(path=artifacts / "31-supervisor-ticket-1440.png")

    # Verify: confirm the dialog; the server closes the ticket.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("sv-verify").click()
    expect(page.get_by_test_id("sv-notice")).to_contain_text("核查通过并结案")
    expect(panel).to_have_attribute("data-state", "closed")
    page.screenshot(path=artifacts / "32-supervisor-verified-1440.png")
    page.set_viewport_size({"width": 360, "height": 640})  # on a phone: map above, panel below
    expect(page.get_by_test_id("sv-map")).to_be_visible()
    page.screenshot(path=artifacts / "34-supervisor-ticket-360.png", full_page=True)
    stored = server.get(f"/api/tickets/{ticket['id']}", "supervisor1")
    assert stored["state"] == "closed"
    assert stored["events"][-1]["action"] == "verify"


def test_stale_version_is_reloaded_not_overwritten(supervisor_page, live_server):
    """Someone else acts first: the supervisor's click gets 412, the panel reloads and says so."""
    server = live_server
    ticket = _rectified_ticket(server)
    page = supervisor_page
    page.goto(f"{server.base}/supervise/tickets/{ticket['id']}")
    panel = page.get_by_test_id("sv-ticket")
    expect(panel).to_have_attribute("data-state", "rectified")
    act(server, ticket["id"], "reject", "inspector1", reason="仍有杂物")
    page.get_by_test_id("sv-reject").click()
    page.get_by_test_id("sv-action-form").locator("textarea").fill("整改不到位")
    page.get_by_test_id("sv-action-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("sv-notice")).to_contain_text("已被他人更新")
    expect(panel).to_have_attribute("data-state", "rework")
    events = server.get(f"/api/tickets/{ticket['id']}", "supervisor1")["events"]
    assert [e["reason"] for e in events if e["action"] == "reject"] == ["仍有杂物"]


def test_dashboard_draws_firm_scorecards(supervisor_page, live_server, artifacts):
    page = supervisor_page
    page.get_by_test_id("sv-nav-scorecards").click()
    chart = page.get_by_test_id("sv-chart")
    expect(chart).to_contain_text("按期结案率")
    expect(chart.locator("rect")).not_to_have_count(0)
    firms = live_server.get("/api/reports/scorecards/firms?" + _last_30_days(), "supervisor1")
    busy = [f for f in firms if f["due"]]
    assert busy, "the demo history has tickets due in the last 30 days"
    expect(chart.locator("rect")).to_have_count(len(busy))
    expect(page.get_by_test_id("sv-table")).to_contain_text(busy[0]["name"])
    page.screenshot(path=artifacts / "33-supervisor-scorecards-1440.png")
    page.get_by_test_id("sv-level-estates").click()
    expect(page.get_by_test_id("sv-chart")).to_contain_text("得分")
    expect(page.get_by_test_id("sv-table")).to_contain_text("优")


def test_dashboard_exports_and_publishes(supervisor_page, live_server, tmp_path):
    """The export downloads the file the server makes (bearer token, so fetched as a blob); the
    publish button posts the period. Where the server has no such endpoint, the page says so."""
    page = supervisor_page
    page.get_by_test_id("sv-nav-scorecards").click()
    expect(page.get_by_test_id("sv-table")).to_be_visible()
    path = "/api/exports/scorecards/firms?format=csv&" + _last_30_days()
    status, _, body = live_server.call("GET", path, user="supervisor1")
    if status == 404:
        page.get_by_test_id("sv-export-csv").click()
        expect(page.get_by_test_id("sv-notice")).to_contain_text("导出功能尚未启用")
    else:
        assert status == 200
        with page.expect_download() as info:
            page.get_by_test_id("sv-export-csv").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.suffix == ".csv"
        assert saved.read_bytes() == body  # exactly what the server gives for this period
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("sv-publish").click()
    expect(page.get_by_test_id("sv-notice")).to_contain_text(
        re.compile("已发布公示|公示功能尚未启用")
    )
    listed = live_server.call("GET", "/api/disclosures", user="supervisor1")
    if listed[0] == 200:
        assert page.get_by_test_id("sv-notice").inner_text() == "已发布公示"


def _last_30_days() -> str:
    today = date.today()
    return f"from={(today - timedelta(days=30)).isoformat()}&to={today.isoformat()}"


def test_supervisor_reroutes_a_misrouted_ticket(supervisor_page, live_server):
    server = live_server
    ticket = _new_ticket(server)
    target = next(
        o
        for o in server.get("/api/organisations?page_size=500", "supervisor1")
        if o["kind"] == "property_firm" and o["id"] != ticket["responsible_org_id"]
    )
    page = supervisor_page
    page.goto(f"{server.base}/supervise/tickets/{ticket['id']}")
    panel = page.get_by_test_id("sv-ticket")
    expect(panel).to_have_attribute("data-state", "dispatched")
    page.get_by_test_id("sv-reroute").click()
    form = page.get_by_test_id("sv-action-form")
    form.locator("select").select_option(label=target["name"])
    form.locator("textarea").fill("该处绿地由另一家物业管理")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("sv-notice")).to_contain_text("改派")
    expect(panel).to_contain_text(target["name"])
    stored = server.get(f"/api/tickets/{ticket['id']}", "supervisor1")
    assert stored["responsible_org_id"] == target["id"]
    assert stored["events"][-1]["action"] == "reroute"
