"""The 集中整治 watch list for 2026 Q2, by hand (rule watchlist-v1; README *集中整治*).

The city has 30 estates. In Q2 (read on 2026-07-15, after it ended):
E001  complaints 3 (two Open311, one by hand; one of Q1 and an inspection ticket do not count)
      disputes 2 (one of Q1 does not), rework 2 (a reject and a 回访 reopen; a reject of Q3 does
      not), overdue 2 (dispatched and rework, due in June; an accepted one due 07-10 is not),
      owner evaluation: ten answers all 2 → 100 × (2 − 1)/4 = 25.0 < 60 → 10 points
      points = 2×3 + 3×2 + 3×2 + 2×2 + 10 = 32
E010  complaints 4, rework 1 → 2×4 + 3×1 = 11        (西岗区: outside street1's and supervisor1's)
E002  complaints 5 → 10; nine answers all 1 are below the minimum of ten: no points → 10
E011  ten answers all 3 → 50.0 → 10 points → 10; ties E002 on points, fewer complaints: after it
E003  complaints 1 → 2 (ten answers all 4 → 75.0: no points) → below 10, not listed
Positions among the counts that are not zero — complaints: E002 5 (1st → ⌈100×1/30⌉ = 4%),
E010 4 (2nd → 7%), E001 3 (3rd → 10%), E003 1 (4th → 14%: not said); rework: E001 (4%), E010 (7%).
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.watchlist.conftest import at

URL = "/api/watchlist?period=2026Q2"
E001_REASONS = [
    "投诉 3 件(全市前10%)",
    "争议 2 次(全市前4%)",
    "返工 2 次(全市前4%)",
    "逾期 2 件(全市前4%)",
    "业主评价 25.0 分(评价差)",
]


@pytest.fixture
def q2(world):
    ticket, event, answers = world["ticket"], world["event"], world["answers"]
    t1 = ticket("E001", state="dispatched", due=at(6, 20))
    t2 = ticket("E001", dispatched=at(5, 12), state="rework", due=at(6, 25))
    t3 = ticket("E001", source="manual", dispatched=at(6, 1), state="accepted", due=at(7, 10))
    t4 = ticket("E001", dispatched=at(3, 20), due=at(3, 25))
    t5 = ticket("E001", source="inspection", dispatched=at(5, 1))
    event(t1, "dispute", at(5, 11))
    event(t3, "dispute", at(6, 2))
    event(t4, "dispute", at(3, 21))
    event(t2, "reject", at(6, 10))
    event(t2, "reopen", at(6, 15))
    event(t5, "reject", at(7, 2))
    answers("E001", 2)
    for _ in range(5):
        ticket("E002")
    answers("E002", 1, n=9)
    e010 = [ticket("E010") for _ in range(4)]
    event(e010[0], "reject", at(5, 30))
    answers("E011", 3)
    ticket("E003")
    answers("E003", 4)


def _rows(client, headers, url=URL):
    got = client.get(url, headers=headers)
    assert got.status_code == 200, got.json
    return got.json


def test_the_list_by_hand(client, login, q2):
    listing = _rows(client, login("admin"))
    assert (listing["period"], listing["label"]) == ("2026Q2", "2026年第2季度")
    assert (listing["period_start"], listing["period_end"]) == ("2026-04-01", "2026-06-30")
    assert listing["rule_version"] == "watchlist-v1"
    assert listing["survey_period"] == {"start": "2026-04-01", "end": "2026-06-30"}
    rows = listing["estates"]
    assert [(r["rank"], r["code"], r["points"]) for r in rows] == [
        (1, "E001", 32), (2, "E010", 11), (3, "E002", 10), (4, "E011", 10),
    ]  # fmt: skip
    first = rows[0]
    assert {k: first[k] for k in ("complaints", "disputes", "rework", "overdue")} == {
        "complaints": 3, "disputes": 2, "rework": 2, "overdue": 2,
    }  # fmt: skip
    assert (first["evaluation"], first["evaluation_points"]) == (25.0, 10)
    assert first["reasons"] == E001_REASONS
    assert rows[1]["reasons"] == ["投诉 4 件(全市前7%)", "返工 1 次(全市前7%)"]
    assert rows[2]["reasons"] == ["投诉 5 件(全市前4%)"] and rows[2]["evaluation"] is None
    assert rows[3]["reasons"] == ["业主评价 50.0 分(评价差)"]
    assert all(r["listed"] and r["classification"] is None and r["notes"] == [] for r in rows)


def test_size_and_threshold_are_settings(app, client, login, q2, monkeypatch):
    monkeypatch.setitem(app.config, "WATCHLIST_SIZE", 2)
    assert [r["code"] for r in _rows(client, login("admin"))["estates"]] == ["E001", "E010"]
    monkeypatch.setitem(app.config, "WATCHLIST_SIZE", 20)
    monkeypatch.setitem(app.config, "WATCHLIST_MIN_POINTS", 2)
    assert [r["code"] for r in _rows(client, login("admin"))["estates"]][-1] == "E003"


def test_each_caller_sees_its_scope(client, login, q2):
    street = [r["code"] for r in _rows(client, login("street1"))["estates"]]
    assert street == ["E001", "E002"]
    assert "E010" not in [r["code"] for r in _rows(client, login("supervisor1"))["estates"]]
    for who in ("firm1", "inspector1"):
        assert client.get(URL, headers=login(who)).status_code == 403
    assert client.get(URL).status_code == 401


def _note(client, headers, estate_id, **body):
    return client.post(
        f"/api/watchlist/{estate_id}/notes", json={"period": "2026Q2", **body}, headers=headers
    )


def test_classify_and_record_measures_history_kept(client, login, q2, world):
    estates = world["estates"]()
    street1 = login("street1")
    first = _note(client, street1, estates["E001"], kind="classification", category="legacy")
    assert first.status_code == 201, first.json
    assert first.json["category_name"] == "服务较好但历史遗留问题多"
    assert first.json["noted_on"] == "2026-07-15" and first.json["author"]
    measure = _note(client, street1, estates["E001"], kind="measure",
                    text="街道牵头约谈物业,三个月内完成雨污管网改造", noted_on="2026-07-16")  # fmt: skip
    assert measure.status_code == 201, measure.json
    follow = _note(client, street1, estates["E001"], kind="follow_up", text="已开工")
    assert follow.status_code == 201
    again = _note(client, street1, estates["E001"], kind="classification",
                  category="poor_service", text="复查后改判")  # fmt: skip
    assert again.status_code == 201
    row = _rows(client, street1)["estates"][0]
    assert row["classification"]["category"] == "poor_service"
    assert [n["kind"] for n in row["notes"]] == [
        "classification", "measure", "follow_up", "classification",
    ]  # fmt: skip
    assert row["notes"][0]["category"] == "legacy"  # the first judgement is kept
    assert row["notes"][1]["noted_on"] == "2026-07-16"


def test_notes_keep_an_estate_on_the_page_after_it_drops_off(app, client, login, q2, world):
    estates = world["estates"]()
    assert (
        _note(client, login("street1"), estates["E002"], kind="measure", text="约谈").status_code
        == 201
    )
    app.config["WATCHLIST_SIZE"], size = 1, app.config["WATCHLIST_SIZE"]
    try:
        rows = _rows(client, login("street1"))["estates"]
    finally:
        app.config["WATCHLIST_SIZE"] = size
    assert [(r["code"], r["rank"], r["listed"]) for r in rows] == [
        ("E001", 1, True), ("E002", None, False),
    ]  # fmt: skip
    assert rows[1]["reasons"] == ["投诉 5 件"]  # off the list: no positions said


def test_bad_notes_change_nothing(client, login, q2, world):
    estates = world["estates"]()
    street1 = login("street1")
    cases = [
        ({"kind": "classification"}, 422, "category"),
        ({"kind": "measure", "text": "  "}, 422, "text"),
        ({"kind": "measure", "text": "坏\x07字符"}, 422, "text"),
        ({"kind": "nonsense", "text": "x"}, 422, "kind"),
        ({"kind": "measure", "text": "x", "period": "2026Q5"}, 422, "period"),
    ]
    for body, status, field in cases:
        got = _note(client, street1, estates["E001"], **body)
        assert got.status_code == status, (body, got.json)
        assert field in str(got.json["errors"]), got.json
    not_listed = _note(client, street1, estates["E003"], kind="measure", text="x")
    assert not_listed.status_code == 409 and "名单" in not_listed.json["message"]
    assert _note(client, street1, estates["E010"], kind="measure", text="x").status_code == 404
    assert (
        _note(client, login("admin"), estates["E001"], kind="measure", text="x").status_code == 403
    )
    assert all(r["notes"] == [] for r in _rows(client, login("admin"))["estates"])


@pytest.mark.parametrize("period", ["2026-13", "0000Q1", "9999Q4", "1999-12"])
@pytest.mark.parametrize("path", ["watchlist", "watchlist/export", "rankings"])
def test_bad_period(client, login, path, period):
    """Outside 2000–2099 too: year 0 has no calendar (a 500, found by the long fuzz)."""
    got = client.get(f"/api/{path}?period={period}", headers=login("admin"))
    assert got.status_code == 422 and "period" in str(got.json["errors"]), got.json


def test_export_csv_and_xlsx(client, login, q2, world):
    street1 = login("street1")
    estate = world["estates"]()["E001"]
    _note(client, street1, estate, kind="classification", category="self_governance")
    _note(client, street1, estate, kind="measure", text='=HYPERLINK("x")成立业主自治小组')
    got = client.get("/api/watchlist/export?period=2026Q2", headers=street1)
    assert got.status_code == 200 and got.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert rows[0][0] == "排名 (rank)" and [r[1] for r in rows[1:]] == ["E001", "E002"]
    assert rows[1][11] == "、".join(E001_REASONS)
    assert rows[1][12] == "可自治"
    assert "整治措施" in rows[1][13] and not rows[1][13].startswith("=")
    xlsx = client.get("/api/watchlist/export?period=2026Q2&format=xlsx", headers=street1)
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.cell(2, 2).value == "E001" and sheet.cell(2, 13).value == "可自治"
    assert client.get("/api/watchlist/export", headers=login("firm1")).status_code == 403
