"""Open311 fixtures: a channel key, a point inside an estate, and posting helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from geoalchemy2.shape import to_shape

from backend.open311.models import ServiceRequest
from backend.places.models import Estate
from backend.tickets.models import Ticket
from tests.open311.spec import as_data, parse_xml
from tests.tickets.conftest import act, inspect, tickets_of, upload  # noqa: F401

BASE = "/open311/v2"
WANJIA = "大连万家物业服务有限公司"  # firm1, which manages E001 in the demo world


@pytest.fixture
def api_key(dbsession) -> str:
    from backend.open311.keys import create_key

    _row, key = create_key("12345热线")
    return key


@pytest.fixture
def inside(dbsession) -> Callable[[str], dict[str, str]]:
    """inside('E001') → lat/long form fields of a point inside that estate's boundary."""

    def _inside(code: str = "E001") -> dict[str, str]:
        estate = dbsession.scalar(sa.select(Estate).where(Estate.code == code))
        point = to_shape(estate.boundary).representative_point()
        return {"lat": f"{point.y:.7f}", "long": f"{point.x:.7f}"}

    return _inside


@pytest.fixture
def post(client, api_key, inside) -> Callable[..., Any]:
    """post(service_code=…, **fields): a form-encoded POST requests (inside E001 by default)."""

    def _post(fmt: str = "json", key: str | None = "default", **fields: Any):
        data = {"service_code": "garbage.overflow", **inside(), **fields}
        if key is not None:
            data["api_key"] = api_key if key == "default" else key
        data = {name: value for name, value in data.items() if value is not None}
        return client.post(f"{BASE}/requests.{fmt}", data=data)

    return _post


@pytest.fixture
def written(dbsession) -> Callable[[], tuple[int, int]]:
    """(tickets, open311 requests) row counts, to show that a refused post wrote nothing."""

    def _count() -> tuple[int, int]:
        return (
            dbsession.scalar(sa.select(sa.func.count()).select_from(Ticket)),
            dbsession.scalar(sa.select(sa.func.count()).select_from(ServiceRequest)),
        )

    return _count


def xml_of(response) -> Any:
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    return as_data(parse_xml(response.data))
