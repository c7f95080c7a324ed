"""What the app refuses before any view runs, in the usual JSON error shape:
- a URL or header fields too large (414, 431). The app's limits sit a little below the WSGI
  server's (`GUNICORN_LIMITS`, see docs/deploy.md), so the app answers, not gunicorn's HTML page;
- a request body in a media type the operation does not read (415), e.g. a form sent to an
  operation that takes JSON, which would otherwise read as "missing fields"; and no body at all
  where the operation requires one (422 naming `body`).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from backend.errors import error_response

MAX_URL_BYTES = 8000  # path and query as sent
MAX_HEADER_FIELD_BYTES = 8000  # one header field, "Name: value"
MAX_HEADER_FIELDS = 100

# For gunicorn (gunicorn.conf.py or the command line): slightly above the app's limits, so
# requests between the two get the app's JSON answer. 8190 is the most gunicorn allows for a
# request line ("GET " + URL + " HTTP/1.1").
GUNICORN_LIMITS = {
    "limit_request_line": 8190,
    "limit_request_field_size": 8190,
    "limit_request_fields": MAX_HEADER_FIELDS + 10,
}

# gunicorn spells one of these flags with an underscore.
_GUNICORN_FLAGS = {
    "limit_request_line": "--limit-request-line",
    "limit_request_field_size": "--limit-request-field_size",
    "limit_request_fields": "--limit-request-fields",
}


def gunicorn_arguments() -> list[str]:
    """GUNICORN_LIMITS as gunicorn command-line options."""
    return [f"{_GUNICORN_FLAGS[name]}={value}" for name, value in GUNICORN_LIMITS.items()]


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _url_bytes() -> int:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return len(raw.encode("latin-1", "replace"))
    return len(request.full_path.encode())


def _oversized() -> Response | None:
    if _url_bytes() > MAX_URL_BYTES:
        return error_response(
            414,
            "网址过长 (URI too long)",
            {"url": [f"at most {MAX_URL_BYTES} bytes"]},
        )
    fields = list(request.headers.items())
    if len(fields) > MAX_HEADER_FIELDS:
        return error_response(
            431,
            "请求头过多 (too many header fields)",
            {"headers": [f"at most {MAX_HEADER_FIELDS} fields"]},
        )
    for name, value in fields:
        if len(name) + 2 + len(value.encode("latin-1", "replace")) > MAX_HEADER_FIELD_BYTES:
            return error_response(
                431,
                "请求头过大 (request header field too large)",
                {name: [f"at most {MAX_HEADER_FIELD_BYTES} bytes per field"]},
            )
    return None


def _json_body_parameters() -> list[dict]:
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)  # a MethodView: the method holds the doc
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    arguments = getattr(view, "_apidoc", {}).get("arguments", {})
    return [p for p in arguments.get("parameters", ()) if p.get("in") == "json"]


def _wrong_media_type() -> Response | None:
    if request.method not in BODY_METHODS or request.is_json:
        return None
    parameters = _json_body_parameters()
    if not parameters:
        return None
    has_body = bool(request.content_length) or "Transfer-Encoding" in request.headers
    if not request.mimetype and not has_body:
        if any(p.get("required") for p in parameters):
            return error_response(
                422, "需要 JSON 请求体 (a JSON body is required)", {"body": ["required"]}
            )
        return None
    return error_response(
        415,
        "请求体须为 JSON (the request body must be application/json)",
        {"Content-Type": [f"expected application/json, got {request.mimetype or 'none'}"]},
    )


def init_app(app: Flask) -> None:
    app.before_request(_oversized)
    app.before_request(_wrong_media_type)
