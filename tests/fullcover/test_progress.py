"""物业管理全覆盖 on the demo world, figures worked out by hand from its contracts and custody
(backend/demo/dalian.py; baseline 2018-12-31, old = built before 2000, read on 2025-06-30).

Old estates and their history (formerly unmanaged = unmanaged on 2018-12-31):
  中山区   E001 1998 market from 2020-01-01 ............ formerly, covered
           E003 1992 market since 2018 · E005 1995 market, state takeover 2022-04-01
           E007 1988 self-managed from 2019-01-01 ...... formerly, covered
  西岗区   E010 1986 charitable from 2021-01-01 ........ formerly, covered
           E012 1990 market 2015 .. 2021-12-31, then none: unmanaged since 2022-01-01
           E013 1994 state takeover from 2020-10-01 .... formerly, covered
  沙河口区 E018 1985 self-managed from 2019-01-01 ...... formerly, covered (E016: built 2000)
  甘井子区 E024 1991 state takeover from 2021-06-01 .... formerly, covered
           E026 1989 charitable from 2022-05-01 ........ formerly, covered
           E029 1987 never managed (street custody from 2024-01-01): formerly, unmanaged
Milestones (seeded for all four districts): 60% by 2019-12-31, 100% by 2020-12-31.
"""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from backend.places.models import Estate

ON = "on=2025-06-30"


def _by_code(rows):
    return {row["code"]: row for row in rows}


def _marks(row):
    return [
        (m["target_date"], m["covered"], m["formerly_unmanaged"], m["status"])
        for m in row["milestones"]
    ]


def test_city_by_district(client, login):
    r = client.get(f"/api/reports/fullcover?{ON}", headers=login("admin"))
    assert r.status_code == 200, r.json
    body = r.json
    assert (body["baseline"], body["old_before"], body["as_of"]) == (
        "2018-12-31",
        2000,
        "2025-06-30",
    )
    rows = _by_code(body["rows"])
    figures = {
        code: (
            row["estates"],
            row["old_estates"],
            row["formerly_unmanaged"],
            row["covered"],
            row["old_unmanaged_now"],
        )
        for code, row in rows.items()
    }
    assert figures == {
        "210202": (8, 4, 2, 2, 0),
        "210203": (7, 3, 2, 2, 1),
        "210204": (8, 1, 1, 1, 0),
        "210211": (7, 3, 3, 2, 1),
    }
    assert rows["210211"]["share"] == pytest.approx(2 / 3)
    # 中山区: 2019-12-31 only E007 (1 of 2, 50% < 60%); 2020-12-31 both.
    assert _marks(rows["210202"]) == [
        ("2019-12-31", 1, 2, "missed"),
        ("2020-12-31", 2, 2, "met"),
    ]
    # 西岗区: none by 2019; E013 by 2020 (50% < 100%).
    assert _marks(rows["210203"]) == [
        ("2019-12-31", 0, 2, "missed"),
        ("2020-12-31", 1, 2, "missed"),
    ]
    assert _marks(rows["210204"]) == [("2019-12-31", 1, 1, "met"), ("2020-12-31", 1, 1, "met")]
    total = body["total"]
    assert (total["old_estates"], total["formerly_unmanaged"], total["covered"]) == (11, 8, 7)
    assert total["share"] == 7 / 8
    # The four districts together: E007, E018 by 2019 (25%); + E001, E013 by 2020 (50%).
    assert [
        (m["covered"], m["formerly_unmanaged"], m["status"], m["districts"])
        for m in total["milestones"]
    ] == [(2, 8, "missed", 4), (4, 8, "missed", 4)]


def test_series_counts_old_estates_by_mode_at_month_ends(client, login):
    r = client.get(
        f"/api/reports/fullcover?{ON}&from=2020-12-01&row_series=true", headers=login("supervisor1")
    )
    body = r.json
    assert body["months"][0] == "2020-12-31" and body["months"][-1] == "2025-06-30"
    assert len(body["months"]) == 55  # Dec 2020 .. Jun 2025
    [zhongshan] = body["rows"]  # supervisor1 sees 中山区 only
    points = {p["date"]: p for p in zhongshan["series"]}
    # 2020-12-31: E001, E003, E005 market; E007 self-managed
    assert points["2020-12-31"] == {
        "date": "2020-12-31",
        "market": 3,
        "state_takeover": 0,
        "charitable_custody": 0,
        "self_managed": 1,
        "unmanaged": 0,
    }
    # 2022-04-30: E005 taken over by the state-owned firm
    assert points["2022-04-30"]["market"] == 2 and points["2022-04-30"]["state_takeover"] == 1
    assert body["total"]["series"] == zhongshan["series"]


def test_all_estates_and_unknown_built_year(client, login, dbsession):
    dbsession.execute(sa.update(Estate).where(Estate.code == "E010").values(built_year=None))
    r = client.get(f"/api/reports/fullcover?{ON}&estates=all&row_series=1", headers=login("admin"))
    xigang = _by_code(r.json["rows"])["210203"]
    # E010 unknown: no longer old, so not formerly unmanaged; counted in the unknown column.
    assert (xigang["old_estates"], xigang["unknown_built_year"], xigang["formerly_unmanaged"]) == (
        2,
        1,
        1,
    )
    last = xigang["series"][-1]
    assert sum(v for k, v in last.items() if k != "date") == 7  # all seven estates
    # 2025-06-30: E009, E011, E014, E015 market; E010 charitable; E013 state; E012 none
    assert (
        last["market"],
        last["charitable_custody"],
        last["state_takeover"],
        last["unmanaged"],
    ) == (4, 1, 1, 1)


def test_street_office_sees_its_street(client, login):
    r = client.get(f"/api/reports/fullcover?{ON}&group=street", headers=login("street1"))
    [row] = r.json["rows"]
    assert (row["code"], row["district"], row["estates"]) == ("210202001", "中山区", 5)
    # E001 only (E007 is in 人民路街道): not by 2019, by 2020.
    assert _marks(row) == [("2019-12-31", 0, 1, "missed"), ("2020-12-31", 1, 1, "met")]


@pytest.mark.parametrize("who", ["inspector1", "firm1"])
def test_inspectors_and_firms_may_not_read(client, login, who):
    assert client.get("/api/reports/fullcover", headers=login(who)).status_code == 403
    assert client.get("/api/reports/fullcover/unmanaged", headers=login(who)).status_code == 403


def test_bad_spans(client, login):
    h = login("admin")
    assert client.get(f"/api/reports/fullcover?{ON}&from=2025-07-01", headers=h).status_code == 422
    assert client.get(f"/api/reports/fullcover?{ON}&from=2010-01-01", headers=h).status_code == 422
    assert client.get("/api/reports/fullcover?group=grid", headers=h).status_code == 422


def test_still_unmanaged_list(client, login):
    r = client.get(f"/api/reports/fullcover/unmanaged?{ON}", headers=login("admin"))
    rows = [(e["code"], e["since"], e["days"], e["formerly_unmanaged"]) for e in r.json]
    # E029 never managed comes first; E012 since 2022-01-01: 1096 days to 2025-01-01, then
    # 31+28+31+30+31+29 = 180 to 2025-06-30, +1 for the first day = 1277.
    assert rows == [("E029", None, None, True), ("E012", "2022-01-01", 1277, False)]
    r = client.get(f"/api/reports/fullcover/unmanaged?{ON}", headers=login("supervisor1"))
    assert r.json == []
    r = client.get(
        f"/api/reports/fullcover/unmanaged?{ON}&district_id=999999", headers=login("admin")
    )
    assert r.json == []


def test_exports(client, login):
    h = login("admin")
    r = client.get(f"/api/exports/fullcover?{ON}", headers=h)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][7] == "覆盖率% (share %)"
    jia = next(row for row in table if row[0] == "210211")
    assert jia[5:9] == ["3", "2", "66.7", "1"]
    assert "2019-12-31 60%: 0.0% 未达标" in jia[9]
    r = client.get(f"/api/exports/fullcover/unmanaged?{ON}&format=xlsx", headers=h)
    sheet = load_workbook(io.BytesIO(r.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "E029" and values[1][6] == "从无管理记录 (never managed)"
    assert values[2][0] == "E012" and values[2][7] == 1277


def test_rows_carry_their_series_only_when_asked(client, login):
    r = client.get(f"/api/reports/fullcover?{ON}&group=street", headers=login("admin"))
    assert all("series" not in row for row in r.json["rows"])
    assert len(r.json["total"]["series"]) == len(r.json["months"])
