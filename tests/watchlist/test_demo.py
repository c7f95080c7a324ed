"""On first start the demo shows a 集中整治 list with outcomes to every supervisor and admin."""

from backend.demo.history import seed_history


def test_demo_watch_list_is_there_with_outcomes(app, dbsession, client, login):
    seed_history()
    admin = client.get("/api/watchlist", headers=login("admin")).json["estates"]
    assert len(admin) >= 5 and all(e["reasons"] for e in admin)
    for who in ("street1", "supervisor1"):
        mine = client.get("/api/watchlist", headers=login(who)).json["estates"]
        assert mine, who
        classified = [e for e in mine if e["classification"]]
        assert classified and len(classified[0]["notes"]) == 3, who
    streets = client.get("/api/rankings?level=street", headers=login("admin")).json["rows"]
    assert any(r["rank"] == 1 for r in streets)
