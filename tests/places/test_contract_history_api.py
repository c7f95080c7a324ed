"""The admin console's contracts: an estate's history (who served it when), contracts created and
ended, custody recorded; refusals name the field a form shows them beside, and change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from backend.places.models import Estate, Organisation, ServiceContract


def _estate(dbsession, code: str) -> int:
    return dbsession.scalar(sa.select(Estate.id).where(Estate.code == code))


def _org(dbsession, name_part: str) -> int:
    return dbsession.scalar(sa.select(Organisation.id).where(Organisation.name.contains(name_part)))


def test_history_lists_every_period_newest_first(client, login, dbsession, frozen_clock):
    frozen_clock(datetime(2024, 5, 1, 4, tzinfo=UTC))
    e003 = _estate(dbsession, "E003")
    response = client.get(f"/api/estates/{e003}/history", headers=login("supervisor1"))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["estate_code"] == "E003"
    periods = body["periods"]
    assert [(p["kind"], p["start_date"], p["end_date"], p["state"]) for p in periods] == [
        ("contract", "2023-07-01", None, "current"),
        ("contract", "2018-01-01", "2023-06-30", "past"),
    ]
    assert periods[0]["organisation_name"] == "大连万家物业服务有限公司"
    assert periods[1]["organisation_name"] == "大连海湾物业管理有限公司"
    assert body["responsibility"]["organisation_id"] == periods[0]["organisation_id"]


def test_history_shows_custody_next_to_contracts(client, login, dbsession, make_estate):
    e005 = _estate(dbsession, "E005")
    admin = login("admin")
    periods = client.get(f"/api/estates/{e005}/history", headers=admin).json["periods"]
    assert [(p["kind"], p["mode"], p["start_date"]) for p in periods] == [
        ("custody", "state_takeover", "2022-04-01"),  # the state-owned firm took it over
        ("contract", "market", "2016-05-01"),
    ]
    new = make_estate().id
    office = client.get(f"/api/estates/{new}/responsibility", headers=admin).json
    assert client.get(f"/api/estates/{new}/history", headers=admin).json["periods"] == []
    body = {"estate_id": new, "custodian_id": office["organisation_id"],
            "mode": "street_custody", "start_date": "2024-01-01", "end_date": "2024-12-31"}  # fmt: skip
    assert client.post("/api/custody", json=body, headers=admin).status_code == 201
    periods = client.get(f"/api/estates/{new}/history", headers=admin).json["periods"]
    assert [(p["kind"], p["custody_mode"], p["mode"]) for p in periods] == [
        ("custody", "street_custody", "unmanaged")
    ]


def test_history_is_for_supervisors_in_scope_and_admins(client, login, dbsession):
    e001, e010 = _estate(dbsession, "E001"), _estate(dbsession, "E010")
    assert client.get(f"/api/estates/{e001}/history", headers=login("street1")).status_code == 200
    assert client.get(f"/api/estates/{e010}/history", headers=login("street1")).status_code == 404
    assert client.get(f"/api/estates/{e001}/history", headers=login("firm1")).status_code == 403
    assert client.get(f"/api/estates/{e001}/history").status_code == 401


def test_create_end_and_see_it_in_the_history(client, login, dbsession):
    admin = login("admin")
    e012 = _estate(dbsession, "E012")  # unmanaged since 2022
    firm = _org(dbsession, "万家")
    body = {"estate_id": e012, "firm_id": firm, "start_date": "2022-01-01", "reference": "HT-1"}
    created = client.post("/api/contracts", json=body, headers=admin)
    assert created.status_code == 201, created.json
    url = f"/api/contracts/{created.json['id']}/end"
    ended = client.post(url, json={"end_date": "2023-12-31"}, headers=admin)
    assert ended.status_code == 200 and ended.json["end_date"] == "2023-12-31"
    periods = client.get(f"/api/estates/{e012}/history", headers=admin).json["periods"]
    newest = periods[0]
    assert (newest["start_date"], newest["end_date"], newest["reference"]) == (
        "2022-01-01",
        "2023-12-31",
        "HT-1",
    )


def test_an_overlap_is_refused_beside_the_start_date(client, login, dbsession):
    admin = login("admin")
    e001 = _estate(dbsession, "E001")
    body = {"estate_id": e001, "firm_id": _org(dbsession, "万家"), "start_date": "2024-01-01"}
    response = client.post("/api/contracts", json=body, headers=admin)
    assert response.status_code == 409
    assert response.json["errors"]["overlaps"] and "start_date" in response.json["errors"]


def test_ending_refusals_name_the_end_date_and_change_nothing(client, login, dbsession):
    admin = login("admin")
    e003 = _estate(dbsession, "E003")
    earlier = dbsession.scalar(
        sa.select(ServiceContract).where(
            ServiceContract.estate_id == e003, ServiceContract.end_date.is_not(None)
        )
    )
    url = f"/api/contracts/{earlier.id}/end"
    before = client.post(url, json={"end_date": "2017-01-01"}, headers=admin)
    assert before.status_code == 422 and "end_date" in before.json["errors"]
    # Moving the end later would reach into firm1's contract from 2023-07-01.
    later = client.post(url, json={"end_date": "2023-08-31"}, headers=admin)
    assert later.status_code == 409 and "end_date" in later.json["errors"]
    dbsession.expire_all()
    assert dbsession.get(ServiceContract, earlier.id).end_date == date(2023, 6, 30)
    # Ending it earlier is fine (the gap falls to the street office).
    ok = client.post(url, json={"end_date": "2023-05-31"}, headers=admin)
    assert ok.status_code == 200


def test_a_reversed_period_is_refused_beside_the_end_date(client, login, dbsession):
    admin = login("admin")
    e012 = _estate(dbsession, "E012")
    body = {"estate_id": e012, "firm_id": _org(dbsession, "万家"),
            "start_date": "2024-01-01", "end_date": "2023-01-01"}  # fmt: skip
    response = client.post("/api/contracts", json=body, headers=admin)
    assert response.status_code == 422 and "end_date" in response.json["errors"]
    assert len(client.get(f"/api/contracts?estate_id={e012}", headers=admin).json) == 1
