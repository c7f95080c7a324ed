"""Request boundary (one commit per request), security headers, the docs UI assets, and the
phone web app (`pwa/dist`, built by `make pwa`) at `/`."""

from __future__ import annotations

import logging
import mimetypes
import re
from pathlib import Path

import swagger_ui_bundle
from flask import Flask, Response, current_app, request, send_from_directory
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from backend.config import PROJECT_ROOT
from backend.database import changes_kept_on_error, db
from backend.errors import STALE_MESSAGE, error_response
from backend.text import for_html

log = logging.getLogger(__name__)
PWA_DIST = PROJECT_ROOT / "pwa" / "dist"
SWAGGER_ASSETS = Path(swagger_ui_bundle.swagger_ui_path)


def _commit_or_rollback(response: Response) -> Response:
    """Services only flush; the request commits once here, or rolls back on any error status."""
    if response.status_code >= 400 and not changes_kept_on_error():
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return error_response(412, STALE_MESSAGE)
    except DBAPIError:
        db.session.rollback()
        log.exception("commit failed")
        return error_response(
            503,
            "数据库暂不可用,请稍后重试 (database unavailable, retry later)",
            headers={"Retry-After": "5"},
        )
    return response


def content_security_policy(tile_origins: tuple[str, ...] = ()) -> str:
    """Only our own origin, plus the configured base map's tile hosts (MapLibre fetches tiles,
    so connect-src, and decodes them as images, so img-src)."""
    extra = "".join(f" {origin}" for origin in tile_origins)
    connect = f"connect-src 'self'{extra}; " if extra else ""
    return (
        f"default-src 'self'; img-src 'self' data: blob:{extra}; {connect}"
        "style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'; "
        "base-uri 'none'"
    )


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", current_app.config["WUHAO_CSP"])
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


LANDING = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>五好小区巡查 Wuhao</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>五好小区巡查 · Wuhao</h1>
<p>服务已运行。API 文档见 <a href="/api/docs">/api/docs</a>;
健康检查 <a href="/api/health">/api/health</a>。</p>
<p>The server is running. API docs: <a href="/api/docs">/api/docs</a>.</p></body></html>"""


# The docs UI. flask-smorest's page starts Swagger UI from an inline <script>, which our CSP
# (no 'unsafe-inline' for scripts) blocks; this page loads the same start-up code as a file.
DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Wuhao 五好小区巡查 API</title>
<link href="/api/docs/assets/swagger-ui.css" rel="stylesheet" type="text/css"></head>
<body><div id="swagger-ui-container"></div>
<script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/start.js"></script></body></html>"""
DOCS_START = """window.onload = function () {
  window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui-container"});
};
"""


def _docs_page() -> Response:
    return Response(DOCS_PAGE, content_type="text/html; charset=utf-8")


# --- the phone web app -------------------------------------------------------------------------
# Hashed files under /assets never change: cached for a year. The shell's entry points (index.html,
# the service worker, the manifest) must always be revalidated, or phones would keep old versions.
YEAR = 365 * 24 * 3600
NO_CACHE = "no-cache"
# Paths the app's router owns: anything but the API, the public 公示 and survey pages and
# files (no dot in the last segment).
APP_ROUTE = re.compile(
    r"^/(?!api(?:/|$)|open311(?:/|$)|public(?:/|$)|survey(?:/|$)|assets/)(?:[^./]+/)*[^./]*$"
)


def _pwa_built() -> bool:
    return (PWA_DIST / "index.html").is_file()


def _pwa_index() -> Response:
    response = send_from_directory(PWA_DIST, "index.html", max_age=0)
    response.headers["Cache-Control"] = NO_CACHE
    return response


def _pwa_file(folder: Path, filename: str, cache_control: str) -> Response:
    response = send_from_directory(folder, filename)
    response.headers["Cache-Control"] = cache_control
    return response


def _pwa_asset(filename: str) -> Response:
    folder = PWA_DIST / "assets"
    packed = folder / f"{filename}.gz"
    if "gzip" in request.accept_encodings and packed.is_file() and (folder / filename).is_file():
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = send_from_directory(folder, f"{filename}.gz", mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_from_directory(folder, filename)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.vary.add("Accept-Encoding")
    return response


def _not_found(error):
    """App routes (e.g. /inspect/…) answer with the app's index.html; everything else keeps the
    API's JSON 404."""
    if request.method in {"GET", "HEAD"} and APP_ROUTE.match(request.path) and _pwa_built():
        return _pwa_index()
    return current_app.extensions["wuhao_api"].handle_http_exception(error)


def init_app(app: Flask) -> None:
    app.config["WUHAO_CSP"] = content_security_policy(app.extensions["wuhao_basemap"].origins)
    # Every HTML page (公示, printed reports) writes text through the text policy's cleaner.
    app.jinja_env.finalize = for_html
    app.after_request(_commit_or_rollback)
    app.after_request(_security_headers)

    app.view_functions["api-docs.openapi_swagger_ui"] = _docs_page

    @app.get("/api/docs/start.js")
    def swagger_start() -> Response:
        return Response(DOCS_START, mimetype="text/javascript")

    @app.get("/api/docs/assets/<path:filename>")
    def swagger_assets(filename: str) -> Response:
        return send_from_directory(SWAGGER_ASSETS, filename, max_age=86400)

    @app.get("/")
    def index() -> Response:
        if _pwa_built():
            return _pwa_index()
        return Response(LANDING, mimetype="text/html", content_type="text/html; charset=utf-8")

    @app.get("/index.html")
    def pwa_index() -> Response:
        # The service worker precaches the shell under this name.
        if _pwa_built():
            return _pwa_index()
        return index()

    @app.get("/assets/<path:filename>")
    def pwa_asset(filename: str) -> Response:
        return _pwa_asset(filename)

    @app.get("/sw.js")
    def pwa_service_worker() -> Response:
        return _pwa_file(PWA_DIST, "sw.js", NO_CACHE)

    @app.get("/manifest.webmanifest")
    def pwa_manifest() -> Response:
        return _pwa_file(PWA_DIST, "manifest.webmanifest", NO_CACHE)

    @app.get("/icons/<path:filename>")
    def pwa_icon(filename: str) -> Response:
        return _pwa_file(PWA_DIST / "icons", filename, "public, max-age=86400")

    app.register_error_handler(404, _not_found)
