"""Registering organisations of every kind through the API and `flask orgs`, and who may."""

from typing import Any

import pytest
import sqlalchemy as sa

from backend.places.models import Community, District, Estate, Organisation, OrgKind, Street


@pytest.fixture
def ids(dbsession) -> dict[str, Any]:
    def street(code: str) -> Street:
        return dbsession.scalar(sa.select(Street).where(Street.code == code))

    qingniwa, chunliu = street("210202001"), street("210204001")
    return {
        "street": qingniwa.id,
        "district": qingniwa.district_id,
        "other_street": chunliu.id,
        "other_district": chunliu.district_id,
        "estate": dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E001")),
        "other_estate": dbsession.scalar(
            sa.select(Estate.id).where(Estate.street_id == chunliu.id).limit(1)
        ),
        "community": dbsession.scalar(
            sa.select(Community.id).where(Community.street_id == qingniwa.id)
        ),
        "firm1": dbsession.scalar(
            sa.select(Organisation.id).where(Organisation.name.like("%万家%"))
        ),
    }


def _bodies(ids: dict[str, Any]) -> list[dict[str, Any]]:
    """One organisation of every kind the model knows, with the seat its kind needs."""
    return [
        {"kind": "city_authority", "name": "测试市房屋管理局"},
        {"kind": "district_authority", "name": "测试区住建局", "district_id": ids["district"]},
        {"kind": "street_office", "name": "测试街道办事处", "street_id": ids["street"]},
        {"kind": "community_committee", "name": "测试社区居委会",
         "community_id": ids["community"]},
        {"kind": "owners_committee", "name": "测试业主委员会", "estate_id": ids["estate"]},
        {"kind": "property_firm", "name": "测试物业有限公司", "credit_code": "91210200MA0XYW1234",
         "phone": "0411-8888 0000"},
        {"kind": "property_firm", "name": "测试国有物业集团", "state_owned": True},
        {"kind": "property_firm", "name": "测试公益托管中心", "charitable": True},
        {"kind": "utility", "name": "测试燃气公司", "utility_kind": "gas",
         "district_id": ids["district"]},
    ]  # fmt: skip


def test_admin_registers_every_kind_and_the_seat_is_completed(client, login, ids):
    admin = login("admin")
    for body in _bodies(ids):
        response = client.post("/api/organisations", json=body, headers=admin)
        assert response.status_code == 201, (body, response.json)
        assert response.json["is_active"] is True
    listed = client.get("/api/organisations?kind=street_office&page_size=500", headers=admin)
    office = next(o for o in listed.json if o["name"] == "测试街道办事处")
    assert office["district_id"] == ids["district"]  # from its street
    committee = client.get("/api/organisations?kind=owners_committee&page_size=500",
                           headers=login("firm1")).json  # fmt: skip
    assert any(o["name"] == "测试业主委员会" and o["street_id"] == ids["street"] for o in committee)


def test_bad_organisations_are_refused_naming_the_field(client, login, ids):
    admin = login("admin")
    cases = [
        ({"kind": "street_office", "name": "无街道办"}, 422, "street_id"),
        ({"kind": "utility", "name": "无类别公司"}, 422, "utility_kind"),
        ({"kind": "property_firm", "name": "水物业", "utility_kind": "water"}, 422, "utility_kind"),
        ({"kind": "street_office", "name": "错区办", "street_id": ids["street"],
          "district_id": ids["other_district"]}, 422, "district_id"),
        ({"kind": "property_firm", "name": "坏代码", "credit_code": "123"}, 422, "credit_code"),
        ({"kind": "property_firm", "name": "坏\u0007名"}, 422, "name"),
        ({"kind": "street_office", "name": "无此街", "street_id": 999999}, 422, "street_id"),
        ({"kind": "king", "name": "国王"}, 422, "kind"),
    ]  # fmt: skip
    for body, status, field in cases:
        response = client.post("/api/organisations", json=body, headers=admin)
        assert response.status_code == status, (body, response.json)
        assert field in response.json["errors"], (body, response.json)
    taken = client.get(f"/api/organisations/{ids['firm1']}", headers=admin).json["name"]
    clash = client.post("/api/organisations", json={"kind": "property_firm", "name": taken},
                        headers=admin)  # fmt: skip
    assert clash.status_code == 409 and "name" in clash.json["errors"]


def test_edit_and_deactivate(client, login, ids, dbsession):
    admin = login("admin")
    created = client.post("/api/organisations", json={"kind": "property_firm", "name": "短命物业"},
                          headers=admin).json  # fmt: skip
    path = f"/api/organisations/{created['id']}"
    edited = client.patch(path, json={"name": "短命物业有限公司", "phone": "0411 1234"},
                          headers=admin)  # fmt: skip
    assert edited.status_code == 200 and edited.json["phone"] == "0411 1234"
    off = client.patch(path, json={"is_active": False}, headers=admin)
    assert off.status_code == 200 and off.json["is_active"] is False
    inactive = client.get("/api/organisations?active=false&page_size=500", headers=admin).json
    assert created["id"] in {o["id"] for o in inactive}
    active = client.get("/api/organisations?active=true&page_size=500", headers=admin).json
    assert created["id"] not in {o["id"] for o in active}
    # A deactivated party takes no new contract and no new users.
    contract = {"estate_id": ids["estate"], "firm_id": created["id"], "start_date": "2040-01-01"}
    refused = client.post("/api/contracts", json=contract, headers=admin)
    assert refused.status_code == 422 and "firm_id" in refused.json["errors"]
    user = {"username": "ghost1", "password": "ghost-pass", "role": "firm",
            "organisation_id": created["id"]}  # fmt: skip
    assert client.post("/api/users", json=user, headers=admin).status_code == 422
    assert client.patch(path, json={"is_active": True}, headers=admin).json["is_active"] is True


def test_a_party_holding_work_cannot_be_deactivated(client, login, ids, dbsession):
    admin = login("admin")
    busy = client.patch(f"/api/organisations/{ids['firm1']}", json={"is_active": False},
                        headers=admin)  # fmt: skip
    assert busy.status_code == 409 and busy.json["code"] == "organisation_in_use"
    assert {"contracts", "users"} <= set(busy.json["errors"])
    office = dbsession.scalar(
        sa.select(Organisation.id).where(
            Organisation.kind == OrgKind.street_office,
            Organisation.street_id == ids["other_street"],
        )
    )
    alone = client.patch(f"/api/organisations/{office}", json={"is_active": False}, headers=admin)
    assert alone.status_code == 409 and "street_id" in alone.json["errors"]
    assert dbsession.get(Organisation, ids["firm1"]).is_active is True


def test_supervisors_manage_parties_of_their_jurisdiction_only(client, login, ids, dbsession):
    street1, supervisor1 = login("street1"), login("supervisor1")
    mine = {"kind": "owners_committee", "name": "街道登记业委会", "estate_id": ids["estate"]}
    created = client.post("/api/organisations", json=mine, headers=street1)
    assert created.status_code == 201, created.json
    elsewhere = {"kind": "street_office", "name": "外街办", "street_id": ids["other_street"]}
    refused = client.post("/api/organisations", json=elsewhere, headers=street1)
    assert refused.status_code == 403 and refused.json["message"].startswith("该单位不在")
    citywide = {"kind": "property_firm", "name": "全市物业"}
    assert client.post("/api/organisations", json=citywide, headers=supervisor1).status_code == 403
    in_district = client.patch(f"/api/organisations/{created.json['id']}", json={"phone": "110"},
                               headers=supervisor1)  # fmt: skip
    assert in_district.status_code == 200
    other_office = dbsession.scalar(
        sa.select(Organisation.id).where(Organisation.street_id == ids["other_street"])
    )
    moved = client.patch(f"/api/organisations/{other_office}", json={"phone": "110"},
                         headers=supervisor1)  # fmt: skip
    assert moved.status_code == 403
    # Moving one's own party out of one's jurisdiction is refused too.
    away = client.patch(f"/api/organisations/{created.json['id']}",
                        json={"estate_id": ids["other_estate"]},
                        headers=street1)  # fmt: skip
    assert away.status_code == 403
    for username in ("inspector1", "firm1"):
        response = client.post("/api/organisations", json=mine, headers=login(username))
        assert response.status_code == 403, username


def test_flask_orgs_commands(app, dbsession):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["orgs", "create", "--kind", "street_office", "--name",
                                  "命令行街道办事处", "--street-code", "210202001"])  # fmt: skip
    assert created.exit_code == 0, created.output
    office = dbsession.scalar(
        sa.select(Organisation).where(Organisation.name == "命令行街道办事处")
    )
    district = dbsession.scalar(sa.select(District).where(District.code == "210202"))
    assert office.kind is OrgKind.street_office and office.district_id == district.id
    firm = runner.invoke(args=["orgs", "create", "--kind", "property_firm", "--name", "命令行国企物业",
                               "--state-owned"])  # fmt: skip
    assert firm.exit_code == 0, firm.output
    edited = runner.invoke(args=["orgs", "edit", "命令行国企物业", "--phone", "0411 5555"])
    assert edited.exit_code == 0, edited.output
    listed = runner.invoke(args=["orgs", "list", "--kind", "street_office"])
    assert "命令行街道办事处" in listed.output
    off = runner.invoke(args=["orgs", "deactivate", "命令行国企物业"])
    assert off.exit_code == 0, off.output
    assert "命令行国企物业" not in runner.invoke(args=["orgs", "list"]).output
    assert "(deactivated)" in runner.invoke(args=["orgs", "list", "--all"]).output
    missing_seat = runner.invoke(
        args=["orgs", "create", "--kind", "street_office", "--name", "无街"]
    )
    assert missing_seat.exit_code != 0 and "street_id" in missing_seat.output
    unknown = runner.invoke(args=["orgs", "create", "--kind", "street_office", "--name", "错街",
                                  "--street-code", "999"])  # fmt: skip
    assert unknown.exit_code != 0 and "no street '999'" in unknown.output
    in_use = runner.invoke(args=["orgs", "deactivate", "大连万家物业服务有限公司"])
    assert in_use.exit_code != 0 and "contracts" in in_use.output
    assert dbsession.scalar(sa.select(Organisation).where(Organisation.name == "无街")) is None


def test_managed_lists_only_what_the_caller_may_edit(client, login, ids, dbsession):
    def listed(username: str) -> list[dict[str, Any]]:
        response = client.get(
            "/api/organisations?managed=true&page_size=500", headers=login(username)
        )
        assert response.status_code == 200, response.json
        return response.json

    total = dbsession.scalar(sa.select(sa.func.count()).select_from(Organisation))
    assert len(listed("admin")) == total
    street = listed("street1")
    assert street and all(org["street_id"] == ids["street"] for org in street)
    district = listed("supervisor1")
    assert all(org["district_id"] == ids["district"] for org in district)
    assert len(district) > len(street)
    assert all(org["kind"] != "city_authority" for org in district)
    assert listed("inspector1") == [] and listed("firm1") == []
    assert (
        len(client.get("/api/organisations?page_size=500", headers=login("street1")).json) == total
    )
