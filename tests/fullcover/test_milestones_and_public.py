"""Milestones are data administrators manage; the public page shows places and estates only."""

from __future__ import annotations

import re

import sqlalchemy as sa

from backend.accounts.models import User
from backend.fullcover.models import CoverageMilestone
from backend.places.models import District, Organisation


def test_demo_seeds_the_plans_targets_for_every_district(client, login, dbsession):
    r = client.get("/api/fullcover/milestones", headers=login("street1"))
    assert r.status_code == 200
    seeded = {(m["district"], m["target_date"], m["target_percent"]) for m in r.json}
    districts = dbsession.scalars(sa.select(District.name)).all()
    assert seeded == {
        (name, day, percent)
        for name in districts
        for day, percent in (("2019-12-31", 60), ("2020-12-31", 100))
    }


def test_admin_adds_and_removes_a_milestone(client, login, dbsession):
    admin = login("admin")
    district = dbsession.scalar(sa.select(District.id).where(District.code == "210203"))
    body = {"district_id": district, "target_date": "2025-06-30", "target_percent": 100,
            "label": "西岗区 2025年中全覆盖"}  # fmt: skip
    r = client.post("/api/fullcover/milestones", json=body, headers=admin)
    assert r.status_code == 201, r.json
    created = r.json["id"]
    assert client.post("/api/fullcover/milestones", json=body, headers=admin).status_code == 409
    assert (
        client.post(
            "/api/fullcover/milestones", json=body, headers=login("supervisor1")
        ).status_code
        == 403
    )
    bad = {**body, "target_date": "2025-07-01", "target_percent": 0}
    r = client.post("/api/fullcover/milestones", json=bad, headers=admin)
    assert r.status_code == 422 and "target_percent" in r.json["errors"]
    r = client.post(
        "/api/fullcover/milestones",
        json={**bad, "target_percent": 5, "district_id": 999999},
        headers=admin,
    )
    assert r.status_code == 422 and r.json["errors"] == {"district_id": ["not found"]}
    # The new target shows in the report: 西岗区 has 2 of 2 covered on 2025-06-30 → met.
    r = client.get("/api/reports/fullcover?on=2025-06-30", headers=admin)
    xigang = next(row for row in r.json["rows"] if row["code"] == "210203")
    assert [m["status"] for m in xigang["milestones"]] == ["missed", "missed", "met"]
    # Ahead of its date it is pending, read on the day asked.
    r = client.get("/api/reports/fullcover?on=2025-01-31", headers=admin)
    xigang = next(row for row in r.json["rows"] if row["code"] == "210203")
    assert xigang["milestones"][-1]["status"] == "pending"
    assert xigang["milestones"][-1]["read_on"] == "2025-01-31"
    assert client.delete(f"/api/fullcover/milestones/{created}", headers=admin).status_code == 204
    assert client.delete(f"/api/fullcover/milestones/{created}", headers=admin).status_code == 404
    assert dbsession.get(CoverageMilestone, created) is None


def test_public_page_shows_figures_and_no_personal_data(client, dbsession, frozen_clock):
    from datetime import datetime

    from backend.clock import SHANGHAI

    frozen_clock(datetime(2025, 6, 30, 12, tzinfo=SHANGHAI))
    r = client.get("/public/fullcover")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "public, max-age=60"
    html = r.get_data(as_text=True)
    assert "87.5%" in html  # 7 of 8 formerly unmanaged old estates
    assert "岔鞍新村" in html and "黄河路家园" in html and "1277" in html
    assert "<script" not in html
    # No person: no user's name or login, no phone, no firm or office (organisations are not
    # needed to say which estates are covered).
    for user in dbsession.scalars(sa.select(User)):
        assert user.username not in html and user.display_name not in html
    for org in dbsession.scalars(sa.select(Organisation)):
        assert org.name not in html
        if org.phone:
            assert org.phone not in html
    assert not re.search(r"1[3-9]\d{9}", html)  # no mobile number
