"""Owner evaluation totals, by hand.

E001, 2026 Q2, ten answers. Overall: 5 5 4 4 4 3 3 2 5 4 → mean 3.9, seven of ten rate 4 or 5
(satisfaction 0.7). Sanitation, order, facilities and garbage all 4 → means 4.0; property all 1
→ mean 1.0. Score = 4 × 15 × (4 − 1)/4 + 15 × (1 − 1)/4 + 25 × (3.9 − 1)/4
                  = 45 + 0 + 18.125 = 63.125 → 63.1.
E002: nine answers, below the minimum of ten: only the count. E010 (outside firm1's and the
supervisors' scope): twelve answers. An answer of Q1 on E001 is another period's.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from backend.clock import SHANGHAI
from backend.places.models import Estate
from backend.surveys import services
from backend.surveys.models import SurveyAnswer

Q2 = date(2026, 4, 1)
OVERALL = (5, 5, 4, 4, 4, 3, 3, 2, 5, 4)


def _add(dbsession, code: str, period: date, ratings: list[dict[str, int]]) -> None:
    version = services.require_active()
    estate_id = dbsession.scalar(sa.select(Estate.id).where(Estate.code == code))
    for n, rated in enumerate(ratings):
        dbsession.add(
            SurveyAnswer(
                survey_id=version.survey_id, version_id=version.id, estate_id=estate_id,
                period_start=period, household=f"1-1-{n}", device_hash=f"{n:064d}",
                network="10.0.0.0/24", ratings=rated, comment=f"私密意见{n}",
            )
        )  # fmt: skip
    dbsession.flush()


def _rated(overall: int, property_: int = 1, others: int = 4) -> dict[str, int]:
    return {
        "sanitation": others, "order": others, "facilities": others, "garbage": others,
        "property": property_, "overall": overall,
    }  # fmt: skip


@pytest.fixture
def answered(dbsession, frozen_clock):
    frozen_clock(datetime(2026, 5, 20, 10, tzinfo=SHANGHAI))
    _add(dbsession, "E001", Q2, [_rated(o) for o in OVERALL])
    _add(dbsession, "E001", date(2026, 1, 1), [_rated(1, 1, 1)])
    _add(dbsession, "E002", Q2, [_rated(5, 5, 5)] * 9)
    _add(dbsession, "E010", Q2, [_rated(3, 3, 3)] * 12)


def _by_code(response) -> dict[str, dict]:
    assert response.status_code == 200, response.json
    return {row["estate_code"]: row for row in response.json["estates"]}


def test_totals_by_hand(client, login, answered):
    got = client.get("/api/surveys/results", headers=login("admin"))
    assert got.json["period_start"] == "2026-04-01" and got.json["period_end"] == "2026-06-30"
    assert got.json["min_answers"] == 10
    rows = _by_code(got)
    assert rows["E001"] == {
        "estate_id": rows["E001"]["estate_id"], "estate_code": "E001", "estate_name": "长春名苑",
        "answers": 10, "published": True, "score": 63.1, "satisfaction": 0.7,
        "means": {"sanitation": 4.0, "order": 4.0, "facilities": 4.0, "garbage": 4.0,
                  "property": 1.0, "overall": 3.9},
    }  # fmt: skip
    assert rows["E002"]["answers"] == 9 and not rows["E002"]["published"]
    assert (rows["E002"]["score"], rows["E002"]["satisfaction"], rows["E002"]["means"]) == (
        None,
        None,
        None,
    )
    assert rows["E010"]["score"] == 50.0  # everything 3: half of every weight
    earlier = _by_code(client.get("/api/surveys/results?period=2026-02-10", headers=login("admin")))
    assert earlier["E001"]["answers"] == 1 and not earlier["E001"]["published"]


def test_each_caller_sees_its_estates_and_never_an_answer(client, login, answered):
    firm = _by_code(client.get("/api/surveys/results", headers=login("firm1")))
    assert firm["E001"]["answers"] == 10 and "E010" not in firm
    assert all(row["answers"] == 0 for code, row in firm.items() if code != "E001")
    supervisor = _by_code(client.get("/api/surveys/results", headers=login("supervisor1")))
    assert "E010" not in supervisor and {"E001", "E002"} <= set(supervisor)
    for user in ("firm1", "supervisor1", "admin", "inspector1"):
        text = json.dumps(client.get("/api/surveys/results", headers=login(user)).json)
        for private in ("1-1-", "10.0.0.0", "私密意见", "0" * 64, "household", "device"):
            assert private not in text, (user, private)
    one = client.get("/api/surveys/results?estate_id=99999", headers=login("admin"))
    assert one.status_code == 200 and one.json["estates"] == []


def test_bad_arguments(client, login):
    headers = login("admin")
    for query in ("period=2026-13-01", "estate_id=0", "estate_id=x", "period=" + "9" * 30):
        got = client.get(f"/api/surveys/results?{query}", headers=headers)
        assert got.status_code == 422 and got.json["code"] == "validation_error", query


def test_links_follow_the_scope(client, login, dbsession):
    e001 = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E001"))
    e010 = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E010"))
    mine = client.get(f"/api/surveys/links/{e001}", headers=login("firm1"))
    assert mine.status_code == 200 and "/survey/" in mine.json["url"]
    assert mine.json["poster_url"] == mine.json["url"] + "/poster"
    again = client.get(f"/api/surveys/links/{e001}", headers=login("supervisor1"))
    assert again.json["url"] == mine.json["url"]  # one current link per estate
    assert client.get(f"/api/surveys/links/{e010}", headers=login("firm1")).status_code == 404
    assert client.post(f"/api/surveys/links/{e001}", headers=login("firm1")).status_code == 403


def test_the_poster_holds_the_link_as_a_qr_code(client, login, dbsession):
    e001 = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E001"))
    link = client.get(f"/api/surveys/links/{e001}", headers=login("admin")).json
    poster = client.get(link["poster_url"].split("localhost", 1)[1])
    html = poster.get_data(as_text=True)
    assert poster.status_code == 200 and "长春名苑" in html and "<svg" in html
    assert link["url"] in html and "不公开任何一户的答案" in html
