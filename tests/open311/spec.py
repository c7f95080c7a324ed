"""Shape checks written from the GeoReport v2 specification (wiki.open311.org/GeoReport_v2),
and a reader that turns the XML answers back into the JSON shapes for comparison."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def _fields(row: dict[str, Any], spec: dict[str, Any]) -> None:
    assert set(row) <= set(spec), f"unexpected fields {set(row) - set(spec)}"
    for name, kind in spec.items():
        optional = isinstance(kind, tuple) and type(None) in kind
        if name not in row:
            assert optional, f"missing {name}"
            continue
        assert isinstance(row[name], kind), f"{name}={row[name]!r} is not {kind}"


def _w3c(value: str | None) -> None:
    if value is not None:
        assert W3C.match(value), value
        assert datetime.fromisoformat(value).tzinfo is not None


def check_discovery(doc: dict[str, Any]) -> None:
    _fields(doc, {"changeset": (str, type(None)), "contact": str, "key_service": str,
                  "endpoints": list})  # fmt: skip
    assert doc["endpoints"]
    for endpoint in doc["endpoints"]:
        _fields(endpoint, {"specification": str, "url": str, "changeset": (str, type(None)),
                           "type": str, "formats": list})  # fmt: skip
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["type"] in ("production", "test")
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}


def check_services(services: list[dict[str, Any]]) -> None:
    assert isinstance(services, list) and services
    for service in services:
        _fields(service, {"service_code": str, "service_name": str, "description": str,
                          "metadata": bool, "type": str, "keywords": str, "group": str})  # fmt: skip
        assert service["type"] in ("realtime", "batch", "blackbox")
    codes = [service["service_code"] for service in services]
    assert len(codes) == len(set(codes))


def check_definition(definition: dict[str, Any]) -> None:
    _fields(definition, {"service_code": str, "attributes": list})
    for attribute in definition["attributes"]:
        _fields(attribute, {"variable": bool, "code": str, "datatype": str, "required": bool,
                            "datatype_description": (str, type(None)), "order": int,
                            "description": str, "values": (list, type(None))})  # fmt: skip
        assert attribute["datatype"] in DATATYPES
        if attribute["datatype"].endswith("valuelist"):
            assert attribute["values"]
            for value in attribute["values"]:
                _fields(value, {"key": str, "name": str})


def check_post_answer(answer: list[dict[str, Any]]) -> None:
    assert isinstance(answer, list) and len(answer) == 1
    _fields(answer[0], {"service_request_id": (str, type(None)), "token": (str, type(None)),
                        "service_notice": (str, type(None)),
                        "account_id": (str, type(None))})  # fmt: skip
    assert answer[0].get("service_request_id") or answer[0].get("token")


def check_token_answer(answer: list[dict[str, Any]]) -> None:
    assert isinstance(answer, list) and len(answer) == 1
    _fields(answer[0], {"service_request_id": (str, type(None)), "token": str})


REQUEST_FIELDS = {
    "service_request_id": str, "status": str, "status_notes": (str, type(None)),
    "service_name": (str, type(None)), "service_code": (str, type(None)),
    "description": (str, type(None)), "agency_responsible": (str, type(None)),
    "service_notice": (str, type(None)), "requested_datetime": str,
    "updated_datetime": (str, type(None)), "expected_datetime": (str, type(None)),
    "address": (str, type(None)), "address_id": (str, type(None)), "zipcode": (str, type(None)),
    "lat": (float, int), "long": (float, int), "media_url": (str, type(None)),
}  # fmt: skip


def check_requests(rows: list[dict[str, Any]]) -> None:
    assert isinstance(rows, list)
    for row in rows:
        _fields(row, REQUEST_FIELDS)
        assert row["status"] in ("open", "closed")
        for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
            _w3c(row.get(name))
        assert -90 <= row["lat"] <= 90 and -180 <= row["long"] <= 180


def check_errors(errors: list[dict[str, Any]], status: int) -> None:
    assert isinstance(errors, list) and errors
    for error in errors:
        _fields(error, {"code": int, "description": str})
        assert error["code"] == status and error["description"]


# --- XML ------------------------------------------------------------------------------------


def parse_xml(body: bytes) -> ET.Element:
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), body[:60]
    return ET.fromstring(body)


LISTS = {"services": "service", "attributes": "attribute", "values": "value",
         "endpoints": "endpoint", "formats": "format", "service_requests": "request",
         "errors": "error"}  # fmt: skip


def as_data(element: ET.Element) -> Any:
    """An element as the JSON it stands for, every leaf as text ("" for empty)."""
    if element.tag in LISTS:
        assert all(child.tag == LISTS[element.tag] for child in element)
        return [as_data(child) for child in element]
    if len(element):
        return {child.tag: as_data(child) for child in element}
    return element.text or ""


def textual(data: Any) -> Any:
    """JSON data with every leaf as the XML writes it (booleans lower-case, None empty)."""
    if isinstance(data, dict):
        return {key: textual(value) for key, value in data.items()}
    if isinstance(data, list):
        return [textual(value) for value in data]
    if isinstance(data, bool):
        return "true" if data else "false"
    return "" if data is None else str(data)
