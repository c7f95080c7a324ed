"""Figures for the phone web app, measured in Debian's chromium against a real gunicorn on loopback:

1. JS + CSS of the inspector's first screen, gzipped (target ≤ 150 KB; MapLibre is lazy);
2. time to a usable inspector screen on a simulated slow 3G link (400 kbit/s, 400 ms RTT):
   a first visit (login form, then the estate list after signing in) and a returning inspector
   (service worker + IndexedDB);
3. one inspection (58 items) with 10 photos from a 12-megapixel phone camera, compressed on the
   phone, sent over simulated slow 3G: time and bytes, and the resumable uploads' chunking
   overhead (requests and header bytes per photo) as the browser saw it;
4. the firm's first screen (ticket inbox): JS + CSS on the wire and time to the inbox, slow 3G;
5. JS + CSS the supervisor's issue map and scorecard dashboard fetch (MapLibre's worker included).

    .venv/bin/python bench/pwa_figures.py          (builds pwa/dist first when it is stale)
    .venv/bin/python bench/pwa_figures.py firm     (1 and 4 only)
    .venv/bin/python bench/pwa_figures.py uploads  (1 and 3 only)

Prints figures; asserts nothing.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.browser.support import (  # noqa: E402
    BuiltApp,
    answer_item,
    failing_answer,
    login,
    next_item,
    ordered_items,
    passing_answer,
    phone_photo,
    pwa_is_stale,
    start_server,
    wait_for_service_worker,
)

SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms round trip
    "downloadThroughput": 400_000 / 8,  # bytes/s
    "uploadThroughput": 400_000 / 8,
}
KB = 1024


def static_sizes(app: BuiltApp) -> None:
    print(
        "1. First screen of every role (what index.html loads; inspector and firm alike), gzip -9:"
    )
    total = 0
    for path in app.entry_files():
        packed = len(gzip.compress(path.read_bytes(), 9))
        total += packed
        raw = path.stat().st_size
        print(f"   {path.name:<40} {raw / KB:7.1f} KiB raw  {packed / KB:6.1f} KiB gzip")
    print(f"   JS + CSS total: {total / KB:.1f} KiB gzipped (target ≤ 150 KB)")
    lazy = [p for p in (app.dist / "assets").iterdir() if p.suffix in {".js", ".mjs", ".css"}]
    lazy = [p for p in lazy if p not in app.entry_files()]
    packed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in lazy)
    print(f"   lazy chunks (MapLibre + worker, supervisor screens): {packed / KB:.1f} KiB gzipped")


def supervisor_screen(browser, app: BuiltApp, base: str) -> None:
    """JS + CSS (gzip -9 of the files fetched, MapLibre's worker included) until the supervisor's
    map has drawn the first answer, and the same for the scorecard dashboard opened directly."""
    print("5. Supervisor screens (1440×900), JS + CSS fetched, gzip -9:")
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="zh-CN", service_workers="block"
    )
    fetched: set[str] = set()
    context.on(
        "request",
        lambda r: fetched.add(r.url.split("/assets/")[-1]) if "/assets/" in r.url else None,
    )
    page = context.new_page()
    page.goto(f"{base}/")
    login(page, "supervisor1")
    page.locator("[data-testid=sv-map][data-tickets]").wait_for()
    _print_fetched("issue map after signing in", app, fetched)
    fetched.clear()
    page = context.new_page()  # a second tab straight onto the dashboard (HTTP cache is warm)
    page.goto(f"{base}/supervise/scorecards")
    page.get_by_test_id("sv-chart").wait_for()
    _print_fetched("scorecards opened directly", app, fetched)
    context.close()


def _print_fetched(label: str, app: BuiltApp, names: set[str]) -> None:
    files = [app.dist / "assets" / name for name in sorted(names)]
    files = [f for f in files if f.suffix in {".js", ".mjs", ".css"} and f.is_file()]
    packed = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    print(f"   {label}: {packed / KB:.1f} KiB gzipped in {len(files)} files")


def _throttle(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    return cdp


def _js_css_transferred(page) -> int:
    return page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter((e) => /\\/assets\\/.*\\.(js|css)$/.test(e.name))
            .reduce((sum, e) => sum + e.encodedBodySize, 0)"""
    )


def slow_3g(browser, base: str) -> None:
    print("2. Time to a usable inspector screen, slow 3G (400 kbit/s down and up, 400 ms RTT):")
    # First visit without the service worker: its own fetches would escape the page's throttling.
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="zh-CN", service_workers="block"
    )
    page = context.new_page()
    _throttle(context, page)
    start = time.perf_counter()
    page.goto(f"{base}/")
    page.get_by_test_id("login").locator("input[name=username]").wait_for()
    login_ready = time.perf_counter() - start
    js_css = _js_css_transferred(page)
    start = time.perf_counter()
    login(page, "inspector1")
    page.get_by_test_id("estate").first.wait_for()
    page.get_by_text("数据更新于").wait_for()
    listed = time.perf_counter() - start
    print(
        f"   first visit: login form usable after {login_ready:.2f} s "
        f"(JS+CSS on the wire: {js_css / KB:.1f} KiB, gzip from our server)"
    )
    api = page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter((e) => e.name.includes('/api/'))
            .map((e) => [new URL(e.name).pathname, e.encodedBodySize])"""
    )
    detail = ", ".join(f"{path} {size / KB:.1f} KiB" for path, size in api)
    print(f"   first visit: signing in → estate list and checklist: {listed:.2f} s ({detail})")
    context.close()
    # Returning: the service worker is installed (unthrottled, as on a first visit over Wi-Fi),
    # session, estates and checklist are in IndexedDB.
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/")
    login(page, "inspector1")
    page.get_by_test_id("estate").first.wait_for()
    wait_for_service_worker(page)
    page.close()
    page = context.new_page()
    _throttle(context, page)
    start = time.perf_counter()
    page.goto(f"{base}/")
    page.get_by_test_id("estate").first.wait_for()
    warm = time.perf_counter() - start
    print(f"   returning inspector (service worker + IndexedDB): estate list after {warm:.2f} s")
    context.set_offline(True)
    page.close()
    page = context.new_page()
    start = time.perf_counter()
    page.goto(f"{base}/")
    page.get_by_test_id("estate").first.wait_for()
    offline = time.perf_counter() - start
    print(f"   returning inspector, no signal at all: estate list after {offline:.2f} s")
    context.close()


def upload_bytes(browser, server, workdir: Path) -> None:
    print(
        "3. One inspection (58 items) with 10 photos from a 12-megapixel camera, sent over slow 3G:"
    )
    checklist = server.get("/api/checklists/active", "inspector2")["checklists"][0]
    items = ordered_items(checklist)
    with_photo = [i for i in items if i["on_fail"]["photo"]][:10]
    photos = [phone_photo(workdir / f"IMG_{n:04d}.jpg", seed=n + 1) for n in range(10)]
    original = sum(p.stat().st_size for p in photos)
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN")
    page = context.new_page()
    sent: list[tuple[str, int, int, str]] = []

    def on_finished(request):
        if request.method in {"PUT", "POST", "HEAD", "PATCH", "OPTIONS"} and "/api/" in request.url:
            sizes = request.sizes()
            sent.append(
                (request.url, sizes["requestBodySize"], sizes["requestHeadersSize"], request.method)
            )

    page.on("requestfinished", on_finished)
    page.goto(f"{server.base}/")
    login(page, "inspector2")
    page.get_by_test_id("estate").first.click()
    page.get_by_test_id("start").click()
    context.set_offline(True)
    photo_iter = iter(photos)
    compress_times = []
    for index, item in enumerate(items):
        last = index == len(items) - 1
        if item in with_photo:
            answer_item(page, item, failing_answer(item), last)
            page.get_by_test_id("note").fill(f"问题 {item['code']}")
            start = time.perf_counter()
            page.get_by_test_id("photo-input").set_input_files(next(photo_iter))
            page.get_by_test_id("thumb").first.wait_for()
            compress_times.append(time.perf_counter() - start)
            if not last:
                next_item(page, item)
        else:
            how = passing_answer(item)
            answer_item(page, item, how, last)
            if how[0] == "number" and not last:
                next_item(page, item)
    page.get_by_test_id("to-review").click()
    sent.clear()
    page.get_by_test_id("submit").click()
    page.get_by_test_id("queue-item").wait_for()
    # Blob bodies are not reported by the browser's request sizes: read them from the queue.
    queued_photos = page.evaluate(
        """() => new Promise((resolve) => {
            indexedDB.open('wuhao').onsuccess = (event) => {
                const store = event.target.result.transaction('photos').objectStore('photos');
                const all = store.getAll();
                all.onsuccess = () => resolve(all.result.map((p) => [p.size, p.width, p.height]));
            };
        })"""
    )
    _throttle(context, page)
    context.set_offline(False)
    start = time.perf_counter()
    page.get_by_test_id("queue-item").and_(page.locator("[data-state=done]")).wait_for(
        timeout=600_000
    )
    took = time.perf_counter() - start
    photo_puts = [s for s in sent if "/api/photos/" in s[0]]
    uploads = [s for s in sent if "/api/photos/uploads" in s[0]]
    patches = [s for s in uploads if s[3] == "PATCH"]
    inspection_puts = [s for s in sent if "/api/inspections/" in s[0]]
    photo_bytes = sum(size for size, _, _ in queued_photos)
    upload_headers = sum(s[2] for s in uploads)
    body = sum(s[1] for s in sent) + photo_bytes
    headers = sum(s[2] for s in sent)
    print(
        f"   originals from the camera: {original / KB / KB:.1f} MiB "
        f"({original / 10 / KB:.0f} KiB each)"
    )
    print(
        f"   compressed on the phone (≤ 1600 px, JPEG q0.8): "
        f"{photo_bytes / KB:.0f} KiB for {len(photo_puts)} photo requests, "
        f"{queued_photos[0][1]}×{queued_photos[0][2]} px, "
        f"(median {sorted(compress_times)[5]:.2f} s to compress and hash one photo)"
    )
    print(
        f"   inspection JSON: {sum(s[1] for s in inspection_puts) / KB:.1f} KiB "
        f"({len(inspection_puts)} PUT)"
    )
    print(
        f"   total uploaded: {(body + headers) / KB:.0f} KiB ({body / KB:.0f} KiB bodies + "
        f"{headers / KB:.1f} KiB request headers, {len(sent)} requests); "
        f"≈ {(body + headers) * 8 / 400_000:.0f} s at 400 kbit/s"
    )
    print(f"   over slow 3G (400 kbit/s, 400 ms RTT) from signal back to sent: {took:.1f} s")
    if uploads:
        print(
            f"   chunking (tus): {len(patches)} PATCH + {len(uploads) - len(patches)} other upload "
            f"requests for 10 photos ({len(patches) / 10:.1f} chunks a photo), "
            f"{upload_headers / KB:.1f} KiB of request headers = "
            f"{100 * upload_headers / max(1, photo_bytes):.1f} % on top of the photo bytes"
        )
    else:
        print("   (no resumable uploads seen: the server has none, photos went as one PUT each)")
    context.close()


def firm_screen(browser, base: str) -> None:
    print("4. The firm's first screen (ticket inbox), slow 3G, first visit:")
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="zh-CN", service_workers="block"
    )
    page = context.new_page()
    _throttle(context, page)
    page.goto(f"{base}/")
    page.get_by_test_id("login").locator("input[name=username]").wait_for()
    start = time.perf_counter()
    login(page, "firm1")
    page.get_by_test_id("ticket").first.wait_for()
    page.locator("[data-testid=tab-todo] .n").wait_for()
    inbox = time.perf_counter() - start
    assets = page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter((e) => /\\/assets\\/.*\\.(m?js|css)$/.test(e.name))
            .map((e) => [new URL(e.name).pathname, e.encodedBodySize])"""
    )
    total = sum(size for _, size in assets)
    names = ", ".join(f"{path.rsplit('/', 1)[-1]} {size / KB:.1f} KiB" for path, size in assets)
    print(f"   JS + CSS on the wire (gzip): {total / KB:.1f} KiB ({names})")
    print(f"   MapLibre loaded: {'yes' if any('estate-map' in p for p, _ in assets) else 'no'}")
    print(f"   signing in → inbox with counts: {inbox:.2f} s")
    page.locator("[data-testid=ticket]").first.click()
    page.get_by_test_id("map").wait_for(timeout=120_000)
    extra = page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter((e) => /estate-map|maplibre/.test(e.name))
            .reduce((sum, e) => sum + e.encodedBodySize, 0)"""
    )
    print(f"   opening a ticket adds the lazy map: {extra / KB:.1f} KiB on the wire")
    context.close()


def main() -> None:
    if pwa_is_stale():
        subprocess.run(["make", "pwa"], cwd=ROOT, check=True)
    app = BuiltApp(ROOT / "pwa" / "dist")
    static_sizes(app)
    only_firm = sys.argv[1:] == ["firm"]
    only_uploads = sys.argv[1:] == ["uploads"]
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
                )
                if only_uploads:
                    upload_bytes(browser, server, Path(tmp))
                else:
                    if not only_firm:
                        slow_3g(browser, server.base)
                        upload_bytes(browser, server, Path(tmp))
                    firm_screen(browser, server.base)
                    if not only_firm:
                        supervisor_screen(browser, app, server.base)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
