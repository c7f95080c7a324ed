"""Registering grids (API and `flask grids`), so inspectors can be assigned to them."""

import json

import sqlalchemy as sa
from shapely.geometry import box, mapping

from backend.places.models import Estate, Grid, Street

# A rectangle over E001 (in 青泥洼桥街道) and a rectangle far from any estate.
FAR = mapping(box(121.6380, 38.9300, 121.6395, 38.9310))


def _street(dbsession, code: str = "210202001") -> int:
    return dbsession.scalar(sa.select(Street.id).where(Street.code == code))


def test_admin_registers_a_grid_and_assigns_an_inspector(client, login, dbsession):
    admin = login("admin")
    body = {"code": "G-TEST-01", "name": "测试网格", "street_id": _street(dbsession),
            "geometry": FAR}  # fmt: skip
    created = client.post("/api/grids", json=body, headers=admin)
    assert created.status_code == 201, created.json
    grid_id = created.json["id"]
    assert created.json["geometry"]["type"] == "MultiPolygon"
    renamed = client.patch(f"/api/grids/{grid_id}", json={"name": "测试网格(改)"}, headers=admin)
    assert renamed.status_code == 200 and renamed.json["name"] == "测试网格(改)"
    user = {"username": "gridman1", "password": "grid-pass-1", "role": "inspector",
            "grid_ids": [grid_id]}  # fmt: skip
    assert client.post("/api/users", json=user, headers=admin).status_code == 201
    mine = client.get("/api/grids", headers=login("gridman1", "grid-pass-1")).json
    assert [g["code"] for g in mine] == ["G-TEST-01"]


def test_redrawing_a_grid_moves_the_estates_it_holds(client, login, dbsession):
    admin = login("admin")
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "E001"))
    old_grid = estate.grid_id
    body = {"code": "G-TEST-02", "name": "移动网格", "street_id": _street(dbsession),
            "geometry": FAR}  # fmt: skip
    grid_id = client.post("/api/grids", json=body, headers=admin).json["id"]
    # Redraw the old grid away from E001 and the new one over the whole street: E001 moves.
    street_box = mapping(box(121.619, 38.905, 121.640, 38.934))
    client.patch(f"/api/grids/{old_grid}", json={"geometry": FAR}, headers=admin)
    moved = client.patch(f"/api/grids/{grid_id}", json={"geometry": street_box}, headers=admin)
    assert moved.status_code == 200, moved.json
    dbsession.expire_all()
    assert dbsession.get(Estate, estate.id).grid_id == grid_id


def test_bad_grids_are_refused(client, login, dbsession):
    admin = login("admin")
    street_id = _street(dbsession)
    taken = dbsession.scalar(sa.select(Grid.code).limit(1))
    bowtie = {"type": "Polygon", "coordinates": [[[121.63, 38.92], [121.64, 38.93],
              [121.64, 38.92], [121.63, 38.93], [121.63, 38.92]]]}  # fmt: skip
    cases = [
        ({"code": taken, "name": "重复", "street_id": street_id, "geometry": FAR}, 409, "code"),
        ({"code": "G-X", "name": "无街", "street_id": 999999, "geometry": FAR}, 422, "street_id"),
        ({"code": "G-X", "name": "自交", "street_id": street_id, "geometry": bowtie}, 422,
         "geometry"),
        ({"code": "G X!", "name": "坏码", "street_id": street_id, "geometry": FAR}, 422, "code"),
    ]  # fmt: skip
    for body, status, field in cases:
        response = client.post("/api/grids", json=body, headers=admin)
        assert response.status_code == status, (body, response.json)
        assert field in response.json["errors"], (body, response.json)


def test_grids_are_registered_within_ones_jurisdiction(client, login, dbsession):
    """street1 holds 青泥洼桥街道 (210202001), supervisor1 its district 中山区; 白云街道 is
    another district's street. Inspectors and firms never register grids."""
    other = _street(dbsession, "210203001")
    grid_id = dbsession.scalar(sa.select(Grid.id).where(Grid.code == "G-210202001-01"))
    for username in ("inspector1", "firm1"):
        headers = login(username)
        body = {"code": "G-TEST-03", "name": "越权", "street_id": other, "geometry": FAR}
        assert client.post("/api/grids", json=body, headers=headers).status_code == 403, username
        patch = client.patch(f"/api/grids/{grid_id}", json={"name": "x"}, headers=headers)
        assert patch.status_code == 403, username
    for n, username in enumerate(("street1", "supervisor1")):
        headers = login(username)
        body = {"code": f"G-T-{n}", "name": "越权", "street_id": other, "geometry": FAR}
        refused = client.post("/api/grids", json=body, headers=headers)
        assert refused.status_code == 403 and "scope" in refused.json["errors"], username
        mine = {**body, "street_id": _street(dbsession)}
        assert client.post("/api/grids", json=mine, headers=headers).status_code == 201, username
        renamed = client.patch(f"/api/grids/{grid_id}", json={"name": f"改{n}"}, headers=headers)
        assert renamed.status_code == 200, username
    far_grid = dbsession.scalar(sa.select(Grid.id).join(Street).where(Street.code == "210203001"))
    hidden = client.patch(f"/api/grids/{far_grid}", json={"name": "x"}, headers=login("street1"))
    assert hidden.status_code == 404


def test_flask_grids_commands(app, dbsession, tmp_path):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["grids", "create", "--code", "G-CLI-01", "--name", "命令行网格",
                               "--street-code", "210202001", "--crs", "wgs84",
                               "--bbox", "121.6380,38.9300,121.6395,38.9310"])  # fmt: skip
    assert made.exit_code == 0, made.output
    path = tmp_path / "grid.json"
    path.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": FAR}))
    from_file = runner.invoke(args=["grids", "create", "--code", "G-CLI-02", "--name", "文件网格",
                                    "--street-code", "210202001", "--crs", "gcj02",
                                    "--geojson", str(path)])  # fmt: skip
    assert from_file.exit_code == 0, from_file.output
    listed = runner.invoke(args=["grids", "list", "--street-code", "210202001"])
    assert "G-CLI-01" in listed.output and "G-CLI-02" in listed.output
    again = runner.invoke(args=["grids", "create", "--code", "G-CLI-01", "--name", "重复",
                                "--street-code", "210202001", "--crs", "wgs84",
                                "--bbox", "121.6380,38.9300,121.6395,38.9310"])  # fmt: skip
    assert again.exit_code != 0 and "grid code exists" in again.output
    no_shape = runner.invoke(args=["grids", "create", "--code", "G-CLI-03", "--name", "无形",
                                   "--street-code", "210202001", "--crs", "wgs84"])  # fmt: skip
    assert no_shape.exit_code != 0 and "--bbox" in no_shape.output
    assert dbsession.scalar(sa.select(Grid).where(Grid.code == "G-CLI-03")) is None
