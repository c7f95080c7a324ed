"""The OpenAPI description of the Open311 endpoints (they answer the standard's shapes, not
Wuhao's, so flask-smorest cannot derive them from marshmallow schemas).

Each format gets its own operation: `.json` answers `application/json`, `.xml` answers
`text/xml`; errors (400/403/404, and 405/413/415) are the standard's `{code, description}` list
in that format. Every constraint the server enforces is stated (contract.py holds the patterns).
"""

from __future__ import annotations

from typing import Any

from backend.open311 import contract
from backend.open311.formats import MIMETYPES
from backend.open311.schemas import IGNORED, MAX_DESCRIPTION, TEXT_LIMITS
from backend.revisits.services import MAX_COMMENT

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
    "post_revisit": LIST,
}
DESCRIPTIONS = {
    200: "OK",
    201: "created",
    400: "malformed input",
    403: "bad API key",
    404: "not found (a service, attribute, place with no estate, request or token)",
    405: "method not allowed (see Allow)",
    409: "回访 refused: answered already, ticket not closed, or the window closed",
    413: "request body too large",
    415: "not form-encoded, or a charset other than UTF-8, GBK or GB18030",
}
TEXT: dict[str, Any] = {"type": "string", "pattern": contract.TEXT}
NEW_REQUEST_FORM: dict[str, Any] = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    "api_key": {"type": "string"},
                    # (length limits are left out of these patterned fields: schemathesis folds
                    # them into the pattern, and its regex engine then refuses the class)
                    "service_code": {"type": "string", "pattern": contract.TEXT_NOT_EMPTY},
                    "lat": {"type": "number", "minimum": -90, "maximum": 90},
                    "long": {"type": "number", "minimum": -180, "maximum": 180},
                    "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
                    **{
                        name: {"type": "string", "maxLength": limit}
                        for name, limit in TEXT_LIMITS.items()
                    },
                    "email": {"type": "string", "maxLength": 254, "pattern": contract.EMAIL},
                    "media_url": {"type": "string", "maxLength": 2000, "pattern": contract.URL},
                    **dict.fromkeys(IGNORED, TEXT),
                },
                "patternProperties": {contract.ATTRIBUTE_KEY: TEXT},
                "additionalProperties": False,
                "required": ["api_key", "service_code"],
                # Both coordinates or neither; and a place: coordinates or an address.
                "dependencies": {"lat": ["long"], "long": ["lat"]},
                "anyOf": [
                    {"required": ["lat", "long"]},
                    {
                        "required": ["address_string"],
                        "properties": {"address_string": {"pattern": contract.NOT_BLANK}},
                    },
                ],
            }
        }
    },
}
LIST_QUERY = [
    {"in": "query", "name": "service_request_id", "schema": {"type": "string",
     "pattern": contract.REQUEST_IDS}},
    {"in": "query", "name": "service_code", "schema": TEXT},
    {"in": "query", "name": "status", "schema": {"type": "string", "pattern": contract.STATUSES}},
    *({"in": "query", "name": name, "schema": {"type": "string", "pattern": contract.DATETIME}}
      for name in ("start_date", "end_date")),
]  # fmt: skip
LOCALE = {"in": "query", "name": "locale", "schema": {"type": "string", "pattern": contract.LOCALE}}
REQUEST_ID = {"in": "path", "name": "service_request_id", "required": True,
              "schema": {"type": "string", "pattern": contract.REQUEST_ID}}  # fmt: skip
# The filing channel's key adds its 回访 fields to its own requests (a wrong key: 403).
API_KEY = {"in": "query", "name": "api_key", "schema": {"type": "string"}}
REVISIT_FORM: dict[str, Any] = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    "api_key": {"type": "string"},
                    "resolved": {"type": "string", "enum": ["true", "false"]},
                    "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                    "comment": {"type": "string", "maxLength": MAX_COMMENT},
                    "locale": LOCALE["schema"],
                },
                "additionalProperties": False,
                "required": ["api_key", "resolved", "rating"],
            }
        }
    },
}
ERROR_STATUSES = {
    "post_request": (400, 403, 404, 405, 413, 415),
    "post_revisit": (400, 403, 404, 405, 409, 413, 415),
    "list_requests": (400, 403, 404, 405),
    "get_request": (400, 403, 404, 405),
}


def _content(fmt: str, schema: dict[str, Any]) -> dict[str, Any]:
    # XML bodies are documented by type only: JSON Schema cannot describe elements.
    return {MIMETYPES[fmt]: {"schema": schema if fmt == "json" else {"type": "string"}}}


def operation_doc(view: str, fmt: str) -> dict[str, Any]:
    """The manual OpenAPI operation fragment for one view in one format."""
    success = (201, 200) if view in ("post_request", "post_revisit") else (200,)
    responses: dict[str, Any] = {
        str(status): {"description": DESCRIPTIONS[status], "content": _content(fmt, SHAPES[view])}
        for status in success
    }
    for status in ERROR_STATUSES.get(view, (400, 404, 405)):
        responses[str(status)] = {
            "description": DESCRIPTIONS[status],
            "content": _content(fmt, ERRORS),
        }
    doc: dict[str, Any] = {"responses": responses, "parameters": [LOCALE]}
    if view == "post_request":
        doc["requestBody"] = NEW_REQUEST_FORM
    if view == "list_requests":
        doc["parameters"] = [LOCALE, API_KEY, *LIST_QUERY]
    if view == "get_request":
        doc["parameters"] = [LOCALE, API_KEY, REQUEST_ID]
    if view == "post_revisit":
        doc["requestBody"] = REVISIT_FORM
        doc["parameters"] = [LOCALE, REQUEST_ID]
    return doc
