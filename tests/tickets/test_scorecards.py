"""Scorecards through the API, on tickets walked through real transitions (hand-computed)."""

from datetime import timedelta

import pytest

from backend.clock import today, utcnow
from backend.tickets.models import Ticket


@pytest.fixture
def period():
    start, end = today() - timedelta(days=7), today() + timedelta(days=40)
    return f"from={start.isoformat()}&to={end.isoformat()}"


def test_firm_scorecard_matches_the_hand_computation(
    inspect, tickets_of, act, upload, client, login, dbsession, period
):
    first = inspect("E001", failures=("ENV-02", "ENV-04", "GAR-06"))
    second = inspect("E004", failures=("ORD-01",))
    t = {x["item_code"]: x["id"] for x in tickets_of(first["id"]) + tickets_of(second["id"])}
    # T1 closed on time; T2 closed on time after one rework; T3 extended; T4 open and overdue.
    for step in (("accept", {}), ("rectify", {"photos": "new"}), ("verify", None)):
        _do(act, upload, t["ENV-02"], *step)
    for step in (("accept", {}), ("rectify", {"photos": "new"}), ("reject", {"reason": "不到位"}),
                 ("rectify", {"photos": "new"}), ("verify", None)):  # fmt: skip
        _do(act, upload, t["ENV-04"], *step)
    _do(act, upload, t["GAR-06"], "accept", {})
    assert act(t["GAR-06"], "request_extension", "firm1", reason="缺配件", amount=1,
               unit="working_days").status_code == 200  # fmt: skip
    assert act(t["GAR-06"], "approve_extension", "supervisor1").status_code == 200
    overdue = dbsession.get(Ticket, t["ORD-01"])
    overdue.due_at = utcnow() - timedelta(hours=2)
    dbsession.flush()

    rows = client.get(f"/api/reports/scorecards/firms?{period}", headers=login("supervisor1")).json
    firm1 = client.get("/api/me", headers=login("firm1")).json["organisation_id"]
    row = next(r for r in rows if r["organisation_id"] == firm1)
    # due 4, deferred 1 → base 3; closed 2, both rectified before their deadline.
    assert (row["due"], row["deferred"], row["closed"], row["closed_on_time"]) == (4, 1, 2, 2)
    assert row["closure_rate"] == pytest.approx(2 / 3) and row["on_time_rate"] == pytest.approx(
        2 / 3
    )
    assert (row["verifications"], row["failed_verifications"]) == (3, 1)
    assert row["rework_rate"] == pytest.approx(1 / 3) and row["extension_rate"] == pytest.approx(
        1 / 4
    )
    assert row["overdue_open"] == 1
    assert row["mean_inspection_score"] == pytest.approx(
        (first["total_score"] + second["total_score"]) / 2, abs=0.06
    )
    assert row["grade"] == "D"  # rework 33 % is above C's 30 % ceiling
    # A firm sees its own row; inspectors and firms see nothing of others.
    own = client.get(f"/api/reports/scorecards/firms?{period}", headers=login("firm1")).json
    assert firm1 in {r["organisation_id"] for r in own}
    firm2 = client.get(f"/api/reports/scorecards/firms?{period}", headers=login("firm2")).json
    assert firm1 not in {r["organisation_id"] for r in firm2}


def _do(act, upload, ticket_id, action, body):
    username = {
        "accept": "firm1",
        "rectify": "firm1",
        "verify": "inspector1",
        "reject": "inspector1",
    }[action]
    body = {k: [upload(username)] if v == "new" else v for k, v in (body or {}).items()}
    response = act(ticket_id, action, username, **body)
    assert response.status_code == 200, (action, response.json)


def test_estate_and_area_scorecards_rank_by_latest_scores(inspect, client, login, period):
    good = inspect("E002")
    bad = inspect("E003", failures=("ENV-02", "ENV-04", "GAR-06", "ORD-01"))
    headers = login("street1")
    estates = client.get(f"/api/reports/scorecards/estates?{period}", headers=headers).json
    by_code = {r["code"]: r for r in estates}
    assert (
        by_code["E002"]["total"] == good["total_score"] == 100.0
        and by_code["E002"]["grade"] == "优"
    )
    assert (
        by_code["E003"]["total"] == bad["total_score"]
        and by_code["E003"]["rank"] > by_code["E002"]["rank"]
    )
    assert set(by_code["E003"]["area_scores"]) == {
        "sanitation",
        "order",
        "facilities",
        "garbage",
        "property",
    }
    assert by_code["E001"]["total"] is None  # not inspected
    assert all(r["street_id"] == by_code["E002"]["street_id"] for r in estates)  # street1's scope
    streets = client.get(
        f"/api/reports/scorecards/streets?{period}", headers=login("supervisor1")
    ).json
    assert [r["rank"] for r in streets] == list(range(1, len(streets) + 1))
    ours = next(r for r in streets if r["street_id"] == by_code["E002"]["street_id"])
    assert ours["mean_estate_score"] == pytest.approx(
        (good["total_score"] + bad["total_score"]) / 2, abs=0.06
    )
    districts = client.get(
        f"/api/reports/scorecards/districts?{period}", headers=login("admin")
    ).json
    assert len(districts) == 4
    assert (
        client.get(
            "/api/reports/scorecards/firms?from=2026-05-02&to=2026-05-01", headers=headers
        ).status_code
        == 422
    )
