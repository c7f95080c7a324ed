"""One request id per request, in the access log, in every app log line and in the answer.

A proxy's `X-Request-Id` is kept when a proxy is configured (PROXY_FIX_HOPS), so nginx's and our
lines of one request share it; otherwise, or when the value is not a plain token, a new one is
made. The id goes back to the client as `X-Request-Id` (a clerk can quote it to the operator).
Log lines get it through `RequestIdFilter` (gunicorn.conf.py installs the formats).
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, current_app, g, has_request_context, request

HEADER = "X-Request-Id"
_TOKEN = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id() -> str:
    """This request's id ("-" outside a request)."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        offered = request.headers.get(HEADER, "")
        trusted = current_app.config.get("PROXY_FIX_HOPS", 0) and _TOKEN.fullmatch(offered)
        g.request_id = offered if trusted else uuid.uuid4().hex
    return str(g.request_id)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so formats can name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def init_app(app: Flask) -> None:
    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        response.headers[HEADER] = request_id()
        return response
