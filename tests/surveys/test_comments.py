"""Supervisors read an estate's comments for a period: text only, in text order, and only once
the estate has the survey's minimum number of answers. Firms and inspectors never."""

from __future__ import annotations

import sqlalchemy as sa

from backend.places.models import Estate
from tests.surveys.conftest import all_rated, answer


def _period(resident, token: str) -> str:
    html = resident.get(f"/survey/{token}").get_data(as_text=True)
    return html.split('name="period" value="', 1)[1].split('"', 1)[0]


def test_comments_from_the_minimum_on_text_only(client, login, phone, link_of, dbsession):
    token = link_of("E001")
    estate = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E001"))
    period = _period(phone(), token)
    hostile = '<img src=x onerror="alert(1)">电梯常坏'
    for room in range(1, 10):  # min_answers is 10
        comment = {1: "保洁很好", 2: hostile}.get(room, "")
        address = f"198.51.100.{room}"
        sent = answer(
            phone(address), token, period, ("1", "", f"10{room}"), **all_rated(4), comment=comment
        )
        assert sent.status_code == 303
    url = f"/api/surveys/comments/{estate}?period={period}"
    few = client.get(url, headers=login("street1"))
    assert few.status_code == 200
    assert few.json["answers"] == 9 and not few.json["published"] and few.json["comments"] == []
    answer(
        phone("198.51.100.77"), token, period, ("2", "", "201"), **all_rated(5), comment="门岗 ok"
    )
    shown = client.get(url, headers=login("street1")).json
    assert shown["published"] and shown["answers"] == 10
    assert shown["comments"] == sorted(["保洁很好", hostile, "门岗 ok"])
    assert set(shown) == {
        "estate_id", "period_start", "period_end", "min_answers", "answers", "published", "comments"
    }  # fmt: skip
    for who in ("firm1", "inspector1"):
        assert client.get(url, headers=login(who)).status_code == 403
    outside = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E010"))
    assert (
        client.get(f"/api/surveys/comments/{outside}", headers=login("street1")).status_code == 404
    )
