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


def test_only_admins_and_supervisors_manage_users(client, login):
    for username in ("inspector1", "firm1"):
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


def test_users_are_listed_by_role_activity_and_text(client, login, dbsession):
    admin = login("admin")
    inspector = dbsession.scalar(sa.select(User).where(User.username == "inspector2"))
    client.patch(f"/api/users/{inspector.id}", json={"is_active": False}, headers=admin)

    def names(query: str) -> list[str]:
        response = client.get(f"/api/users?{query}&page_size=100", headers=admin)
        assert response.status_code == 200, response.json
        return [user["username"] for user in response.json]

    assert "inspector2" in names("role=inspector&active=false")
    assert "inspector2" not in names("role=inspector&active=true")
    assert "inspector1" in names("active=true")
    assert names("q=street") == ["street1"]
    assert names("q=%25") == [] and names("q=_") == []  # literal, not wildcards
    assert client.get("/api/users?q=", headers=admin).status_code == 422


def test_an_admin_cannot_lock_themselves_out(client, login, dbsession):
    admin = login("admin")
    me = client.get("/api/me", headers=admin).json
    for change, field in (({"is_active": False}, "is_active"), ({"role": "inspector"}, "role")):
        response = client.patch(f"/api/users/{me['id']}", json=change, headers=admin)
        assert response.status_code == 409, response.json
        assert response.json["code"] == "own_account" and field in response.json["errors"]
    assert client.get("/api/me", headers=admin).json["role"] == "admin"
    renamed = client.patch(
        f"/api/users/{me['id']}", json={"display_name": "管理员甲"}, headers=admin
    )
    assert renamed.status_code == 200


def test_deactivation_and_reset_take_effect_at_once(client, login, dbsession):
    admin = login("admin")
    created = client.post(
        "/api/users",
        json={"username": "temp-inspector", "password": "first-pass-1", "role": "inspector",
              "must_change_password": True},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 201 and created.json["must_change_password"] is True
    user_id = created.json["id"]
    session = login("temp-inspector", "first-pass-1")
    assert client.get("/api/estates", headers=session).json["code"] == "password_change_required"
    off = client.patch(f"/api/users/{user_id}", json={"is_active": False}, headers=admin)
    assert off.status_code == 200 and off.json["is_active"] is False
    assert client.get("/api/me", headers=session).status_code == 401
    refused = client.post(
        "/api/auth/login", json={"username": "temp-inspector", "password": "first-pass-1"}
    )
    assert refused.status_code == 401
    on = client.patch(
        f"/api/users/{user_id}", json={"is_active": True, "password": "reset-pass-2"}, headers=admin
    )
    assert on.status_code == 200 and on.json["must_change_password"] is True
    assert client.get("/api/me", headers=login("temp-inspector", "reset-pass-2")).status_code == 200
