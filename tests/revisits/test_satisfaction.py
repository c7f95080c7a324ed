"""满意率 in the firm scorecard: the formulas on a hand-computed fixture, the minimum number of
answers, the stored scorecards (never served without the figures), and exports for firms that
hold aggregates only."""

from __future__ import annotations

import pytest

from backend.clock import today
from backend.database import db
from backend.open311.models import ServiceRequest
from backend.places.scope import Scope
from backend.reports import periods
from backend.revisits.formulas import satisfaction, satisfied
from backend.revisits.models import RevisitLink
from backend.scorecards import cache
from backend.scorecards.cache import ScorecardCache
from tests.revisits.conftest import reply

WANJIA = "大连万家物业服务有限公司"
# Six answers about 万家's closures (solved?, rating, comment):
FIXTURE = [
    ("yes", "5", "很好"),  # satisfied
    ("yes", "4", ""),  # satisfied
    ("yes", "3", "一般般"),  # solved but rated 3: not satisfied
    ("no", "5", "没解决但态度好"),  # not solved: never satisfied (and it reopens that ticket)
    ("yes", "4", ""),  # satisfied
    ("yes", "1", "很慢"),  # not satisfied
]
# 满意率 = 3 / 6 = 50.0 %; mean rating = (5 + 4 + 3 + 5 + 4 + 1) / 6 = 22 / 6 = 3.67


def test_the_formulas_by_hand():
    assert [satisfied(r == "yes", int(n)) for r, n, _ in FIXTURE] == [
        True, True, False, False, True, False
    ]  # fmt: skip
    assert satisfaction(6, 3, 22, 5) == {
        "revisit_answers": 6, "satisfaction_rate": 0.5, "mean_rating": 22 / 6
    }  # fmt: skip
    assert satisfaction(4, 4, 20, 5) == {
        "revisit_answers": 4, "satisfaction_rate": None, "mean_rating": None
    }  # fmt: skip
    assert satisfaction(0, 0, 0, 0)["satisfaction_rate"] is None


@pytest.fixture
def answered(client, complaint, post, close, inside, dbsession):
    """The fixture's six answers for 万家 (E001), and one for 海湾 (E002, below the minimum)."""
    for number, (resolved, rating, comment) in enumerate(FIXTURE):
        c = complaint(description=f"垃圾外溢 第{number}次")
        assert reply(client, c["short"], resolved, rating, comment).status_code == 200
    other = post(description="楼道堆物", **inside("E002"))
    token = other.json[0]["token"]
    return dbsession.query(ServiceRequest.ticket_id).filter_by(token=token).scalar()


def _row(rows, name):
    return next(r for r in rows if r["name"] == name)


def test_firm_scorecard_counts_satisfaction(client, login, answered):
    day = today().isoformat()
    rows = client.get(
        f"/api/reports/scorecards/firms?from={day}&to={day}", headers=login("supervisor1")
    ).json
    wanjia = _row(rows, WANJIA)
    assert wanjia["revisit_answers"] == 6
    assert wanjia["satisfaction_rate"] == 0.5
    assert wanjia["mean_rating"] == pytest.approx(22 / 6)
    # The firm sees the same aggregate of its own, and nothing of single answers.
    own = client.get(f"/api/reports/scorecards/firms?from={day}&to={day}", headers=login("firm1"))
    assert _row(own.json, WANJIA)["satisfaction_rate"] == 0.5
    assert "很慢" not in own.get_data(as_text=True)
    # Yesterday holds none of them.
    before = client.get(
        "/api/reports/scorecards/firms?from=2026-01-01&to=2026-01-31", headers=login("admin")
    ).json
    assert all(r["revisit_answers"] == 0 for r in before)


def test_below_the_minimum_no_rate_is_given(client, login, answered, act, upload, app):
    ticket_id = answered
    # 海湾 (firm2) closes its complaint, and one resident answers: too few to publish a rate.
    assert act(ticket_id, "accept", "firm2").status_code == 200
    assert act(ticket_id, "rectify", "firm2", photos=[upload("firm2")]).status_code == 200
    assert act(ticket_id, "verify", "street1").status_code == 200

    token = db.session.get(RevisitLink, ticket_id).token
    assert reply(client, token, "yes", "5").status_code == 200
    day = today().isoformat()
    rows = client.get(
        f"/api/reports/scorecards/firms?from={day}&to={day}", headers=login("admin")
    ).json
    haiwan = _row(rows, "大连海湾物业管理有限公司")
    assert haiwan["revisit_answers"] == 1
    assert haiwan["satisfaction_rate"] is None and haiwan["mean_rating"] is None
    assert app.config["REVISIT_MIN_ANSWERS"] == 5


def test_stored_scorecards_carry_the_figures_or_are_not_served(client, login, answered, dbsession):
    day = today()
    period = periods.days(day.replace(day=1), day)  # what ?from=…&to=… asks (month to date)
    cache.refresh([period], [Scope.all()])
    url = f"/api/reports/scorecards/firms?from={period.first_day}&to={day}"
    stored = client.get(url, headers=login("admin"))
    assert "X-Computed-At" in stored.headers
    assert _row(stored.json, WANJIA)["satisfaction_rate"] == 0.5
    # A row stored before the figures existed is never served: the live figures are.
    row = dbsession.query(ScorecardCache).one()
    row.rows = [
        {k: v for k, v in r.items() if k not in ("satisfaction_rate", "mean_rating")}
        for r in row.rows
    ]
    dbsession.flush()
    live = client.get(url, headers=login("admin"))
    assert "X-Computed-At" not in live.headers
    assert _row(live.json, WANJIA)["satisfaction_rate"] == 0.5


def test_exports_hold_aggregates_only(client, login, answered):
    day = today().isoformat()
    for username in ("firm1", "supervisor1"):
        exported = client.get(
            f"/api/exports/scorecards/firms?format=csv&from={day}&to={day}",
            headers=login(username),
        )
        assert exported.status_code == 200
        text = exported.get_data(as_text=True)
        assert "满意率" in text and "回访平均评分" in text
        for _resolved, _rating, comment in FIXTURE:
            assert not comment or comment not in text
    tickets = client.get(
        f"/api/exports/tickets?format=csv&from={day}&to={day}", headers=login("firm1")
    ).get_data(as_text=True)
    assert "很慢" not in tickets and "一般般" not in tickets
