"""Reports tests build tickets the way users do: the ticket tests' fixtures.

`@pytest.mark.postgis_only` tests (vector tiles, which SpatiaLite cannot encode) run on the PostGIS
leg only: their SpatiaLite items are deselected, not skipped (SpatiaLite's 501 has its own test).
"""

import math

import pytest
from geoalchemy2.shape import to_shape

from backend.tickets.models import Ticket
from tests.tickets.conftest import act, inspect, tickets_of, upload  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgis_only: run on the PostGIS database leg only")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        leg = callspec.params.get("database_url") if callspec else None
        wrong_leg = leg is not None and leg != "postgis"
        (drop if item.get_closest_marker("postgis_only") and wrong_leg else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def tile_of(lng: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lng + 180) / 360 * n), int(y)


@pytest.fixture
def world(inspect, tickets_of):  # noqa: F811 - the ticket fixtures imported above
    found = {}
    for code, items in (("E001", ("ENV-02", "FAC-05")), ("E006", ("ENV-02",))):
        found[code] = {t["item_code"]: t for t in tickets_of(inspect(code, failures=items)["id"])}
    return found


@pytest.fixture
def where(dbsession):
    def _where(ticket_id: int, z: int) -> tuple[int, int, int]:
        point = to_shape(dbsession.get(Ticket, ticket_id).position)
        return tile_of(point.x, point.y, z)

    return _where
