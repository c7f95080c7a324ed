"""The base map is the server's run-time configuration, on a 360×740 phone screen: with
BASEMAP_TILES (GCJ-02) the supervisor's map asks a tile server for its tiles and draws a ticket's
pin where the base map has that spot (shifted to GCJ-02); with nothing configured it loads nothing
from outside and writes district, street and estate names on the map."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from backend.geo.coordinates import wgs84_to_gcj02
from tests.browser.support import LiveServer, login, start_server
from tests.browser.tickets_setup import failing_inspection, shared_estate

expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "zh-CN"}
TILE_PATH = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


def _tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (250, 235, 200)).save(buffer, "PNG")
    return buffer.getvalue()


class TileServer:
    """A local raster tile server: a PNG for any /{z}/{x}/{y}.png, every request recorded."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        png, requests = _tile_png(), self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                if not TILE_PATH.match(self.path):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(png)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    server = TileServer()
    yield server
    server.stop()


@pytest.fixture
def gcj02_server(built_app, tile_server, tmp_path_factory) -> Iterator[LiveServer]:
    server = start_server(
        tmp_path_factory.mktemp("basemap-instance"),
        workers=1,
        environment={
            "BASEMAP_TILES": tile_server.base + "/{z}/{x}/{y}.png",
            "BASEMAP_CRS": "gcj02",
            "BASEMAP_ATTRIBUTION": "测试底图",
        },
    )
    yield server
    server.stop()


def _phone(browser, user: str, server: LiveServer):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith((server.base, "data:", "blob:")) else None
        ),
    )
    page.goto(f"{server.base}/")
    login(page, user)
    expect(page.get_by_test_id("home-supervisor")).to_be_visible()
    return context, page, errors, outside


def _jump(page, lng: float, lat: float, zoom: float) -> None:
    """Move the map there (display coordinates) and wait for the server's answer for that view."""
    the_map = page.get_by_test_id("sv-map")
    expect(the_map).to_have_attribute("data-loaded", re.compile(r"^\d+$"), timeout=15_000)
    before = the_map.get_attribute("data-loaded")
    page.evaluate(
        "([lng, lat, zoom]) => window.__wuhaoMap.jumpTo({ center: [lng, lat], zoom })",
        [lng, lat, zoom],
    )
    expect(the_map).not_to_have_attribute("data-loaded", before, timeout=15_000)
    expect(the_map).not_to_have_attribute("data-loading", "true", timeout=15_000)


def _screen(page, lng: float, lat: float) -> tuple[float, float]:
    x, y = page.evaluate(
        "([lng, lat]) => { const p = window.__wuhaoMap.project([lng, lat]); return [p.x, p.y]; }",
        [lng, lat],
    )
    return x, y


def test_gcj02_tiles_and_the_pin_on_its_spot(browser, gcj02_server, tile_server, artifacts):
    server = gcj02_server
    estate = shared_estate(server, "inspector1", "firm1")
    lng, lat = estate["centroid"][0], estate["centroid"][1] - 0.05  # away from other tickets
    (ticket,) = failing_inspection(server, estate, failures=1, seed=500, at=(lng, lat))
    assert server.get("/api/basemap", "supervisor1")["crs"] == "gcj02"

    context, page, errors, outside = _phone(browser, "supervisor1", server)
    glat, glng = wgs84_to_gcj02(lat, lng)
    _jump(page, glng, glat, 17)
    # (a) The tiles come from the configured tile server (the CSP let them through).
    assert any(TILE_PATH.match(path) for path in tile_server.requests), tile_server.requests
    zoomed = {int(path.split("/")[1]) for path in tile_server.requests if TILE_PATH.match(path)}
    assert 18 in zoomed  # 256-pixel tiles: MapLibre asks one zoom deeper than the map's
    assert {u.split("/")[2] for u in outside} == {tile_server.base.split("/")[2]}
    expect(page.locator(".maplibregl-ctrl-attrib")).to_contain_text("测试底图")
    expect(page.locator(".map-label")).to_have_count(0)  # names come from the base map

    # (b) The pin is drawn where the base map has the spot: the GCJ-02 shift of its WGS84 place.
    pins = page.evaluate(
        """(id) => window.__wuhaoMap.queryRenderedFeatures({ layers: ['sv-pins'] })
            .filter((f) => f.properties.id === id).map((f) => f.geometry.coordinates)""",
        ticket["id"],
    )
    assert len(pins) == 1, pins
    drawn = _screen(page, *pins[0])
    expected = _screen(page, glng, glat)
    assert abs(drawn[0] - expected[0]) <= 2 and abs(drawn[1] - expected[1]) <= 2, (drawn, expected)
    unshifted = _screen(page, lng, lat)
    assert abs(unshifted[0] - expected[0]) > 100  # ~600 m of offset: the shift is not a no-op
    # And on the screen: the pin's colour at that pixel, the tile's colour beside it.
    box = page.get_by_test_id("sv-map").bounding_box()
    shot = Image.open(io.BytesIO(page.screenshot(path=artifacts / "80-basemap-gcj02-360.png")))
    scale = shot.width / 360
    at = (round((box["x"] + expected[0]) * scale), round((box["y"] + expected[1]) * scale))
    beside = (at[0] + round(30 * scale), at[1])
    assert shot.getpixel(at)[:3] != (250, 235, 200), shot.getpixel(at)
    assert (
        max(abs(a - b) for a, b in zip(shot.getpixel(beside)[:3], (250, 235, 200), strict=True))
        <= 12
    )

    # A tap on that spot opens the ticket.
    page.mouse.click(box["x"] + expected[0], box["y"] + expected[1])
    expect(page.get_by_test_id("sv-ticket")).to_contain_text(ticket["code"])
    assert errors == []
    context.close()


def test_names_without_a_base_map(browser, live_server, artifacts):
    server = live_server
    assert server.get("/api/basemap", "supervisor1")["source"] == "none"
    context, page, errors, outside = _phone(browser, "supervisor1", server)
    the_map = page.get_by_test_id("sv-map")
    expect(page.locator(".sv-map-note")).to_be_visible()
    estate = server.get("/api/estates?page_size=500", "supervisor1")[0]
    lng, lat = estate["centroid"]

    _jump(page, lng, lat, 10)
    labels = page.locator(".map-label-district")
    expect(labels.first).to_be_visible()
    page.screenshot(path=artifacts / "81-names-districts-360.png")

    _jump(page, lng, lat, 13)
    expect(page.locator(".map-label-street").first).to_be_visible()
    expect(page.locator(".map-label-district")).to_have_count(0)
    page.screenshot(path=artifacts / "82-names-streets-360.png")

    _jump(page, lng, lat, 16)
    names = page.locator(".map-label-estate")
    expect(names.first).to_be_visible()
    assert estate["name"] in names.all_text_contents()
    assert 0 < names.count() <= 40
    assert int(the_map.get_attribute("data-labels")) == names.count()
    # Each is in view and lets taps through to the map.
    for i in range(names.count()):
        b = names.nth(i).bounding_box()
        assert b and b["x"] + b["width"] > 0 and b["x"] < 360
    assert names.first.evaluate("(e) => getComputedStyle(e).pointerEvents") == "none"
    page.screenshot(path=artifacts / "83-names-estates-360.png")
    assert outside == [], outside
    assert errors == []
    context.close()


def test_the_estate_map_names_its_estate(browser, live_server, artifacts):
    server = live_server
    estate = shared_estate(server, "inspector1", "firm1")
    (ticket,) = failing_inspection(server, estate, failures=1, seed=510)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base}/")
    login(page, "firm1")
    expect(page.get_by_test_id("home-firm")).to_be_visible()
    page.goto(f"{server.base}/ticket/{ticket['id']}")
    the_map = page.get_by_test_id("map")
    expect(the_map).to_be_visible()
    name = the_map.locator(".map-label-estate")
    expect(name).to_have_text(estate["name"])
    # Written inside the map's box, over the estate's outline.
    box, label = the_map.bounding_box(), name.bounding_box()
    assert box["x"] <= label["x"] and label["x"] + label["width"] <= box["x"] + box["width"]
    assert box["y"] <= label["y"] and label["y"] + label["height"] <= box["y"] + box["height"]
    the_map.screenshot(path=artifacts / "84-estate-map-name-360.png")
    assert errors == []
    context.close()
