"""The supervisor map in a real browser: time from opening the map to a drawn map (MapLibre's
first `idle` with the ticket and estate layers loaded), read as the app reads it (GeoJSON from
/api/map/tickets and /api/map/estates for the view, asked for while the style loads), at zoom 10,
14 and 16 over a city with 100k open tickets (PostGIS). This bench also timed MapLibre's own
vector tile source on an ST_AsMVT endpoint; GeoJSON drew faster at every zoom, so the tiles were
removed (the figures are in the issue note of that change).

    .venv/bin/python bench/map_browser.py [--estates 3000] [--tickets 300000] [--open 100000]
        [--runs 5] [--user supervisor1]

Each run is a new browser context (no HTTP cache); the first run of a view warms the database
cache, so "first" and "later" are printed apart. Debian's chromium, 1280×800.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fuzz_api import _free_port  # noqa: E402
from bench.map_query import _bounds, prepared_app  # noqa: E402
from bench.seed_city import seed_city  # noqa: E402

MAPLIBRE = ROOT / "pwa" / "node_modules" / "maplibre-gl" / "dist"
OPEN_STATES = ("dispatched", "accepted", "rectified", "rework", "disputed")

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/bench/maplibre-gl.css">
<style>html,body,#map{margin:0;width:100%;height:100%}</style>
</head><body><div id="map"></div><script type="module">
import * as maplibregl from '/bench/maplibre-gl.mjs';
maplibregl.setWorkerUrl('/bench/maplibre-gl-worker.mjs');
window.drawMap = (token, center, zoom, states) => new Promise((resolve, reject) => {
  const started = performance.now();
  const auth = { Authorization: 'Bearer ' + token };
  const filter = states.map((s) => 'state=' + s).join('&');
  const style = { version: 8, sources: {}, layers: [
    { id: 'bg', type: 'background', paint: { 'background-color': '#eef2ee' } }] };
  const empty = { type: 'FeatureCollection', features: [] };
  style.sources.tickets = { type: 'geojson', data: empty };
  style.sources.estates = { type: 'geojson', data: empty };
  style.layers.push(
    { id: 'estates', type: 'line', source: 'estates', paint: { 'line-color': '#2e7d32' } },
    { id: 'tickets', type: 'circle', source: 'tickets',
      paint: { 'circle-radius': 6, 'circle-color': '#c62828' } });
  const map = new maplibregl.Map({ container: 'map', style, center, zoom,
    attributionControl: false });
  map.on('error', (e) => reject(String(e.error && e.error.message)));
  const finish = () => map.once('idle', () => resolve({
    ms: performance.now() - started,
    features: map.queryRenderedFeatures({ layers: ['tickets'] }).length,
  }));
  // The view's data is asked for at once, while the style and worker load (as the app does).
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6));
  const get = (path) => fetch(path, { headers: auth }).then((r) => r.json());
  const data = Promise.all([
    get('/api/map/tickets?' + filter + '&bbox=' + bbox + '&zoom=' + Math.floor(map.getZoom())),
    get('/api/map/estates?bbox=' + bbox)]);
  map.once('load', async () => {
    const [tickets, estates] = await data;
    map.getSource('tickets').setData(tickets);
    map.getSource('estates').setData(estates);
    finish();
  });
});
</script></body></html>"""


def _serve(database_url: str) -> tuple[subprocess.Popen, str]:
    from backend.request_checks import gunicorn_arguments

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "backend"}
    server = subprocess.Popen(
        [Path(sys.executable).parent / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         *gunicorn_arguments(), "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/api/health", timeout=2)
            return server, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _token(base: str, user: str) -> str:
    import json

    body = json.dumps({"username": user, "password": "demo12345"}).encode()
    request = urllib.request.Request(
        f"{base}/api/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["token"]


def _bench_files(route, request) -> None:
    """The bench page and MapLibre's own files, on the server's origin (same-origin API calls)."""
    name = request.url.rsplit("/", 1)[-1]
    if name == "map.html":
        route.fulfill(body=PAGE, content_type="text/html")
    elif (MAPLIBRE / name).is_file():
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        route.fulfill(path=MAPLIBRE / name, content_type=kind)
    else:
        route.fulfill(status=404)


def _draw(browser, base: str, token: str, center, zoom: int) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.route(f"{base}/bench/**", _bench_files)
    page.goto(f"{base}/bench/map.html")
    page.wait_for_function("() => window.drawMap !== undefined")
    result = page.evaluate(
        "([t, c, z, s]) => window.drawMap(t, c, z, s)",
        [token, list(center), zoom, list(OPEN_STATES)],
    )
    context.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--estates", type=int, default=3000)
    parser.add_argument("--tickets", type=int, default=300_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--user", default="supervisor1")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.pg_cluster import start_cluster

    cluster = start_cluster(port=_free_port())
    server = None
    try:
        url = cluster.create_database("wuhao_map_browser")
        app = prepared_app(url)
        with app.app_context():
            started = time.monotonic()
            seed_city(estates=args.estates, tickets=args.tickets, open_=args.open)
            print(f"seeded {args.tickets} tickets ({args.open} open) in "
                  f"{time.monotonic() - started:.0f} s")  # fmt: skip
            minx, miny, maxx, maxy = _bounds("streets", "210202001")
        center = ((minx + maxx) / 2, (miny + maxy) / 2)
        server, base = _serve(url)
        token = _token(base, args.user)
        print(f"user {args.user}, centre of street 210202001, 1280×800, {args.runs} runs each")
        print(f"{'view':>6} {'first ms':>9} {'later p50':>10} {'later max':>10} "
              f"{'pins/clusters':>14}")  # fmt: skip
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"]
            )
            for zoom in (10, 14, 16):
                runs = [_draw(browser, base, token, center, zoom) for _ in range(args.runs)]
                later = [r["ms"] for r in runs[1:]] or [runs[0]["ms"]]
                print(f"{'z' + str(zoom):>6} {runs[0]['ms']:>9.0f} "
                      f"{statistics.median(later):>10.0f} {max(later):>10.0f} "
                      f"{runs[-1]['features']:>14}")  # fmt: skip
            browser.close()
    finally:
        if server is not None:
            server.terminate()
        cluster.stop()


if __name__ == "__main__":
    main()
