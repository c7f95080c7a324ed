from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from shapely.geometry import MultiPolygon, box

from backend.places import services
from backend.places.models import Estate, Organisation, OrgKind, Street


@pytest.fixture
def street(dbsession) -> Street:
    return dbsession.scalar(sa.select(Street).where(Street.code == "210202001"))


@pytest.fixture
def make_estate(dbsession, street) -> Callable[..., Estate]:
    """A new estate in 青泥洼桥街道 (a small square north-east of the demo estates)."""
    counter = iter(range(1000))

    def _make(code: str | None = None, **fields: Any) -> Estate:
        n = next(counter)
        west, south = 121.6300 + n * 0.003, 38.9200
        return services.create_estate(
            code=code or f"T{n:03}",
            name=fields.pop("name", f"测试小区{n}"),
            street=street,
            boundary=MultiPolygon([box(west, south, west + 0.002, south + 0.0015)]),
            **fields,
        )

    return _make


@pytest.fixture
def make_org(dbsession) -> Callable[..., Organisation]:
    def _make(name: str, kind: OrgKind, **fields: Any) -> Organisation:
        org = Organisation(name=name, kind=kind, **fields)
        dbsession.add(org)
        dbsession.flush()
        return org

    return _make


D = date
