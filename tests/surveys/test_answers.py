"""A resident answers from the poster's link: one answer per household and period whatever the
spelling of the home, floods and forgeries refused with a page that says why, nothing stored."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from backend.clock import SHANGHAI
from backend.surveys.models import SurveyAnswer
from tests.surveys.conftest import all_rated, answer, stored

# 2026-03-31 is the last day of Q1; 1 April opens Q2.
MARCH_31 = datetime(2026, 3, 31, 23, 50, tzinfo=SHANGHAI)
APRIL_1 = datetime(2026, 4, 1, 0, 5, tzinfo=SHANGHAI)
Q1 = "2026-01-01"


def test_an_answer_is_stored_and_thanked(phone, link_of, frozen_clock, dbsession):
    frozen_clock(MARCH_31)
    token = link_of("E001")
    resident = phone()
    page = resident.get(f"/survey/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "长春名苑" in html and "2026-01-01 – 2026-03-31" in html
    assert "wuhao_device" in page.headers["Set-Cookie"]
    assert "HttpOnly" in page.headers["Set-Cookie"]
    assert page.headers["Cache-Control"] == "no-store"
    sent = answer(resident, token, Q1, ("3", "2", "501"), **all_rated(4), comment="保洁很好")
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/survey/{token}/thanks")
    thanks = resident.get(sent.headers["Location"])
    assert "感谢您的评价" in thanks.get_data(as_text=True)
    row = dbsession.scalar(sa.select(SurveyAnswer))
    assert row.household == "3-2-501" and row.ratings == {k: 4 for k in all_rated(4)}
    assert row.network == "203.0.113.0/24" and len(row.device_hash) == 64
    assert row.period_start.isoformat() == Q1 and row.comment == "保洁很好"


def test_one_answer_per_household_however_it_is_written(phone, link_of, frozen_clock, dbsession):
    frozen_clock(MARCH_31)
    token = link_of("E001")
    first = answer(phone(), token, Q1, ("3号楼", "2单元", "501室"), **all_rated(5))
    assert first.status_code == 303
    # Another phone, full-width digits, Chinese numeral and the words around them.
    again = answer(phone("198.51.100.9"), token, Q1, ("３栋", "二", "５０１"), **all_rated(1))
    assert again.status_code == 409
    assert "这一户本期已经评价过了" in again.get_data(as_text=True)
    assert stored(dbsession) == 1
    # The same home in another estate is another household.
    other = answer(phone(), link_of("E002"), Q1, ("3", "2", "501"), **all_rated(3))
    assert other.status_code == 303 and stored(dbsession) == 2


def test_a_form_from_the_closed_period_is_refused(phone, link_of, frozen_clock, dbsession):
    frozen_clock(MARCH_31)
    token = link_of("E001")
    resident = phone()
    resident.get(f"/survey/{token}")
    frozen_clock(APRIL_1)  # the page stayed open over midnight
    late = resident.post(
        f"/survey/{token}", data={"period": Q1, "building": "1", "room": "101", **all_rated(3)}
    )
    assert late.status_code == 409 and "本期评价已结束" in late.get_data(as_text=True)
    assert stored(dbsession) == 0
    # Opened again: the new quarter.
    fresh = answer(resident, token, "2026-04-01", ("1", "", "101"), **all_rated(3))
    assert fresh.status_code == 303
    assert dbsession.scalar(sa.select(SurveyAnswer.period_start)).isoformat() == "2026-04-01"


def test_bad_answers_name_their_fields_and_keep_what_was_typed(phone, link_of, dbsession):
    token = link_of("E001")
    resident = phone()
    resident.get(f"/survey/{token}")
    period = _period(resident, token)
    sent = resident.post(
        f"/survey/{token}",
        data={
            "period": period,
            "building": "3<script>",
            "room": "",
            "comment": "ctl\x01chars",
            **all_rated(4, overall=9),
        },
    )
    html = sent.get_data(as_text=True)
    assert sent.status_code == 422 and "请检查标红的项目" in html
    assert "请选择一项" in html  # overall 9
    assert "请填写" in html  # room
    assert "请只填写数字或字母" in html  # building
    assert "含不允许的字符" in html  # comment
    assert "<script>" not in html and "3&lt;script&gt;" in html  # kept, escaped
    assert stored(dbsession) == 0


def test_a_post_without_the_page_is_refused(phone, link_of, dbsession):
    """A form posted from another site (or a script) has no device cookie."""
    token = link_of("E001")
    resident = phone()
    period = _period(phone(), token)
    sent = resident.post(
        f"/survey/{token}", data={"period": period, "building": "1", "room": "1", **all_rated(5)}
    )
    assert sent.status_code == 400 and "请扫描海报上的二维码" in sent.get_data(as_text=True)
    assert stored(dbsession) == 0


def test_floods_from_one_phone_or_one_network_are_held_back(
    app, phone, link_of, dbsession, monkeypatch
):
    token = link_of("E001")
    resident = phone()
    period = _period(resident, token)
    for room in ("101", "102", "103"):  # SURVEY_MAX_PER_DEVICE = 3
        assert answer(resident, token, period, ("1", "", room), **all_rated(5)).status_code == 303
    fourth = answer(resident, token, period, ("1", "", "104"), **all_rated(5))
    assert fourth.status_code == 429 and "这部手机本期已提交多次评价" in fourth.get_data(
        as_text=True
    )
    assert stored(dbsession) == 3
    # Many phones behind one address: the network's hourly limit.
    monkeypatch.setitem(app.config, "SURVEY_MAX_PER_NETWORK_HOUR", 4)
    assert answer(phone(), token, period, ("2", "", "201"), **all_rated(4)).status_code == 303
    flooded = answer(phone("203.0.113.200"), token, period, ("2", "", "202"), **all_rated(4))
    assert flooded.status_code == 429 and "此网络提交过于频繁" in flooded.get_data(as_text=True)
    elsewhere = answer(phone("198.51.100.1"), token, period, ("2", "", "203"), **all_rated(4))
    assert elsewhere.status_code == 303
    assert stored(dbsession) == 5


def test_forged_and_replaced_links_take_nothing(client, login, phone, link_of, dbsession):
    token = link_of("E001")
    resident = phone()
    period = _period(resident, token)
    forged = phone().get("/survey/AAAAAAAAAAAAAAAAAAAAAA")
    assert forged.status_code == 404 and "二维码已失效" in forged.get_data(as_text=True)
    current = client.get(f"/api/surveys/links/{_estate_id(dbsession)}", headers=login("admin"))
    assert current.json["url"].endswith(f"/survey/{token}")
    replaced = client.post(f"/api/surveys/links/{_estate_id(dbsession)}", headers=login("admin"))
    assert replaced.status_code == 201 and not replaced.json["url"].endswith(token)
    stale = resident.post(
        f"/survey/{token}", data={"period": period, "building": "1", "room": "1", **all_rated(5)}
    )
    assert stale.status_code == 404 and stored(dbsession) == 0
    new_token = replaced.json["url"].rsplit("/", 1)[1]
    assert answer(resident, new_token, period, ("1", "", "1"), **all_rated(5)).status_code == 303


def test_english_page(phone, link_of):
    page = phone().get(f"/survey/{link_of('E001')}?lang=en")
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html and "evaluation of the estate" in html and "Very good" in html


def _estate_id(dbsession) -> int:
    from backend.places.models import Estate

    return dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E001"))


def _period(resident, token: str) -> str:
    html = resident.get(f"/survey/{token}").get_data(as_text=True)
    return html.split('name="period" value="', 1)[1].split('"', 1)[0]
