"""Tickets at one spot and what a ticket tells its reader, on a 360×740 phone screen: three
findings at one spot are each reached from the supervisor's map (a tap on their pins, or on their
cluster, lists them); the panel names the estate, its address and the finder, the history names
people; a flagged after-photo is shown beside the before-photo it copies, for the supervisor and
for the inspector who re-inspects."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.support import LiveServer, login
from tests.browser.tickets_setup import act, failing_inspection, put_photo, shared_estate

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "zh-CN"}
INSPECTOR_NAME = "网格员 张明"  # inspector1's display name in the demo world
FIRM_NAME = "万家物业 客服"  # firm1's


def _phone(browser, user: str, server: LiveServer):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, user)
    return context, page, errors


def _until(probe, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def _jump(page, lng: float, lat: float, zoom: float) -> None:
    """Move the map there and wait for the server's answer for that view."""
    the_map = page.get_by_test_id("sv-map")
    expect(the_map).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=15_000)
    before = the_map.get_attribute("data-loaded")
    page.evaluate(
        "([lng, lat, zoom]) => window.__wuhaoMap.jumpTo({ center: [lng, lat], zoom })",
        [lng, lat, zoom],
    )
    expect(the_map).not_to_have_attribute("data-loaded", before, timeout=15_000)
    expect(the_map).not_to_have_attribute("data-loading", "true", timeout=15_000)


def _rendered(page, layer: str) -> list[dict]:
    return page.evaluate(
        """(layer) => (window.__wuhaoMap?.queryRenderedFeatures({ layers: [layer] }) ?? [])
            .map((f) => f.properties)""",
        layer,
    )


def _tap(page, lng: float, lat: float) -> None:
    """A tap on the map at that place (as a finger would: on the canvas)."""
    x, y = page.evaluate(
        "([lng, lat]) => { const p = window.__wuhaoMap.project([lng, lat]); return [p.x, p.y]; }",
        [lng, lat],
    )
    box = page.get_by_test_id("sv-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def _at_least_44(locator) -> None:
    for i in range(locator.count()):
        box = locator.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box


def test_three_tickets_at_one_spot_are_each_reached_from_the_map(browser, live_server, artifacts):
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    # Three findings at one spot, away from every other ticket (so the clusters are only theirs).
    lng, lat = estate["centroid"][0], estate["centroid"][1] - 0.06
    ours = failing_inspection(server, estate, failures=3, seed=300, at=(lng, lat))
    ids = {t["id"] for t in ours}
    firm_sees = {t["id"] for t in server.get("/api/tickets?page_size=200", "firm1")}
    accepted = next(t for t in ours if t["id"] in firm_sees)
    act(server, accepted["id"], "accept", "firm1")
    detail = server.get(f"/api/tickets/{accepted['id']}", "supervisor1")
    assert detail["estate_name"] == estate["name"] and detail["estate_address"]

    context, page, errors = _phone(browser, "supervisor1", server)
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()

    # Close in, the three pins lie on one another: a tap lists them all.
    _jump(page, lng, lat, 17)
    assert _until(lambda: {p["id"] for p in _rendered(page, "sv-pins")} >= ids)
    _tap(page, lng, lat)
    stack = page.get_by_test_id("sv-stack")
    expect(stack).to_be_visible()
    rows = stack.get_by_test_id("sv-stack-row")
    expect(rows).to_have_count(3)
    for ticket in ours:
        row = stack.locator(f"[data-testid=sv-stack-row][data-id='{ticket['id']}']")
        expect(row).to_contain_text(ticket["code"])
        expect(row).to_contain_text(ticket["title"])
        expect(row).to_contain_text(re.compile("已派遣|已受理"))
    _at_least_44(rows)
    _at_least_44(stack.get_by_test_id("sv-stack-close"))
    page.screenshot(path=artifacts / "70-spot-list-360.png")

    # Each opens its panel from the list (which stays, so the next is one tap away).
    panel = page.get_by_test_id("sv-ticket")
    for ticket in ours:
        stack.locator(f"[data-testid=sv-stack-row][data-id='{ticket['id']}']").click()
        expect(panel).to_contain_text(ticket["code"])
        expect(page).to_have_url(re.compile(f"/supervise/tickets/{ticket['id']}$"))
        expect(stack.locator("[aria-current=true]")).to_have_attribute("data-id", str(ticket["id"]))

    # The panel names the estate, its address and who found it; the history names people.
    stack.locator(f"[data-testid=sv-stack-row][data-id='{accepted['id']}']").click()
    expect(panel).to_contain_text(accepted["code"])
    expect(panel.get_by_test_id("sv-estate")).to_have_text(estate["name"])
    expect(panel.get_by_test_id("sv-address")).to_have_text(detail["estate_address"])
    expect(panel.get_by_test_id("sv-finder")).to_have_text(INSPECTOR_NAME)
    actors = panel.get_by_test_id("sv-trail-actor")
    expect(actors).to_have_count(2)
    expect(actors.nth(0)).to_contain_text(FIRM_NAME)  # newest first: the firm's acceptance
    expect(actors.nth(1)).to_contain_text(INSPECTOR_NAME)
    expect(panel).not_to_contain_text("用户 #")
    panel.get_by_test_id("sv-facts").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "71-spot-panel-360.png", full_page=True)

    # Further out they are one cluster at one spot: zooming would not split it, a tap lists them.
    stack.get_by_test_id("sv-stack-close").click()
    expect(stack).to_have_count(0)
    _jump(page, lng, lat, 13)
    clusters = _until(lambda: [c for c in _rendered(page, "sv-clusters") if c["count"] == 3])
    assert clusters, _rendered(page, "sv-clusters")
    _tap(page, lng, lat)
    expect(stack).to_be_visible()
    expect(stack.get_by_test_id("sv-stack-row")).to_have_count(3)
    assert page.evaluate("() => window.__wuhaoMap.getZoom()") == pytest.approx(13)
    page.screenshot(path=artifacts / "72-spot-cluster-list-360.png")
    stack.locator(f"[data-testid=sv-stack-row][data-id='{ours[0]['id']}']").click()
    expect(panel).to_contain_text(ours[0]["code"])
    assert not errors, errors
    context.close()

    # The inspector's phone screen of the ticket says the same.
    context, page, errors = _phone(browser, "inspector1", server)
    expect(page.get_by_test_id("estates")).to_be_visible()
    page.goto(f"{server.base}/ticket/{accepted['id']}")
    screen = page.get_by_test_id("ticket-detail")
    expect(screen.get_by_test_id("ticket-estate")).to_have_text(estate["name"])
    expect(screen.get_by_test_id("ticket-address")).to_have_text(detail["estate_address"])
    expect(screen.get_by_test_id("ticket-finder")).to_have_text(INSPECTOR_NAME)
    expect(screen.get_by_test_id("trail")).to_contain_text(FIRM_NAME)
    expect(screen.get_by_test_id("trail")).not_to_contain_text("用户 #")
    page.screenshot(path=artifacts / "73-spot-phone-ticket-360.png", full_page=True)
    assert not errors, errors
    context.close()


def test_a_flagged_after_photo_is_shown_beside_the_before_photo(browser, live_server, artifacts):
    from tests.photos.images import phone_jpeg

    server = live_server
    estate = next(e for e in server.get("/api/estates?page_size=500", "inspector1")
                  if e["code"] == "E004")  # fmt: skip
    (ticket,) = failing_inspection(server, estate, seed=400)
    assert ticket["id"] in {t["id"] for t in server.get("/api/tickets?page_size=200", "firm1")}
    # The before-photo's pixels again, saved anew: another file, nearly the same picture.
    checklist = server.get("/api/checklists/active", "inspector1")["checklists"][0]
    codes = [i["code"] for i in checklist["definition"]["items"]]
    again = phone_jpeg((1200, 900), seed=400 + codes.index(ticket["item_code"]) + 50, quality=70)
    act(server, ticket["id"], "accept", "firm1")
    after_sha = put_photo(server, "firm1", again)
    rectified = act(server, ticket["id"], "rectify", "firm1", photos=[after_sha])
    before_sha = next(p["sha256"] for p in rectified["photos"] if p["kind"] == "before")
    after = next(p for p in rectified["photos"] if p["kind"] == "after")
    matches = [f["detail"]["other_photo"] for f in after["evidence"]
               if f["code"] == "after_near_duplicate"]  # fmt: skip
    assert matches == [before_sha], after["evidence"]

    def side_by_side(pair, image: str) -> None:
        before = pair.get_by_test_id("ev-compare-before")
        shown = pair.get_by_test_id("ev-compare-after")
        expect(before).to_have_attribute("data-sha", before_sha)
        expect(shown).to_have_attribute("data-sha", after_sha)
        for figure in (before, shown):
            img = figure.locator(image)
            expect(img).to_have_js_property("complete", True, timeout=20_000)
            assert img.evaluate("(i) => i.naturalWidth") > 0
        left, right = before.bounding_box(), shown.bounding_box()
        assert left["x"] + left["width"] <= right["x"] + 1, (left, right)  # beside, not below
        assert abs(left["y"] - right["y"]) < 2, (left, right)
        flags = pair.get_by_test_id("ev-compare-flags")
        expect(flags.locator("li[data-code=after_near_duplicate]")).to_contain_text(
            "整改后照片与该小区以前的照片(含整改前照片)几乎一样"
        )

    # The supervisor who verifies.
    context, page, errors = _phone(browser, "supervisor1", server)
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()
    page.goto(f"{server.base}/supervise/tickets/{ticket['id']}")
    panel = page.get_by_test_id("sv-ticket")
    expect(panel).to_have_attribute("data-state", "rectified", timeout=20_000)
    pair = panel.locator(f"[data-testid=ev-compare-pair][data-sha='{after_sha}']")
    side_by_side(pair, "img")
    pair.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "74-compare-supervisor-360.png")
    assert not errors, errors
    context.close()

    # The inspector who re-inspects, on the phone's ticket screen.
    context, page, errors = _phone(browser, "inspector1", server)
    expect(page.get_by_test_id("estates")).to_be_visible()
    page.goto(f"{server.base}/ticket/{ticket['id']}")
    screen = page.get_by_test_id("ticket-detail")
    expect(screen).to_have_attribute("data-state", "rectified", timeout=20_000)
    pair = screen.locator(f"[data-testid=ev-compare-pair][data-sha='{after_sha}']")
    side_by_side(pair, "img")
    _at_least_44(pair.get_by_test_id("server-photo"))
    pair.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "75-compare-inspector-360.png")
    assert not errors, errors
    context.close()
