"""Installable and offline: the manifest, the service worker, the shell without network, caching
headers, the app-route fallback, and nothing loaded from anywhere but our server."""

from __future__ import annotations

import io
import re
import urllib.request

import pytest
from PIL import Image

from tests.browser.support import login, wait_for_service_worker

expect = pytest.importorskip("playwright.sync_api").expect


def _fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_manifest_is_installable(live_server):
    base = live_server.base
    status, headers, html = _fetch(f"{base}/")
    assert status == 200 and "charset=utf-8" in headers["Content-Type"]
    page = html.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert "<title>五好小区巡查</title>" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline scripts (CSP)"

    status, headers, body = _fetch(f"{base}/manifest.webmanifest")
    assert status == 200
    assert headers["Content-Type"].startswith("application/manifest+json")
    assert headers["Cache-Control"] == "no-cache"
    import json

    manifest = json.loads(body)
    assert manifest["name"] == "五好小区巡查"
    assert manifest["short_name"]
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    sizes = {}
    for icon in manifest["icons"]:
        status, _, data = _fetch(f"{base}{icon['src']}")
        assert status == 200, icon
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.setdefault(icon["sizes"], set()).add(icon.get("purpose", "any"))
    assert "any" in sizes["192x192"] and "any" in sizes["512x512"]


def test_caching_headers_csp_and_app_routes(live_server, built_app):
    base = live_server.base
    status, headers, _ = _fetch(f"{base}/sw.js")
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    assert "javascript" in headers["Content-Type"]
    for path in built_app.entry_files():
        url = f"{base}/assets/{path.name}"
        status, headers, body = _fetch(url, **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers.get("Content-Encoding") == "gzip"
        assert "Accept-Encoding" in headers["Vary"]
        status, headers, body = _fetch(url)  # a client without gzip gets the plain file
        assert status == 200 and headers.get("Content-Encoding") is None
        assert body == path.read_bytes()

    status, headers, html = _fetch(f"{base}/inspect/0d9f6a2e-1111-4c8e-9a53-9a0e1f2b3c4d/review")
    assert status == 200 and b"<title>" in html  # the app's router takes app paths
    csp = headers["Content-Security-Policy"]
    assert "worker-src 'self' blob:" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp or "'unsafe-inline'" not in csp.split("script-src")[1]

    status, headers, body = _fetch(f"{base}/api/nowhere")
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    status, _, _ = _fetch(f"{base}/assets/missing-abc123.js")
    assert status == 404


def test_service_worker_and_offline_shell(browser, live_server, artifacts):
    base = live_server.base
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))

    page.goto(f"{base}/")
    expect(page.get_by_test_id("login")).to_be_visible()
    wait_for_service_worker(page)
    registration = page.evaluate(
        """async () => {
            const r = await navigator.serviceWorker.getRegistration('/');
            return { scope: r.scope, state: r.active && r.active.state,
                     script: r.active && r.active.scriptURL,
                     controlled: !!navigator.serviceWorker.controller };
        }"""
    )
    assert registration == {
        "scope": f"{base}/",
        "state": "activated",
        "script": f"{base}/sw.js",
        "controlled": True,
    }
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{base}/manifest.webmanifest"
    assert not manifest.get("errors"), manifest["errors"]
    # Chromium's own verdict; a Playwright context is incognito-like, which is no fault of ours.
    installability = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e for e in installability if e["errorId"] != "in-incognito"] == [], installability
    page.screenshot(path=artifacts / "10-login-desktop.png")

    # Sign in once so the desktop screens can be seen, then lose the network entirely.
    login(page, "inspector1")
    expect(page.get_by_test_id("estate").first).to_be_visible()
    page.get_by_test_id("estate").first.wait_for()
    page.screenshot(path=artifacts / "11-estates-desktop.png")
    page.get_by_test_id("map-toggle").click()
    expect(page.get_by_test_id("map").or_(page.locator(".map.placeholder"))).to_be_visible()
    page.wait_for_timeout(1500)  # let MapLibre draw
    page.screenshot(path=artifacts / "12-estates-map-desktop.png")

    context.set_offline(True)
    for path in ("/", "/sync", "/estate/1"):
        page.goto(f"{base}{path}")
        expect(page.locator(".topbar")).to_contain_text("五好小区巡查")
        # Truly offline: the page's own request to the server fails.
        assert (
            page.evaluate("fetch('/api/health').then(() => 'reached', () => 'failed')") == "failed"
        )
    page.goto(f"{base}/")
    expect(page.get_by_test_id("estate").first).to_be_visible()
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("estates")).to_contain_text("My estates")
    page.wait_for_timeout(1500)  # the map, from the service worker's cache, draws itself
    page.screenshot(path=artifacts / "13-estates-offline-english-desktop.png")
    context.set_offline(False)

    foreign = [url for url in requested if not url.startswith((base, "blob:", "data:"))]
    assert foreign == [], "everything must come from our own server"
    context.close()
