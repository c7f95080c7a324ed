"""Request boundary (one commit per request), security headers, the docs UI assets and `/`."""

from __future__ import annotations

import logging
from pathlib import Path

import swagger_ui_bundle
from flask import Flask, Response, send_from_directory
from sqlalchemy.exc import DBAPIError

from backend.config import PROJECT_ROOT
from backend.database import changes_kept_on_error, db
from backend.errors import error_response

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
    except DBAPIError:
        db.session.rollback()
        log.exception("commit failed")
        return error_response(
            503,
            "数据库暂不可用,请稍后重试 (database unavailable, retry later)",
            headers={"Retry-After": "5"},
        )
    return response


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; base-uri 'none'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


LANDING = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>五好小区巡查 Wuhao</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>五好小区巡查 · Wuhao</h1>
<p>服务已运行。API 文档见 <a href="/api/docs">/api/docs</a>;
健康检查 <a href="/api/health">/api/health</a>。</p>
<p>The server is running. API docs: <a href="/api/docs">/api/docs</a>.</p></body></html>"""


def init_app(app: Flask) -> None:
    app.after_request(_commit_or_rollback)
    app.after_request(_security_headers)

    @app.get("/api/docs/assets/<path:filename>")
    def swagger_assets(filename: str) -> Response:
        return send_from_directory(SWAGGER_ASSETS, filename, max_age=86400)

    @app.get("/")
    def index() -> Response:
        if (PWA_DIST / "index.html").is_file():
            return send_from_directory(PWA_DIST, "index.html", max_age=0)
        return Response(LANDING, mimetype="text/html", content_type="text/html; charset=utf-8")
