"""Coverage for supervisors on a 360×740 phone screen, against the demo data: the map's 巡查覆盖
layer fills the estates by their inspection state (with a legend; a second mode by days since the
last inspection) and a tap says an estate's state and last inspection in words; the 覆盖率 report
shows the API's figures per grid and street, lowest coverage first, and its CSV export holds the
same rows; on a GCJ-02 base map the fills lie where the base map has the estates."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import timedelta

import pytest
from PIL import Image

from backend.geo.coordinates import wgs84_to_gcj02
from backend.reports.rates import percent, percent_text
from tests.browser.audit import axe_violations, small_targets
from tests.browser.support import LiveServer, beijing_today, login
from tests.browser.test_basemap import (  # noqa: F401 (fixtures)
    TileServer,
    _jump,
    _phone,
    _screen,
    gcj02_server,
    tile_server,
)

expect = pytest.importorskip("playwright.sync_api").expect

# The layer's colours (coverage-map.tsx), its fill opacity, and the map's plain background.
STATE_COLOUR = {
    "done": (0x2E, 0x7D, 0x32),
    "late": (0xF9, 0xA8, 0x25),
    "due": (0x1E, 0x88, 0xE5),
    "missed": (0xC6, 0x28, 0x28),
    "never_inspected": (0x6A, 0x1B, 0x9A),
    "unplanned": (0x90, 0xA4, 0xAE),
}
# ≤ 7, ≤ 14, ≤ 30, more days, never
DAYS_COLOUR = [
    (0x1B, 0x5E, 0x20),
    (0x7C, 0xB3, 0x42),
    (0xFB, 0xC0, 0x2D),
    (0xE6, 0x51, 0x00),
    (0x6A, 0x1B, 0x9A),
]
OPACITY = 0.55
PLAIN = (0xEE, 0xF2, 0xEE)
TILE = (250, 235, 200)
LEGEND_STATES = ["按时完成", "逾期完成", "待巡查", "漏巡", "从未巡查", "无巡查任务"]
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T")


def _blend(colour: tuple[int, int, int], under: tuple[int, int, int]) -> tuple[int, ...]:
    return tuple(round(OPACITY * c + (1 - OPACITY) * u) for c, u in zip(colour, under, strict=True))


def _close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 14) -> bool:
    return max(abs(x - y) for x, y in zip(a[:3], b[:3], strict=True)) <= tolerance


def _layer_on(page) -> None:
    """Switch the coverage layer on and wait for the server's answer for the view."""
    toggle = page.get_by_test_id("cov-toggle")
    box = toggle.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    _settled(page)


def _settled(page) -> None:
    layer = page.get_by_test_id("sv-coverage")
    expect(layer).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=15_000)
    expect(layer).not_to_have_attribute("data-loading", "true", timeout=15_000)
    page.wait_for_function("() => window.__wuhaoMap.loaded()", timeout=15_000)


def _bbox(page) -> str:
    return page.evaluate(
        "() => window.__wuhaoMap.getBounds().toArray().flat().map((v) => v.toFixed(6)).join(',')"
    )


def _drawn(page) -> list[dict]:
    return page.evaluate(
        """() => window.__wuhaoMap.queryRenderedFeatures({ layers: ['sv-cov-fill'] })
            .map((f) => ({ id: f.properties.id, coverage: f.properties.coverage }))"""
    )


def _inside_point(page, estate_id: int) -> tuple[float, float] | None:
    """A screen point where only this estate's fill is drawn (no ticket, no other layer), below
    the layer's buttons and above its legend."""
    return page.evaluate(
        """(id) => {
            const map = window.__wuhaoMap, c = map.getCanvas();
            const w = c.clientWidth, h = c.clientHeight;
            for (let y = 110; y < h - 120; y += 6) for (let x = 10; x < w - 10; x += 6) {
                const here = map.queryRenderedFeatures([[x - 10, y - 10], [x + 10, y + 10]]);
                if (here.length && here.every((f) => f.layer.id === 'sv-cov-fill'
                    && f.properties.id === id)) return [x, y];
            }
            return null;
        }""",
        estate_id,
    )


def _cover_jump(page, lng: float, lat: float, zoom: float) -> None:
    """Move the map with the layer on and wait for the layer's answer for the new view."""
    layer = page.get_by_test_id("sv-coverage")
    before = layer.get_attribute("data-loaded")
    _jump(page, lng, lat, zoom)
    expect(layer).not_to_have_attribute("data-loaded", before, timeout=15_000)
    _settled(page)


def _estate_in_view(page, estates: list[dict]) -> tuple[dict, tuple[float, float]]:
    """The first estate that shows a spot of its own fill (small estates and pins of neighbours
    may leave none at one zoom) and that spot, with the map on it."""
    for estate in estates[:12]:
        for zoom in (15, 16.5):
            _cover_jump(page, estate["centroid"][0], estate["centroid"][1], zoom)
            spot = _inside_point(page, estate["id"])
            if spot:
                return estate, spot
    raise AssertionError("no estate shows a free spot of its fill")


def test_coverage_layer_colours_estates(browser, live_server, artifacts):
    server = live_server
    context, page, errors, _ = _phone(browser, "supervisor1", server)
    the_map = page.get_by_test_id("sv-map")
    expect(the_map).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=15_000)
    expect(page.get_by_test_id("cov-legend")).to_have_count(0)
    _layer_on(page)
    legend = page.get_by_test_id("cov-legend")
    expect(legend).to_be_visible()
    assert [legend.locator("li").nth(i).inner_text() for i in range(6)] == LEGEND_STATES
    # Estates without tickets first: other tests on this server add pins that may cover the
    # whole of an estate.
    estates = server.get("/api/estates?page_size=500", "supervisor1")
    quiet = [
        e for e in estates if not server.get(f"/api/tickets?estate_id={e['id']}", "supervisor1")
    ]
    estate, spot = _estate_in_view(page, quiet + [e for e in estates if e not in quiet])
    # Every estate drawn has the state the server gives it for this view.
    served = server.get(f"/api/map/coverage?bbox={_bbox(page)}", "supervisor1")["features"]
    states = {f["properties"]["id"]: f["properties"]["coverage"] for f in served}
    drawn = _drawn(page)
    assert drawn and {d["id"] for d in drawn} <= set(states)
    assert all(d["coverage"] == states[d["id"]] for d in drawn)
    assert int(page.get_by_test_id("sv-coverage").get_attribute("data-estates")) == len(served)
    # On the screen: the estate is filled with its state's colour (the names written over the
    # map are hidden for the pixel, they may lie anywhere).
    hide = page.add_style_tag(content=".map-label { visibility: hidden; }")
    # The features are the server's; the pixels must be of a frame drawn after them.
    page.evaluate(
        """() => new Promise((done) => {
            const map = window.__wuhaoMap;
            map.once('idle', done);
            map.triggerRepaint();
        })"""
    )
    box = the_map.bounding_box()
    shot = Image.open(io.BytesIO(page.screenshot()))
    scale = shot.width / 360
    pixel = shot.getpixel(
        (round((box["x"] + spot[0]) * scale), round((box["y"] + spot[1]) * scale))
    )
    assert _close(pixel, _blend(STATE_COLOUR[states[estate["id"]]], PLAIN)), (
        pixel,
        states[estate["id"]],
    )
    hide.evaluate("(e) => e.remove()")
    page.screenshot(path=artifacts / "90-coverage-layer-360.png")

    # A tap on the estate: its name, state and last inspection in words.
    page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
    card = page.get_by_test_id("cov-card")
    expect(card).to_contain_text(estate["name"])
    word = LEGEND_STATES[list(STATE_COLOUR).index(states[estate["id"]])]
    expect(page.get_by_test_id("cov-card-state")).to_have_text(word)
    last = page.get_by_test_id("cov-card-last").inner_text()
    assert last.startswith("上次巡查") and not ISO.search(last), last
    page.screenshot(path=artifacts / "91-coverage-card-360.png")
    card.get_by_role("button").click()
    expect(card).to_have_count(0)

    # The second mode: days since the last inspection.
    page.get_by_test_id("cov-mode-days").click()
    expect(page.get_by_test_id("sv-coverage")).to_have_attribute("data-mode", "days")
    expect(legend).to_contain_text("7 天内")
    expect(legend).to_contain_text("30 天以上")
    days = next(
        f["properties"]["days_since"] for f in served if f["properties"]["id"] == estate["id"]
    )
    bucket = 4 if days is None else sum(days > top for top in (7, 14, 30))
    page.wait_for_function("() => window.__wuhaoMap.loaded()")
    hide = page.add_style_tag(content=".map-label { visibility: hidden; }")
    shot = Image.open(io.BytesIO(page.screenshot()))
    pixel = shot.getpixel(
        (round((box["x"] + spot[0]) * scale), round((box["y"] + spot[1]) * scale))
    )
    assert _close(pixel, _blend(DAYS_COLOUR[bucket], PLAIN)), (pixel, days)
    hide.evaluate("(e) => e.remove()")
    page.screenshot(path=artifacts / "92-coverage-days-360.png")

    # Moved: asked again for the new view.
    before = page.get_by_test_id("sv-coverage").get_attribute("data-loaded")
    page.evaluate("() => window.__wuhaoMap.panBy([200, 0], { animate: false })")
    expect(page.get_by_test_id("sv-coverage")).not_to_have_attribute("data-loaded", before)
    # Off: the fills go, the legend too.
    page.get_by_test_id("cov-toggle").click()
    expect(legend).to_have_count(0)
    page.wait_for_function(
        "() => window.__wuhaoMap.getLayoutProperty('sv-cov-fill', 'visibility') === 'none'"
    )
    assert page.evaluate(
        "() => window.__wuhaoMap.getLayoutProperty('sv-estate-fill', 'visibility')"
    ) in (None, "visible")  # the grades are back
    # In English too.
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("cov-toggle")).to_have_text("Coverage")
    expect(page.get_by_test_id("sv-nav-coverage")).to_have_text("Coverage")
    assert errors == []
    context.close()


def _table(page) -> dict[str, list[str]]:
    rows = page.get_by_test_id("cov-row")
    found = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        found[row.get_attribute("data-code")] = [
            c.strip() for c in row.locator("td").all_inner_texts()
        ]
    return found


def _table_once_settled(page, expected: dict, seconds: float = 15) -> dict[str, list[str]]:
    """The table once it shows `expected` (or what it shows after `seconds`): after a tab
    switch the old rows may still be there, or none while the new ones load, whatever their
    count."""
    deadline = time.monotonic() + seconds
    while (shown := _table(page)) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    return shown


def _expected(row: dict) -> list[str]:
    rate = percent_text(row["coverage"])
    counts = [str(row[k]) for k in ("due", "done", "done_late", "missed", "open")]
    return [row["name"], rate, *counts]


def test_coverage_report_and_export(browser, live_server, artifacts, tmp_path):
    server = live_server
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        bypass_csp=True,  # lets the test inject axe-core; the app's own CSP is tested elsewhere
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "supervisor1")
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()
    # The map has drawn (leaving it mid-load can make MapLibre reject an aborted request).
    the_map = page.get_by_test_id("sv-map")
    expect(the_map).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=15_000)
    expect(the_map).not_to_have_attribute("data-loading", "true", timeout=15_000)
    page.wait_for_function("() => window.__wuhaoMap.loaded()", timeout=15_000)
    nav = page.get_by_test_id("sv-nav-coverage")
    assert nav.bounding_box()["height"] >= 44
    nav.click()
    report = page.get_by_test_id("cov-report")
    expect(report).to_be_visible()
    expect(page.get_by_test_id("cov-group-grid")).to_have_attribute("aria-selected", "true")

    # This month by default, as the API's default.
    api = server.get("/api/reports/coverage?group=grid", "supervisor1")
    if api:
        expected = {r["code"]: _expected(r) for r in api}
        assert _table_once_settled(page, expected) == expected

    # A longer period through the pickers: last month's first day to today.
    first = (beijing_today().replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()
    page.get_by_test_id("cov-from").fill(first)
    to = page.get_by_test_id("cov-to").input_value()
    api = server.get(f"/api/reports/coverage?group=grid&from={first}&to={to}", "supervisor1")
    assert api, "the demo has tasks due in two months"
    expected = {r["code"]: _expected(r) for r in api}
    assert _table_once_settled(page, expected) == expected
    # Lowest coverage first.
    order = [
        page.get_by_test_id("cov-row").nth(i).get_attribute("data-code") for i in range(len(api))
    ]
    rates = {r["code"]: (2 if r["coverage"] is None else r["coverage"]) for r in api}
    assert [rates[c] for c in order] == sorted(rates[c] for c in order)
    page.screenshot(path=artifacts / "93-coverage-report-grid-360.png", full_page=True)
    assert small_targets(page) == []
    assert axe_violations(page) == []

    # Per street.
    page.get_by_test_id("cov-group-street").click()
    streets = server.get(f"/api/reports/coverage?group=street&from={first}&to={to}", "supervisor1")
    expected = {r["code"]: _expected(r) for r in streets}
    assert _table_once_settled(page, expected) == expected

    # The CSV export: the same rows (it carries the token: the link is fetched by the app).
    with page.expect_download() as caught:
        page.get_by_test_id("cov-export-csv").click()
    path = tmp_path / "coverage.csv"
    caught.value.save_as(path)
    lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    body = {line[0]: line[1:] for line in lines[1:]}
    assert len(body) == len(streets)
    for row in streets:
        rate = "" if row["coverage"] is None else f"{percent(row['coverage']):.1f}"
        counts = [str(row[k]) for k in ("due", "done", "done_late", "missed", "open")]
        assert body[row["code"]] == [row["name"], *counts, rate], body[row["code"]]
    assert "coverage-street" in caught.value.suggested_filename
    page.screenshot(path=artifacts / "94-coverage-report-street-360.png")

    # Per inspector.
    page.get_by_test_id("cov-group-inspector").click()
    people = server.get(
        f"/api/reports/coverage?group=inspector&from={first}&to={to}", "supervisor1"
    )
    expected = {r["code"]: _expected(r) for r in people}
    assert _table_once_settled(page, expected) == expected
    assert errors == []
    context.close()


def test_coverage_on_a_gcj02_base_map(browser, gcj02_server, artifacts):  # noqa: F811
    server: LiveServer = gcj02_server
    estate = server.get("/api/estates?page_size=500", "supervisor1")[0]
    lng, lat = estate["centroid"]
    glat, glng = wgs84_to_gcj02(lat, lng)
    context, page, errors, _ = _phone(browser, "supervisor1", server)
    _jump(page, glng, glat, 15)
    _layer_on(page)
    # Tickets off for the pixel: only the estates' fills over the tiles.
    page.evaluate(
        """() => ['sv-clusters', 'sv-pins', 'sv-pin-halo'].forEach((id) =>
            window.__wuhaoMap.setLayoutProperty(id, 'visibility', 'none'))"""
    )
    page.wait_for_function("() => window.__wuhaoMap.loaded()")
    x, y = _screen(page, glng, glat)
    hit = page.evaluate(
        """([x, y]) => window.__wuhaoMap.queryRenderedFeatures([x, y], { layers: ['sv-cov-fill'] })
            .map((f) => f.properties.id)""",
        [x, y],
    )
    assert estate["id"] in hit, hit
    ux, uy = _screen(page, lng, lat)
    assert abs(ux - x) > 100  # the shift is not a no-op at this zoom
    missed = page.evaluate(
        """([x, y]) => window.__wuhaoMap.queryRenderedFeatures([x, y], { layers: ['sv-cov-fill'] })
            .map((f) => f.properties.id)""",
        [ux, uy],
    )
    assert estate["id"] not in missed, missed
    # On the screen: the estate's state colour over the tile at the shifted spot.
    state = server.get(
        f"/api/map/coverage?bbox={lng - 0.001},{lat - 0.001},{lng + 0.001},{lat + 0.001}",
        "supervisor1",
    )["features"]
    coverage = next(
        f["properties"]["coverage"] for f in state if f["properties"]["id"] == estate["id"]
    )
    box = page.get_by_test_id("sv-map").bounding_box()
    shot = Image.open(io.BytesIO(page.screenshot(path=artifacts / "95-coverage-gcj02-360.png")))
    scale = shot.width / 360
    pixel = shot.getpixel((round((box["x"] + x) * scale), round((box["y"] + y) * scale)))
    assert _close(pixel, _blend(STATE_COLOUR[coverage], TILE)), (pixel, coverage)
    assert errors == []
    context.close()
