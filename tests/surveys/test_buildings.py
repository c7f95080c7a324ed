"""Homes checked against the estate's buildings where they are known: a building that does not
exist, a unit or a room out of range is refused with the field named; estates without a list
take any well-formed home, as before. Admins set the list by API or CSV (all or nothing)."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from backend.places.models import Estate
from backend.surveys.cli import buildings_command
from backend.surveys.models import EstateBuilding
from tests.surveys.conftest import all_rated, answer, stored

E001_BUILDINGS = [
    {"building": "3号楼", "units": 2, "floors": 6, "rooms_per_floor": 2},
    {"building": "B", "units": 0, "floors": 18, "rooms_per_floor": 4},
]


def _estate_id(dbsession, code: str = "E001") -> int:
    return dbsession.scalar(sa.select(Estate.id).where(Estate.code == code))


def _period(resident, token: str) -> str:
    html = resident.get(f"/survey/{token}").get_data(as_text=True)
    return html.split('name="period" value="', 1)[1].split('"', 1)[0]


def test_admin_sets_the_buildings_others_may_not(client, login, dbsession):
    estate = _estate_id(dbsession)
    put = client.put(
        f"/api/surveys/buildings/{estate}",
        json={"buildings": E001_BUILDINGS},
        headers=login("admin"),
    )
    assert put.status_code == 200, put.json
    assert [b["building"] for b in put.json["buildings"]] == ["3", "B"]  # normalised
    seen = client.get(f"/api/surveys/buildings/{estate}", headers=login("street1"))
    assert seen.status_code == 200 and len(seen.json["buildings"]) == 2
    denied = client.put(
        f"/api/surveys/buildings/{estate}", json={"buildings": []}, headers=login("street1")
    )
    assert denied.status_code == 403
    twice = client.put(
        f"/api/surveys/buildings/{estate}",
        json={"buildings": [{"building": "1", "floors": 5, "rooms_per_floor": 2}] * 2},
        headers=login("admin"),
    )
    assert twice.status_code == 422 and "重复" in str(twice.json["errors"])
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(EstateBuilding)) == 2


def test_forged_homes_are_refused_with_the_field_named(client, login, phone, link_of, dbsession):
    client.put(
        f"/api/surveys/buildings/{_estate_id(dbsession)}",
        json={"buildings": E001_BUILDINGS},
        headers=login("admin"),
    )
    token = link_of("E001")
    resident = phone()
    period = _period(resident, token)
    cases = [
        (("9", "1", "101"), "本小区没有 9 号楼"),
        (("3", "3", "101"), "3 号楼有 1–2 单元"),
        (("3", "", "101"), "3 号楼有 1–2 单元"),
        (("3", "1", "701"), "楼层 1–6"),
        (("3", "1", "103"), "每层 01–02"),
        (("3", "1", "A01"), "楼层 1–6"),
        (("B", "2", "1801"), "B 号楼不分单元"),
    ]
    for home, message in cases:
        sent = answer(resident, token, period, home, **all_rated(4))
        assert sent.status_code == 422, home
        assert message in sent.get_data(as_text=True), home
    assert stored(dbsession) == 0
    assert (
        answer(resident, token, period, ("3号楼", "二单元", "602室"), **all_rated(4)).status_code
        == 303
    )
    assert answer(resident, token, period, ("b座", "", "1804"), **all_rated(4)).status_code == 303
    # An estate without a list takes any well-formed home.
    assert (
        answer(phone(), link_of("E002"), period, ("99", "", "9999"), **all_rated(4)).status_code
        == 303
    )


def test_csv_import_is_all_or_nothing(app, dbsession, tmp_path):
    good = tmp_path / "buildings.csv"
    good.write_text(
        "estate_code,building,units,floors,rooms_per_floor\n"
        "E001,1,2,6,2\nE001,2,0,11,4\nE002,A,1,3,3\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    with app.app_context():
        done = runner.invoke(buildings_command, [str(good)], standalone_mode=False)
    assert done.exception is None, done.output
    assert "E001: 2 building(s)" in done.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "estate_code,building,units,floors,rooms_per_floor\nE001,1,2,0,2\nNOPE,1,1,1,1\n",
        encoding="utf-8",
    )
    with app.app_context():
        refused = runner.invoke(buildings_command, [str(bad)])
    assert refused.exit_code != 0
    assert "line 2: floors" in refused.output and "NOPE" in refused.output
    rows = dbsession.scalars(sa.select(EstateBuilding.building).order_by(EstateBuilding.id)).all()
    assert rows == ["1", "2", "A"]
