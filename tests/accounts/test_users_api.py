import sqlalchemy as sa

from backend.accounts.models import User
from backend.places.models import Grid, Organisation


def test_admin_creates_an_inspector_with_grids_who_can_sign_in(client, login, dbsession):
    admin = login("admin")
    grid_id = dbsession.scalar(sa.select(Grid.id).where(Grid.code == "G-210204001-01"))
    response = client.post(
        "/api/users",
        json={
            "username": "inspector9",
            "password": "secret-pass",
            "role": "inspector",
            "grid_ids": [grid_id],
        },
        headers=admin,
    )
    assert response.status_code == 201, response.json
    assert response.json["grid_ids"] == [grid_id]
    assert "password" not in response.json
    headers = login("inspector9", "secret-pass")
    assert client.get("/api/me", headers=headers).json["scope"]["grids"][0]["id"] == grid_id


def test_user_role_and_scope_must_fit(client, login, dbsession):
    admin = login("admin")
    utility = dbsession.scalar(sa.select(Organisation.id).where(Organisation.kind == "utility"))
    cases = [
        ({"role": "firm"}, "organisation_id"),
        ({"role": "firm", "organisation_id": utility}, "organisation_id"),
        ({"role": "inspector", "district_id": 1}, "role"),
        ({"role": "supervisor", "grid_ids": [1]}, "grid_ids"),
        ({"role": "inspector", "grid_ids": [999999]}, "grid_ids"),
    ]
    for extra, field in cases:
        body = {"username": "someone", "password": "secret-pass", **extra}
        response = client.post("/api/users", json=body, headers=admin)
        assert response.status_code == 422, (extra, response.json)
        assert field in response.json["errors"], (extra, response.json)
    assert dbsession.scalar(sa.select(User).where(User.username == "someone")) is None


def test_user_creation_input_errors(client, login):
    admin = login("admin")
    taken = {"username": "firm1", "password": "secret-pass", "role": "admin"}
    assert client.post("/api/users", json=taken, headers=admin).status_code == 409
    short = {"username": "newbie", "password": "short", "role": "admin"}
    response = client.post("/api/users", json=short, headers=admin)
    assert response.status_code == 422 and "password" in response.json["errors"]
    bad_role = {"username": "newbie", "password": "long-enough", "role": "king"}
    assert client.post("/api/users", json=bad_role, headers=admin).status_code == 422


def test_only_admin_manages_users(client, login):
    for username in ("inspector1", "firm1", "supervisor1", "street1"):
        response = client.get("/api/users", headers=login(username))
        assert response.status_code == 403, username
        assert response.json["code"] == "forbidden"


def test_changing_password_signs_out_everywhere(client, login):
    admin = login("admin")
    inspector = login("inspector2")
    me = client.get("/api/me", headers=inspector).json
    client.patch(f"/api/users/{me['id']}", json={"password": "another-pass"}, headers=admin)
    assert client.get("/api/me", headers=inspector).status_code == 401
    assert client.get("/api/me", headers=login("inspector2", "another-pass")).status_code == 200
