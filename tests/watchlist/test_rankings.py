"""考核 ranking for 2026 Q2, by hand (formula kaohe-v1; README *考核*).

中山区's streets — 青泥洼桥街道: inspections E001 80.0 and E002 90.0 → 85.0; four tickets due at
E002, three closed on time → 按期结案率 75 %; owners E001 all 2 → 25.0 and E002 all 4 → 75.0 →
50.0; 全覆盖: the demo seed's one formerly unmanaged old estate there is managed → 100 %.
    composite = (40×85 + 25×75 + 20×50 + 15×100) / 100 = 77.75 → 77.8
人民路街道: inspection E006 70.0; no ticket due (no on-time part); owners E006 all 5 → 100.0;
全覆盖 100 % → (40×70 + 20×100 + 15×100) / 75 = 84.0: first in 中山区.
Districts — 中山区: inspections (80 + 90 + 70)/3 = 80.0, on time 75 %, owners (25 + 75 + 100)/3,
全覆盖 100 % → (3200 + 1875 + 1333.3… + 1500)/100 = 79.08… → 79.1. 西岗区: inspection E010 95.0,
全覆盖 100 % → (3800 + 1500)/55 = 96.36… → 96.4: first. 沙河口区, 甘井子区: no inspection, unranked.
"""

from __future__ import annotations


def _get(client, headers, level):
    got = client.get(f"/api/rankings?period=2026Q2&level={level}", headers=headers)
    assert got.status_code == 200, got.json
    return got.json


def test_streets_within_their_district(client, login, kaohe_q2):
    got = _get(client, login("admin"), "street")
    assert got["formula_version"] == "kaohe-v1" and got["level"] == "street"
    assert got["weights"] == {"inspection": 40, "on_time": 25, "owners": 20, "fullcover": 15}
    rows = {r["name"]: r for r in got["rows"]}
    assert len(rows) == 8
    a, b = rows["人民路街道"], rows["青泥洼桥街道"]
    assert (a["rank"], a["composite"], b["rank"], b["composite"]) == (1, 84.0, 2, 77.8)
    assert b["parts"] == {"inspection": 85.0, "on_time": 75.0, "owners": 50.0, "fullcover": 100.0}
    assert a["parts"]["on_time"] is None and a["surveyed_estates"] == 1
    assert (b["district"], b["due"], b["overdue_open"]) == ("中山区", 4, 1)
    assert rows["白云街道"]["rank"] is None and rows["白云街道"]["composite"] is None


def test_districts_in_the_city(client, login, kaohe_q2):
    rows = [
        (r["name"], r["rank"], r["composite"])
        for r in _get(client, login("admin"), "district")["rows"]
    ]
    assert rows[:2] == [("西岗区", 1, 96.4), ("中山区", 2, 79.1)]
    assert sorted(rows[2:]) == [("沙河口区", None, None), ("甘井子区", None, None)]


def test_who_sees_what(client, login, kaohe_q2):
    for who in ("street1", "supervisor1"):
        names = {r["district"] for r in _get(client, login(who), "street")["rows"]}
        assert names == {"中山区"}, who
        assert len(_get(client, login(who), "district")["rows"]) == 4
    for who in ("firm1", "inspector1"):
        assert client.get("/api/rankings", headers=login(who)).status_code == 403
    bad = client.get("/api/rankings?level=grid", headers=login("admin"))
    assert bad.status_code == 422 and "level" in str(bad.json["errors"])
