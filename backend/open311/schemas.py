"""Open311 input: the form-encoded POST and the GET filters, checked into plain values.

Every problem is collected and answered at once as the standard's error list (HTTP 400); these
endpoints take `attribute[code]` keys and comma lists, which a marshmallow schema would not read
the way the standard writes them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from backend.clock import SHANGHAI
from backend.open311.formats import Open311Error
from backend.tickets.codes import TicketRef, parse_ticket_ref

MAX_DESCRIPTION = 4000
ATTRIBUTE_KEY = re.compile(r"^attribute\[([A-Za-z0-9_.\-]{1,64})\](\[\])?$")
# The reporter's details, checked for length only (they are stored, never published).
CONTACT_LIMITS = {
    "email": 254,
    "first_name": 100,
    "last_name": 100,
    "phone": 40,
    "device_id": 100,
    "account_id": 100,
}
TEXT_LIMITS = {"address_string": 500, "media_url": 2000, **CONTACT_LIMITS}
STATUSES = ("open", "closed")
MAX_SPAN = timedelta(days=90)  # the standard: a start/end range may not span more than 90 days


@dataclass(frozen=True)
class NewRequest:
    service_code: str
    lat: float | None
    long: float | None
    address_string: str | None
    description: str
    media_url: str | None
    attributes: dict[str, Any]
    contact: dict[str, str] = field(default_factory=dict)

    def canonical(self) -> dict[str, Any]:
        """Everything that makes two posts "identical" (the api_key aside)."""
        return {
            "service_code": self.service_code,
            "lat": self.lat,
            "long": self.long,
            "address_string": self.address_string,
            "description": self.description,
            "media_url": self.media_url,
            "attributes": self.attributes,
            "contact": self.contact,
        }


def _clean(values: Mapping[str, str], name: str) -> str | None:
    value = (values.get(name) or "").strip()
    return value or None


def _coordinate(values: Mapping[str, str], name: str, limit: float, problems: list[str]):
    raw = _clean(values, name)
    if raw is None:
        return None
    try:
        number = float(raw)
    except ValueError:
        problems.append(f"{name}: not a number")
        return None
    if not math.isfinite(number) or not -limit <= number <= limit:
        problems.append(f"{name}: must be between -{limit:g} and {limit:g} (WGS84 degrees)")
        return None
    return number


def _attributes(values: Any, problems: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in values:
        if not key.startswith("attribute"):
            continue
        match = ATTRIBUTE_KEY.match(key)
        if match is None:
            problems.append(f"{key}: malformed attribute (write attribute[code]=value)")
            continue
        code, many = match.groups()
        raw = [value.strip() for value in values.getlist(key) if value.strip()]
        found[code] = raw if many else (raw[0] if raw else "")
    return found


def parse_new_request(values: Any) -> NewRequest:
    """Check a POST requests body (a MultiDict); 400 with every problem found."""
    problems: list[str] = []
    service_code = _clean(values, "service_code")
    if service_code is None:
        problems.append("service_code: required")
    lat = _coordinate(values, "lat", 90, problems)
    long = _coordinate(values, "long", 180, problems)
    given = [name for name in ("lat", "long") if _clean(values, name) is not None]
    if len(given) == 1:
        problems.append("lat and long: give both, or neither")
    address = _clean(values, "address_string")
    if not given and address is None:
        problems.append("location: required (lat and long in WGS84, or address_string)")
    description = (values.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        problems.append(f"description: at most {MAX_DESCRIPTION} characters")
    for name, limit in TEXT_LIMITS.items():
        value = _clean(values, name)
        if value is not None and len(value) > limit:
            problems.append(f"{name}: at most {limit} characters")
    media_url = _clean(values, "media_url")
    if media_url is not None and not re.match(r"^https?://[^\s/]+", media_url):
        problems.append("media_url: must be an http(s) URL")
    email = _clean(values, "email")
    if email is not None and not re.match(r"^[^@\s]+@[^@\s]+$", email):
        problems.append("email: not an email address")
    attributes = _attributes(values, problems)
    if problems:
        raise Open311Error(400, *problems)
    contact = {name: v for name in CONTACT_LIMITS if (v := _clean(values, name)) is not None}
    return NewRequest(
        service_code=service_code or "",
        lat=lat,
        long=long,
        address_string=address,
        description=description,
        media_url=media_url,
        attributes=attributes,
        contact=contact,
    )


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[TicketRef, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None


def _list(values: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = values.get(name) or ""
    return tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


def parse_datetime(raw: str, name: str) -> datetime:
    """A W3C datetime (ISO 8601); without an offset it is taken as Asia/Shanghai time."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Open311Error(
            400, f"{name}: not a W3C datetime (e.g. 2026-11-05T08:15:30+08:00)"
        ) from None
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def request_id(raw: str) -> TicketRef:
    """A service_request_id: the ticket code (ZG20261128-000123) or its bare number."""
    ref = parse_ticket_ref(raw)
    if ref is None:
        raise Open311Error(400, f"service_request_id: {raw!r} is not a request id")
    return ref


def parse_query(values: Mapping[str, str]) -> RequestQuery:
    """Check the GET requests filters; 400 when one is malformed."""
    statuses = _list(values, "status")
    wrong = [status for status in statuses if status not in STATUSES]
    if wrong:
        raise Open311Error(400, f"status: {', '.join(wrong)} (use open or closed)")
    start = parse_datetime(values["start_date"], "start_date") if values.get("start_date") else None
    end = parse_datetime(values["end_date"], "end_date") if values.get("end_date") else None
    if start is not None and end is not None:
        if end < start:
            raise Open311Error(400, "end_date: before start_date")
        if end - start > MAX_SPAN:
            raise Open311Error(400, "start_date to end_date: may not span more than 90 days")
    return RequestQuery(
        ids=tuple(request_id(raw) for raw in _list(values, "service_request_id")),
        service_codes=_list(values, "service_code"),
        statuses=statuses,
        start=start,
        end=end,
    )
