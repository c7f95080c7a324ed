"""Administering the place tree over the API: districts, streets, communities, grids, estates,
each within the caller's jurisdiction, and deactivation only when nothing current hangs on it."""

import sqlalchemy as sa
from geoalchemy2.shape import to_shape
from shapely.geometry import box, mapping

from backend.places.models import Community, District, Estate, Grid, Street
from backend.tickets.models import OPEN_STATES, Ticket

FAR = mapping(box(121.6380, 38.9300, 121.6395, 38.9310))


def _id(dbsession, model, code: str) -> int:
    return dbsession.scalar(sa.select(model.id).where(model.code == code))


def test_districts_and_streets_are_created_edited_and_deactivated(client, login, dbsession):
    admin = login("admin")
    made = client.post("/api/districts", json={"code": "210299", "name": "测试区"}, headers=admin)
    assert made.status_code == 201 and made.json["is_active"] is True, made.json
    district = made.json["id"]
    taken = client.post("/api/districts", json={"code": "210202", "name": "重"}, headers=admin)
    assert taken.status_code == 409 and "code" in taken.json["errors"]
    bad = client.post("/api/districts", json={"code": "21 02!", "name": "坏"}, headers=admin)
    assert bad.status_code == 422 and "code" in bad.json["errors"]
    street = client.post("/api/streets", json={"code": "210299001", "name": "测试街道",
                                               "district_id": district}, headers=admin)  # fmt: skip
    assert street.status_code == 201, street.json
    renamed = client.patch(f"/api/streets/{street.json['id']}", json={"name": "改名街道"},
                           headers=admin)  # fmt: skip
    assert renamed.json["name"] == "改名街道", renamed.json
    # A district with an active street cannot be deactivated; the street first, then it can.
    held = client.patch(f"/api/districts/{district}", json={"is_active": False}, headers=admin)
    assert held.status_code == 409 and "is_active" in held.json["errors"], held.json
    assert held.json["message"].startswith("仍有启用的街道 1 个")
    off = client.patch(f"/api/streets/{street.json['id']}", json={"is_active": False},
                       headers=admin)  # fmt: skip
    assert off.status_code == 200 and off.json["is_active"] is False
    assert client.patch(f"/api/districts/{district}", json={"is_active": False},
                        headers=admin).status_code == 200  # fmt: skip
    under = client.post("/api/streets", json={"code": "210299002", "name": "停用区下",
                                              "district_id": district}, headers=admin)  # fmt: skip
    assert under.status_code == 422 and under.json["errors"] == {"district_id": ["deactivated"]}
    listed = client.get("/api/districts?active=false", headers=admin).json
    assert [d["code"] for d in listed] == ["210299"]
    assert "210299" not in [d["code"] for d in client.get("/api/districts?active=true",
                                                           headers=admin).json]  # fmt: skip


def test_a_street_with_estates_stays_active(client, login, dbsession):
    street = _id(dbsession, Street, "210202001")
    held = client.patch(f"/api/streets/{street}", json={"is_active": False}, headers=login("admin"))
    assert held.status_code == 409 and "estates" in held.json["errors"]["is_active"][0]
    dbsession.expire_all()
    assert dbsession.get(Street, street).is_active is True


def test_supervisors_manage_only_their_own_jurisdiction(client, login, dbsession):
    supervisor = login("supervisor1")  # 中山区 (210202)
    city = client.post("/api/districts", json={"code": "210298", "name": "越权区"},
                       headers=supervisor)  # fmt: skip
    assert city.status_code == 403
    own = client.post("/api/streets", json={"code": "210202099", "name": "新街道",
                      "district_id": _id(dbsession, District, "210202")}, headers=supervisor)  # fmt: skip
    assert own.status_code == 201, own.json
    other = client.post("/api/streets", json={"code": "210203099", "name": "别区街道",
                        "district_id": _id(dbsession, District, "210203")}, headers=supervisor)  # fmt: skip
    assert other.status_code == 403 and "scope" in other.json["errors"]
    street1 = login("street1")  # 青泥洼桥街道 only
    rename = client.patch(f"/api/streets/{_id(dbsession, Street, '210202001')}",
                          json={"name": "x"}, headers=street1)  # fmt: skip
    assert rename.status_code == 403
    for who in ("inspector1", "firm1"):
        assert client.post("/api/districts", json={"code": "1", "name": "x"},
                           headers=login(who)).status_code == 403  # fmt: skip


def test_communities_of_a_street(client, login, dbsession):
    street1 = login("street1")
    own = _id(dbsession, Street, "210202001")
    made = client.post(
        "/api/communities", json={"street_id": own, "name": "新社区"}, headers=street1
    )
    assert made.status_code == 201, made.json
    twice = client.post("/api/communities", json={"street_id": own, "name": "新社区"},
                        headers=street1)  # fmt: skip
    assert twice.status_code == 409 and "name" in twice.json["errors"]
    other = client.post("/api/communities", json={"street_id": _id(dbsession, Street, "210203001"),
                        "name": "越权社区"}, headers=street1)  # fmt: skip
    assert other.status_code == 403
    listed = client.get("/api/communities", headers=street1).json
    assert {c["street_id"] for c in listed} == {own} and "新社区" in [c["name"] for c in listed]
    off = client.patch(f"/api/communities/{made.json['id']}", json={"is_active": False},
                       headers=street1)  # fmt: skip
    assert off.status_code == 200 and off.json["is_active"] is False
    used = dbsession.scalar(
        sa.select(Community.id).join(Estate, Estate.community_id == Community.id).limit(1)
    )
    held = client.patch(f"/api/communities/{used}", json={"is_active": False},
                        headers=login("admin"))  # fmt: skip
    assert held.status_code == 409 and "estates" in held.json["errors"]["is_active"][0]


def test_a_grid_is_deactivated_only_without_inspectors_or_open_tickets(client, login, dbsession):
    admin = login("admin")
    street = _id(dbsession, Street, "210202001")
    body = {"code": "G-OFF-01", "name": "将停用", "street_id": street, "geometry": FAR}
    grid = client.post("/api/grids", json=body, headers=admin).json["id"]
    off = client.patch(f"/api/grids/{grid}", json={"is_active": False}, headers=admin)
    assert off.status_code == 200 and off.json["is_active"] is False
    inactive = client.get(f"/api/grids?street_id={street}&active=false", headers=admin).json
    assert [g["code"] for g in inactive] == ["G-OFF-01"]
    staffed = _id(dbsession, Grid, "G-210202001-01")  # inspector1's
    held = client.patch(f"/api/grids/{staffed}", json={"is_active": False}, headers=admin)
    assert held.status_code == 409 and "assigned inspectors" in held.json["errors"]["is_active"][0]
    dbsession.expire_all()
    assert dbsession.get(Grid, staffed).is_active is True
    assert client.patch(f"/api/grids/{grid}", json={"is_active": True},
                        headers=admin).json["is_active"] is True  # fmt: skip


def test_an_estate_is_edited_and_moved_and_its_tickets_keep_their_unit(client, login, dbsession):
    admin = login("admin")
    estate = dbsession.scalar(
        sa.select(Estate).join(Street).where(Street.code == "210202001").order_by(Estate.code)
    )
    case = {"estate_id": estate.id, "item_code": "GAR-06", "description": "垃圾外溢"}
    made = client.post("/api/tickets", json=case, headers=login("street1"))
    assert made.status_code == 201, made.json
    ticket = dbsession.get(Ticket, made.json["id"])
    assert ticket.state in OPEN_STATES
    unit = ticket.responsible_org_id
    west, south, east, north = to_shape(estate.boundary).bounds
    outline = mapping(box(west, south, east + 0.0005, north))
    edited = client.patch(f"/api/estates/{estate.id}", json={"name": "改名小区", "households": 321,
                          "geometry": outline}, headers=admin)  # fmt: skip
    assert edited.status_code == 200, edited.json
    assert edited.json["name"] == "改名小区" and edited.json["households"] == 321
    bowtie = {"type": "Polygon", "coordinates": [[[west, south], [east, north], [east, south],
              [west, north], [west, south]]]}  # fmt: skip
    bad = client.patch(f"/api/estates/{estate.id}", json={"geometry": bowtie, "name": "不该改"},
                       headers=admin)  # fmt: skip
    assert bad.status_code == 422 and "geometry" in bad.json["errors"]
    dbsession.expire_all()
    assert dbsession.get(Estate, estate.id).name == "改名小区"
    target = _id(dbsession, Street, "210202002")
    moved = client.patch(f"/api/estates/{estate.id}", json={"street_id": target}, headers=admin)
    assert moved.status_code == 200, moved.json
    assert moved.json["street_id"] == target and moved.json["community_id"] is None
    assert isinstance(moved.json["old_office_open_tickets"], int)
    dbsession.expire_all()
    assert dbsession.get(Ticket, ticket.id).responsible_org_id == unit
    grid = dbsession.get(Estate, estate.id).grid
    assert grid is None or grid.street_id == target


def test_estate_moves_stay_within_jurisdiction(client, login, dbsession):
    street1 = login("street1")
    estate = dbsession.scalar(
        sa.select(Estate.id).join(Street).where(Street.code == "210202001").limit(1)
    )
    away = client.patch(f"/api/estates/{estate}", json={"street_id": _id(dbsession, Street,
                        "210202002")}, headers=street1)  # fmt: skip
    assert away.status_code == 403
    dbsession.expire_all()
    assert dbsession.get(Estate, estate).street.code == "210202001"
    assert client.patch(f"/api/estates/{estate}", json={"name": "x"},
                        headers=login("inspector1")).status_code == 403  # fmt: skip
