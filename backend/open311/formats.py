"""GeoReport v2 wire formats: JSON and XML answers, and the standard's error list.

Open311 clients (hotline systems) parse errors as a list of `{code, description}` with HTTP
400/403/404, in the format they asked for (the `.json`/`.xml` extension). That is why these
endpoints do not answer with Wuhao's usual error shape (backend/errors.py): a standard client
could not read it. Problems the standard does not name keep their own HTTP status in the same
list shape (405, 409, 413, 415, 429, 500, 503); Wuhao's 422 is the standard's 400.

Every text value goes through the text policy's `clean` on the way out, so an answer is always
well-formed XML (or UTF-8 JSON), whatever a stored row or an echoed input holds.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Response

from backend.text import clean, clean_deep

FORMATS = ("json", "xml")
MIMETYPES = {"json": "application/json", "xml": "text/xml"}
STATUSES = (400, 403, 404)  # the standard's
# Statuses the standard does not name, answered in its list shape all the same.
OTHER_STATUSES = (405, 409, 413, 415, 429, 500, 503)

# Element names for the items of each list, as the GeoReport v2 spec writes them in XML.
XML_ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}


class Open311Error(Exception):
    """One or more problems answered as the standard's error list."""

    def __init__(
        self, status: int, *descriptions: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status if status in STATUSES + OTHER_STATUSES else 400
        self.descriptions = descriptions or ("error",)
        self.headers = dict(headers or {})

    def payload(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": text} for text in self.descriptions]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return clean(str(value))


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), key, inner)  # our own keys: valid names
    elif isinstance(value, list | tuple):
        item_name = XML_ITEMS.get(name, "item")
        for inner in value:
            _fill(ET.SubElement(element, item_name), item_name, inner)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    """`data` under `<root>`: mappings become child elements, lists repeat the item element."""
    element = ET.Element(root)
    _fill(element, root, data)
    body = ET.tostring(element, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'.encode()


def render(data: Any, fmt: str, root: str, status: int = 200) -> Response:
    """Answer `data` as JSON, or as XML under `<root>` (lists become `<root><item>…`)."""
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(clean_deep(data), ensure_ascii=False).encode()
    mimetype = MIMETYPES.get(fmt, MIMETYPES["json"])
    return Response(body, status=status, content_type=f"{mimetype}; charset=utf-8")


def render_error(error: Open311Error, fmt: str | None) -> Response:
    response = render(error.payload(), fmt if fmt in FORMATS else "json", "errors", error.status)
    response.headers.update(error.headers)
    return response


def error_descriptions(errors: Any) -> Iterable[str]:
    """Flatten our usual `errors` detail (field → messages) into Open311 descriptions."""
    if isinstance(errors, Mapping):
        for field, messages in errors.items():
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                yield f"{field}: {message}"
    elif isinstance(errors, list | tuple):
        yield from (str(message) for message in errors)
