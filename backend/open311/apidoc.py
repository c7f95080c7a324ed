"""The OpenAPI description of the Open311 endpoints (they answer the standard's shapes, not
Wuhao's, so flask-smorest cannot derive them from marshmallow schemas).

Each format gets its own operation: `.json` answers `application/json`, `.xml` answers
`text/xml`; errors 400/403/404 are the standard's `{code, description}` list in that format.
"""

from __future__ import annotations

from typing import Any

from backend.open311.formats import MIMETYPES, STATUSES
from backend.open311.schemas import LOCALE_PATTERN, MAX_DESCRIPTION, TEXT_LIMITS

OBJECT: dict[str, Any] = {"type": "object"}
LIST: dict[str, Any] = {"type": "array", "items": OBJECT}
ERRORS: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "required": ["code", "description"],
    },
}
# What each view answers on success, as JSON (XML carries the same fields as elements).
SHAPES: dict[str, dict[str, Any]] = {
    "discovery": OBJECT,
    "services_list": LIST,
    "service_definition": OBJECT,
    "post_request": LIST,
    "list_requests": LIST,
    "get_request": LIST,
    "get_token": LIST,
}
DESCRIPTIONS = {200: "OK", 201: "created", 400: "bad request", 403: "bad API key", 404: "not found"}

NEW_REQUEST_FORM: dict[str, Any] = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    "api_key": {"type": "string"},
                    "service_code": {"type": "string"},
                    "lat": {"type": "number"},
                    "long": {"type": "number"},
                    "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
                    **{
                        name: {"type": "string", "maxLength": limit}
                        for name, limit in TEXT_LIMITS.items()
                    },
                },
                "required": ["api_key", "service_code"],
            }
        }
    },
}
LIST_QUERY = [
    {"in": "query", "name": name, "schema": {"type": "string"}}
    for name in ("service_request_id", "service_code", "status", "start_date", "end_date")
]
LOCALE = {"in": "query", "name": "locale", "schema": {"type": "string", "pattern": LOCALE_PATTERN}}


def _content(fmt: str, schema: dict[str, Any]) -> dict[str, Any]:
    # XML bodies are documented by type only: JSON Schema cannot describe elements.
    return {MIMETYPES[fmt]: {"schema": schema if fmt == "json" else {"type": "string"}}}


def operation_doc(view: str, fmt: str) -> dict[str, Any]:
    """The manual OpenAPI operation fragment for one view in one format."""
    success = (201, 200) if view == "post_request" else (200,)
    responses: dict[str, Any] = {
        str(status): {"description": DESCRIPTIONS[status], "content": _content(fmt, SHAPES[view])}
        for status in success
    }
    for status in STATUSES:
        responses[str(status)] = {
            "description": DESCRIPTIONS[status],
            "content": _content(fmt, ERRORS),
        }
    doc: dict[str, Any] = {"responses": responses, "parameters": [LOCALE]}
    if view == "post_request":
        doc["requestBody"] = NEW_REQUEST_FORM
    if view == "list_requests":
        doc["parameters"] = [LOCALE, *LIST_QUERY]
    return doc
