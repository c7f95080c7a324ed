"""`flask reports refresh` materialises firm scorecards of the standard periods; the API then
answers them from the table (same figures, X-Computed-At), other scopes and periods live."""

from datetime import timedelta

import sqlalchemy as sa

from backend.clock import today
from backend.maps.cells import MapCell


def _year() -> str:
    return f"from={(today() - timedelta(days=364)).isoformat()}&to={today().isoformat()}"


def test_refresh_materialises_and_the_api_reads_it(app, inspect, client, login, dbsession):
    inspect("E001", failures=("ENV-02", "FAC-05"))
    inspect("E006", failures=("ENV-02",))
    live = {}
    for user in ("admin", "supervisor1", "inspector1"):
        response = client.get(f"/api/reports/scorecards/firms?{_year()}", headers=login(user))
        assert response.status_code == 200 and "X-Computed-At" not in response.headers
        live[user] = response.json
    dbsession.execute(sa.delete(MapCell))  # refresh rebuilds these too
    result = app.test_cli_runner().invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert "map_cells" in result.output and "scorecard_cache" in result.output
    assert dbsession.scalar(sa.select(sa.func.sum(MapCell.n)).where(MapCell.level == 14)) == 3
    for user in ("admin", "supervisor1"):
        response = client.get(f"/api/reports/scorecards/firms?{_year()}", headers=login(user))
        assert response.headers.get("X-Computed-At"), user
        assert response.json == live[user]
    grids = client.get(f"/api/reports/scorecards/firms?{_year()}", headers=login("inspector1"))
    assert "X-Computed-At" not in grids.headers and grids.json == live["inspector1"]
    other = client.get("/api/reports/scorecards/firms?from=2026-01-01&to=2026-01-31",
                       headers=login("admin"))  # fmt: skip
    assert "X-Computed-At" not in other.headers
