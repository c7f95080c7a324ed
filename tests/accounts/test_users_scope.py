"""Supervisors manage the accounts of their own district or street through /api/users.

Demo world: supervisor1 holds 中山区 (210202), street1 its street 210202001; inspector1's grids
lie in two streets of 中山区, inspector2's in 沙河口区; the demo firms have no seat.
"""

import sqlalchemy as sa

from backend.accounts.models import User
from backend.places.models import District, Grid, Organisation, OrgKind, Street

PASSWORD = "scope-pass-1"


def _grid(dbsession, code: str) -> int:
    return dbsession.scalar(sa.select(Grid.id).where(Grid.code == code))


def _street(dbsession, code: str) -> int:
    return dbsession.scalar(sa.select(Street.id).where(Street.code == code))


def _user(dbsession, username: str) -> User:
    return dbsession.scalar(sa.select(User).where(User.username == username))


def _names(client, headers) -> set[str]:
    response = client.get("/api/users?page_size=100", headers=headers)
    assert response.status_code == 200, response.json
    return {user["username"] for user in response.json}


def _new(client, headers, username: str, **extra):
    body = {"username": username, "password": PASSWORD, **extra}
    return client.post("/api/users", json=body, headers=headers)


def test_street_supervisor_manages_inspectors_of_their_street_only(client, login, dbsession):
    street1 = login("street1")
    # inspector1 also works a grid of another street: not street1's to manage.
    assert _names(client, street1) == set()
    own = _new(client, street1, "walker1", role="inspector",
               grid_ids=[_grid(dbsession, "G-210202001-01")])  # fmt: skip
    assert own.status_code == 201, own.json
    assert _names(client, street1) == {"walker1"}
    walker = own.json["id"]
    reset = client.patch(f"/api/users/{walker}", json={"password": "reset-pass-1"}, headers=street1)
    assert reset.status_code == 200 and reset.json["must_change_password"] is True
    off = client.patch(f"/api/users/{walker}", json={"is_active": False}, headers=street1)
    assert off.status_code == 200 and off.json["is_active"] is False

    for username in ("inspector1", "inspector2", "supervisor1", "admin", "street1"):
        user_id = _user(dbsession, username).id
        assert client.get(f"/api/users/{user_id}", headers=street1).status_code == 404, username
        patch = client.patch(f"/api/users/{user_id}", json={"display_name": "x"}, headers=street1)
        assert patch.status_code == 404, username


def test_a_grid_or_role_outside_is_refused_and_nothing_changes(client, login, dbsession):
    street1, admin = login("street1"), login("admin")
    other_street = _grid(dbsession, "G-210202002-01")
    refused = [
        ({"role": "inspector", "grid_ids": [other_street]}, "grid_ids"),
        ({"role": "inspector", "grid_ids": []}, "grid_ids"),
        ({"role": "inspector", "grid_ids": [999999]}, "grid_ids"),
        ({"role": "supervisor", "street_id": _street(dbsession, "210202001")}, "role"),
        ({"role": "admin"}, "role"),
    ]
    for extra, field in refused:
        response = _new(client, street1, "intruder1", **extra)
        assert response.status_code == 422, (extra, response.json)
        assert field in response.json["errors"], (extra, response.json)
    assert client.get("/api/users?q=intruder1", headers=admin).json == []

    own = _new(client, street1, "walker2", role="inspector",
               grid_ids=[_grid(dbsession, "G-210202001-01")])  # fmt: skip
    walker = own.json["id"]
    for changes, field in [
        ({"grid_ids": [_grid(dbsession, "G-210202001-01"), other_street]}, "grid_ids"),
        ({"role": "admin"}, "role"),
        ({"role": "supervisor", "street_id": _street(dbsession, "210202001")}, "role"),
    ]:
        response = client.patch(f"/api/users/{walker}", json=changes, headers=street1)
        assert response.status_code == 422 and field in response.json["errors"], response.json
    after = client.get(f"/api/users/{walker}", headers=admin).json
    assert (after["role"], after["grid_ids"]) == ("inspector", own.json["grid_ids"])


def test_district_supervisor_manages_inspectors_streets_and_seated_firms(client, login, dbsession):
    supervisor1 = login("supervisor1")
    assert _names(client, supervisor1) == {"inspector1", "street1"}
    inspector1, street1 = _user(dbsession, "inspector1"), _user(dbsession, "street1")
    grids_before = [grid.id for grid in inspector1.grids]

    far = _grid(dbsession, "G-210204001-01")  # 沙河口区
    moved = client.patch(f"/api/users/{inspector1.id}", json={"grid_ids": [*grids_before, far]},
                         headers=supervisor1)  # fmt: skip
    assert moved.status_code == 422 and "grid_ids" in moved.json["errors"]
    other_district = _street(dbsession, "210204001")
    for changes, field in [
        ({"street_id": other_district}, "street_id"),
        ({"street_id": None, "district_id": street1.district_id or 1}, "district_id"),
        ({"role": "admin", "street_id": None}, "role"),
    ]:
        response = client.patch(f"/api/users/{street1.id}", json=changes, headers=supervisor1)
        assert response.status_code == 422 and field in response.json["errors"], response.json
    dbsession.expire_all()
    assert [grid.id for grid in _user(dbsession, "inspector1").grids] == grids_before
    assert _user(dbsession, "street1").street_id == _street(dbsession, "210202001")

    renamed = client.patch(f"/api/users/{street1.id}", json={"display_name": "青泥洼桥 督查"},
                           headers=supervisor1)  # fmt: skip
    assert renamed.status_code == 200, renamed.json
    second = _new(client, supervisor1, "street2", role="supervisor",
                  street_id=_street(dbsession, "210202002"))  # fmt: skip
    assert second.status_code == 201, second.json
    peer = _new(client, supervisor1, "district2", role="supervisor",
                district_id=dbsession.scalar(sa.select(District.id).where(District.code == "210202")))  # fmt: skip
    assert peer.status_code == 422 and "district_id" in peer.json["errors"]

    district = dbsession.scalar(sa.select(District.id).where(District.code == "210202"))
    seated = Organisation(name="中山测试物业", kind=OrgKind.property_firm, district_id=district)
    dbsession.add(seated)
    dbsession.flush()
    firm = _new(client, supervisor1, "firm9", role="firm", organisation_id=seated.id)
    assert firm.status_code == 201, firm.json
    unseated = _user(dbsession, "firm1").organisation_id  # a city-wide firm
    refused = _new(client, supervisor1, "firm10", role="firm", organisation_id=unseated)
    assert refused.status_code == 422 and "organisation_id" in refused.json["errors"]
    assert _names(client, supervisor1) == {"inspector1", "street1", "street2", "firm9"}

    for username in ("inspector2", "firm1", "admin", "supervisor1"):
        user_id = _user(dbsession, username).id
        assert client.get(f"/api/users/{user_id}", headers=supervisor1).status_code == 404
        patch = client.patch(f"/api/users/{user_id}", json={"is_active": False},
                             headers=supervisor1)  # fmt: skip
        assert patch.status_code == 404, username


def test_city_supervisor_manages_all_but_administrators(client, login, dbsession):
    admin = login("admin")
    city = _new(client, admin, "city1", role="supervisor")
    assert city.status_code == 201, city.json
    city1 = login("city1", PASSWORD)
    names = _names(client, city1)
    assert {"inspector1", "inspector2", "firm1", "street1", "supervisor1"} <= names
    assert "admin" not in names and "city1" not in names
    district = _new(client, city1, "district9", role="supervisor",
                    district_id=_user(dbsession, "supervisor1").district_id)  # fmt: skip
    assert district.status_code == 201, district.json
    made_admin = _new(client, city1, "admin9", role="admin")
    assert made_admin.status_code == 422 and "role" in made_admin.json["errors"]
    promote = client.patch(f"/api/users/{district.json['id']}", json={"role": "admin",
                           "district_id": None}, headers=city1)  # fmt: skip
    assert promote.status_code == 422 and "role" in promote.json["errors"]
    for username in ("admin", "city1"):
        user_id = _user(dbsession, username).id
        patch = client.patch(f"/api/users/{user_id}", json={"display_name": "x"}, headers=city1)
        assert patch.status_code == 404, username
