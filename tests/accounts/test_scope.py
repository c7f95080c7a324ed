"""Every role sees exactly its part of the demo city (expected sets come from the demo data)."""

import pytest

from backend.clock import today
from backend.demo import dalian

ALL = {e["code"] for e in dalian.estates()}


def _grids_of(username: str) -> set[str]:
    row = next(a for a in dalian.assignments() if a["username"] == username)
    return set(row["scope_codes"])


def _estates_in_grids(grid_codes: set[str]) -> set[str]:
    return {code for g in dalian.grids() if g["code"] in grid_codes for code in g["estate_codes"]}


def _estates_managed_by(firm_key: str) -> set[str]:
    day = today()
    return {
        c["estate_code"]
        for c in dalian.contracts()
        if c["firm_key"] == firm_key
        and c["start_date"] <= day
        and (c["end_date"] is None or c["end_date"] >= day)
    }


EXPECTED = {
    "admin": ALL,
    "supervisor1": {e["code"] for e in dalian.estates() if e["district_code"] == "210202"},
    "street1": {e["code"] for e in dalian.estates() if e["street_code"] == "210202001"},
    "inspector1": _estates_in_grids(_grids_of("inspector1")),
    "inspector2": _estates_in_grids(_grids_of("inspector2")),
    "firm1": _estates_managed_by("firm1"),
    "firm2": _estates_managed_by("firm2"),
}


def _codes(client, headers, query: str = "") -> set[str]:
    response = client.get(f"/api/estates?page_size=500&with_geometry=false{query}", headers=headers)
    assert response.status_code == 200, response.json
    return {e["code"] for e in response.json}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_lists_exactly_its_estates(client, login, username):
    expected = EXPECTED[username]
    assert expected, "the demo world must give every account something to see"
    headers = login(username)
    assert _codes(client, headers) == expected
    assert _codes(client, headers, "&mine=true") == expected


def test_scopes_differ_where_they_should():
    assert EXPECTED["inspector1"].isdisjoint(EXPECTED["inspector2"])
    assert EXPECTED["firm1"].isdisjoint(EXPECTED["firm2"])
    assert EXPECTED["street1"] < EXPECTED["supervisor1"] < ALL
    assert EXPECTED["inspector1"] <= EXPECTED["supervisor1"]


@pytest.mark.parametrize("username", ["inspector1", "inspector2", "firm1", "firm2", "street1"])
def test_out_of_scope_estate_is_404_not_403(client, login, username):
    headers = login(username)
    everything = client.get(
        "/api/estates?page_size=500&with_geometry=false", headers=login("admin")
    )
    outside = [e for e in everything.json if e["code"] not in EXPECTED[username]]
    assert outside
    for estate in outside[:3]:
        for path in (f"/api/estates/{estate['id']}", f"/api/estates/{estate['id']}/responsibility"):
            response = client.get(path, headers=headers)
            assert response.status_code == 404, (username, path)
            assert response.json["code"] == "not_found"
    inside = [e for e in everything.json if e["code"] in EXPECTED[username]]
    assert client.get(f"/api/estates/{inside[0]['id']}", headers=headers).status_code == 200


def test_grids_follow_scope_and_firms_may_not_list_them(client, login):
    inspector = client.get("/api/grids", headers=login("inspector1"))
    assert {g["code"] for g in inspector.json} == _grids_of("inspector1")
    street = client.get("/api/grids", headers=login("street1"))
    assert {g["code"] for g in street.json} == {
        g["code"] for g in dalian.grids() if g["street_code"] == "210202001"
    }
    assert len(client.get("/api/grids", headers=login("admin")).json) == len(dalian.grids())
    assert client.get("/api/grids", headers=login("firm1")).status_code == 403
    other = next(g for g in street.json if g["code"] not in _grids_of("inspector2"))
    response = client.get(f"/api/grids/{other['id']}", headers=login("inspector2"))
    assert response.status_code == 404


def test_firms_see_their_own_contracts_only(client, login):
    response = client.get("/api/contracts?page_size=500", headers=login("firm1"))
    assert response.status_code == 200
    firm_id = client.get("/api/me", headers=login("firm1")).json["organisation_id"]
    assert response.json and all(c["firm_id"] == firm_id for c in response.json)
    # Past contracts included; a predecessor's contract on an estate firm1 now serves is not.
    assert len(response.json) == len([c for c in dalian.contracts() if c["firm_key"] == "firm1"])


def test_contract_and_custody_changes_are_admin_only(client, login):
    body = {"estate_id": 1, "firm_id": 1, "start_date": "2030-01-01"}
    for username in ("inspector1", "firm1", "supervisor1"):
        assert client.post("/api/contracts", json=body, headers=login(username)).status_code == 403
