from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from backend.accounts.models import User


def test_login_gives_token_and_me_shows_role_and_scope(client, login):
    headers = login("inspector1")
    me = client.get("/api/me", headers=headers)
    assert me.status_code == 200
    assert me.json["username"] == "inspector1"
    assert me.json["role"] == "inspector"
    assert me.json["scope"]["level"] == "grids"
    assert [g["code"] for g in me.json["scope"]["grids"]] == [
        "G-210202001-01",
        "G-210202001-02",
        "G-210202002-01",
    ]


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    wrong = client.post("/api/auth/login", json={"username": "inspector1", "password": "nope-nope"})
    unknown = client.post("/api/auth/login", json={"username": "ghost", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["message"] == unknown.json["message"]
    assert set(wrong.json) == {"code", "status", "message", "errors"}


def test_passwords_are_stored_as_argon2_hashes(dbsession):
    user = dbsession.scalar(sa.select(User).where(User.username == "admin"))
    assert user.password_hash.startswith("$argon2")
    assert "demo12345" not in user.password_hash


def test_requests_without_valid_token_are_401(client):
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    response = client.get("/api/estates", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_logout_revokes_the_token(client, login):
    headers = login("firm1")
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    response = client.get("/api/me", headers=headers)
    assert response.status_code == 401


def test_tokens_expire(client, login, frozen_clock, app):
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    frozen_clock(start)
    headers = login("inspector2")
    frozen_clock(start + timedelta(seconds=app.config["TOKEN_TTL_SECONDS"] - 1))
    assert client.get("/api/me", headers=headers).status_code == 200
    frozen_clock(start + timedelta(seconds=app.config["TOKEN_TTL_SECONDS"] + 1))
    response = client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.json["code"] == "token_expired"


def test_repeated_failures_lock_the_username_then_it_recovers(client, frozen_clock, app):
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    frozen_clock(start)
    bad = {"username": "street1", "password": "wrong-password"}
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/api/auth/login", json=bad).status_code == 401
    good = {"username": "street1", "password": "demo12345"}
    locked = client.post("/api/auth/login", json=good)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == app.config["LOGIN_LOCK_SECONDS"]
    frozen_clock(start + timedelta(seconds=app.config["LOGIN_LOCK_SECONDS"] + 1))
    assert client.post("/api/auth/login", json=good).status_code == 200
    # The counter was reset by the success: one new failure does not lock again.
    assert client.post("/api/auth/login", json=bad).status_code == 401
    assert client.post("/api/auth/login", json=good).status_code == 200


def test_lockout_grows_with_further_failures(client, frozen_clock, app):
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    frozen_clock(start)
    bad = {"username": "ghost-user", "password": "wrong-password"}
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/api/auth/login", json=bad)
    frozen_clock(start + timedelta(seconds=app.config["LOGIN_LOCK_SECONDS"] + 1))
    assert client.post("/api/auth/login", json=bad).status_code == 401  # sixth failure
    again = client.post("/api/auth/login", json=bad)
    assert again.status_code == 429
    assert int(again.headers["Retry-After"]) == 2 * app.config["LOGIN_LOCK_SECONDS"]


def test_deactivated_user_loses_access(client, login):
    admin = login("admin")
    firm = login("firm2")
    me = client.get("/api/me", headers=firm).json
    response = client.patch(f"/api/users/{me['id']}", json={"is_active": False}, headers=admin)
    assert response.status_code == 200
    assert client.get("/api/me", headers=firm).status_code == 401
    again = client.post("/api/auth/login", json={"username": "firm2", "password": "demo12345"})
    assert again.status_code == 401
