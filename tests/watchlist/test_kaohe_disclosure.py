"""The 考核 ranking frozen into a 公示 (section `kaohe`) and shown on the public page; the figures
are those of tests/watchlist/test_rankings.py (its docstring computes them by hand)."""

from __future__ import annotations

PERIOD = {"period_start": "2026-04-01", "period_end": "2026-06-30"}


def test_a_city_publication_freezes_districts_and_streets(client, login, kaohe_q2, world):
    made = client.post(
        "/api/disclosures", json={**PERIOD, "sections": ["kaohe"]}, headers=login("admin")
    )
    assert made.status_code == 201, made.json
    section = made.json["kaohe"]
    assert section["formula_version"] == "kaohe-v1"
    assert [(r["name"], r["rank"], r["composite"]) for r in section["districts"][:2]] == [
        ("西岗区", 1, 96.4),
        ("中山区", 2, 79.1),
    ]
    streets = {r["name"]: r for r in section["streets"]}
    assert (streets["人民路街道"]["rank"], streets["青泥洼桥街道"]["composite"]) == (1, 77.8)
    assert all("id" not in r and "district_id" not in r for r in section["streets"])
    # Later figures move; the publication does not.
    world["inspection"]("E006", 10.0, None)
    public = client.get(f"/api/public/disclosures/{made.json['id']}").json
    assert public["kaohe"] == section
    html = client.get(f"/public/{made.json['id']}").get_data(as_text=True)
    assert "区市县、街道考核排名" in html and "96.4" in html and "77.8" in html


def test_a_district_publication_ranks_its_streets_only(client, login, kaohe_q2):
    made = client.post(
        "/api/disclosures", json={**PERIOD, "sections": ["kaohe"]}, headers=login("supervisor1")
    )
    assert made.status_code == 201, made.json
    section = made.json["kaohe"]
    assert section["districts"] == []
    assert [(r["name"], r["rank"]) for r in section["streets"]] == [
        ("人民路街道", 1),
        ("青泥洼桥街道", 2),
    ]
    plain = client.post("/api/disclosures", json=PERIOD, headers=login("supervisor1")).json
    assert "kaohe" not in plain and "区市县、街道考核排名" not in client.get(
        f"/public/{plain['id']}"
    ).get_data(as_text=True)
