"""Open311 input: the form-encoded POST and the GET filters, checked into plain values.

Every problem is collected and answered at once as the standard's error list; these endpoints
take `attribute[code]` keys and comma lists, which a marshmallow schema would not read the way
the standard writes them. The shapes are those of contract.py, which the OpenAPI document states.

400 is malformed input; 404 names something that does not exist (a service, an attribute or its
value, a place with no estate; see services.py and location.py).

The text policy (backend/text.py), leniently as hotlines need it: the free text a resident
dictated (description, address, name, phone, device and account ids) has forbidden characters
removed; other fields (codes, e-mail, media_url, attributes) are refused (400) for them, as are
the filters of GET.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from backend.clock import SHANGHAI
from backend.open311 import contract
from backend.open311.contract import matches
from backend.open311.formats import Open311Error
from backend.text import clean, problem
from backend.tickets.codes import TicketRef, parse_ticket_ref

MAX_DESCRIPTION = 4000
# The reporter's details (stored, never published).
CONTACT_LIMITS = {
    "email": 254,
    "first_name": 100,
    "last_name": 100,
    "phone": 40,
    "device_id": 100,
    "account_id": 100,
}
TEXT_LIMITS = {"address_string": 500, "media_url": 2000, **CONTACT_LIMITS}
# Free text of the resident: cleaned under the text policy rather than refused.
LENIENT = ("description", "address_string", "first_name", "last_name", "phone", "device_id",
           "account_id")  # fmt: skip
# Standard fields read and ignored (one jurisdiction; estates are found by place).
IGNORED = ("jurisdiction_id", "address_id")
FIELDS = {"api_key", "service_code", "lat", "long", "description", "locale", *TEXT_LIMITS, *IGNORED}
MAX_SPAN = timedelta(days=90)  # the standard: a start/end range may not span more than 90 days
LOCALE_PATTERN = contract.LOCALE


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
    value = values.get(name) or ""
    if name in LENIENT:
        value = clean(value).strip()
    return value or None


def _policy_problems(values: Any) -> list[str]:
    """The text policy's refusals for every field that is not the resident's free text."""
    return [
        f"{name}: {refusal}"
        for name in dict.fromkeys(values.keys())
        if name not in LENIENT and name != "api_key"
        for value in values.getlist(name)
        if (refusal := problem(name) or problem(value)) is not None
    ]


def _coordinate(values: Mapping[str, str], name: str, limit: float, problems: list[str]):
    if name not in values:
        return None
    raw = values[name]
    if not matches(contract.NUMBER, raw):
        problems.append(f"{name}: not a number")
        return None
    number = float(raw)
    if not math.isfinite(number) or not -limit <= number <= limit:
        problems.append(f"{name}: must be between -{limit:g} and {limit:g} (WGS84 degrees)")
        return None
    return number


def _attributes(values: Any, problems: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in dict.fromkeys(values.keys()):
        if key in FIELDS:
            continue
        match = re.fullmatch(contract.ATTRIBUTE_KEY, key)
        if match is None:
            problems.append(f"{key}: unknown field (write attribute[code]=value for attributes)")
            continue
        code = match.group(1)
        raw = [value.strip() for value in values.getlist(key) if value.strip()]
        if len(raw) > 1 or code in found:
            # Every attribute here is a singlevaluelist: one value, whichever way it is written.
            problems.append(f"attribute[{code}]: takes one value (got {len(raw)} or a repeat)")
            continue
        found[code] = raw[0] if raw else ""
    return found


def parse_new_request(values: Any) -> NewRequest:
    """Check a POST requests body (a MultiDict); 400 with every problem found."""
    problems: list[str] = _policy_problems(values)
    if problems:
        raise Open311Error(400, *problems)
    service_code = values.get("service_code") or None
    if service_code is None:
        problems.append("service_code: required")
    lat = _coordinate(values, "lat", 90, problems)
    long = _coordinate(values, "long", 180, problems)
    given = [name for name in ("lat", "long") if name in values]
    if len(given) == 1:
        problems.append("lat and long: give both, or neither")
    address = _clean(values, "address_string")
    if not given and address is None:
        problems.append("location: required (lat and long in WGS84, or address_string)")
    limits = {"description": MAX_DESCRIPTION, **TEXT_LIMITS}
    for name, limit in limits.items():
        if len(values.get(name) or "") > limit:
            problems.append(f"{name}: at most {limit} characters")
    media_url = values.get("media_url") or None
    if media_url is not None and not matches(contract.URL, media_url):
        problems.append("media_url: must be an http(s) URL")
    email = values.get("email") or None
    if email is not None and not matches(contract.EMAIL, email):
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
        description=_clean(values, "description") or "",
        media_url=media_url,
        attributes=attributes,
        contact=contact,
    )


def parse_locale(values: Mapping[str, str]) -> str | None:
    """`locale` as zh or en; None when not given; 400 when it is neither."""
    if "locale" not in values:
        return None
    raw = values["locale"]
    if not matches(contract.LOCALE, raw):
        raise Open311Error(400, f"locale: {raw!r} (use zh or en, e.g. zh-CN, en-US)")
    return raw[:2].lower()


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
    """A W3C datetime of 2000–2099 (ISO 8601); without an offset it is Asia/Shanghai time."""
    if not matches(contract.DATETIME, raw):
        raise Open311Error(
            400, f"{name}: not a W3C datetime of 2000–2099 (e.g. 2026-11-05T08:15:30+08:00)"
        )
    moment = datetime.fromisoformat(raw)
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def request_id(raw: str) -> TicketRef:
    """A service_request_id: the ticket code (ZG20261128-000123) or its bare number."""
    ref = parse_ticket_ref(raw) if matches(contract.REQUEST_ID, raw) else None
    if ref is None:
        raise Open311Error(400, f"service_request_id: {raw!r} is not a request id")
    return ref


def _checked(values: Mapping[str, str], name: str, pattern: str, hint: str) -> None:
    if name in values and not matches(pattern, values[name]):
        raise Open311Error(400, f"{name}: {values[name]!r} ({hint})")


def parse_query(values: Mapping[str, str]) -> RequestQuery:
    """Check the GET requests filters; 400 when one is malformed. A range that ends before it
    starts holds nothing; one longer than 90 days is cut to the 90 days before its end (the
    standard's limit, applied leniently)."""
    refused = _policy_problems(values)
    if refused:
        raise Open311Error(400, *refused)
    _checked(values, "status", contract.STATUSES, "open, closed or both, comma-separated")
    _checked(values, "service_request_id", contract.REQUEST_IDS, "a comma list of request ids")
    start = parse_datetime(values["start_date"], "start_date") if "start_date" in values else None
    end = parse_datetime(values["end_date"], "end_date") if "end_date" in values else None
    if start is not None and end is not None and end - start > MAX_SPAN:
        start = end - MAX_SPAN
    return RequestQuery(
        ids=tuple(request_id(raw) for raw in _list(values, "service_request_id")),
        service_codes=_list(values, "service_code"),
        statuses=_list(values, "status"),
        start=start,
        end=end,
    )
