"""Reports tests build tickets the way users do: the ticket tests' fixtures.

`@pytest.mark.postgis_only` tests (vector tiles, which SpatiaLite cannot encode) run on the PostGIS
leg only: their SpatiaLite items are deselected, not skipped (SpatiaLite's 501 has its own test).
"""

import pytest

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
