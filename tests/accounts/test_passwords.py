"""Everyone changes their own password; an administrator's reset forces a change first."""

import sqlalchemy as sa

from backend.accounts.models import User
from tests.conftest import DEMO_PASSWORD


def _change(client, headers, current, new):
    body = {"current_password": current, "new_password": new}
    return client.post("/api/auth/password", json=body, headers=headers)


def test_a_user_changes_their_own_password(client, login):
    headers = login("inspector1")
    other_session = login("inspector1")
    response = _change(client, headers, DEMO_PASSWORD, "a-new-secret-1")
    assert response.status_code == 200, response.json
    assert response.json["username"] == "inspector1"
    assert response.json["must_change_password"] is False
    assert client.get("/api/me", headers=headers).status_code == 200  # this session stays
    assert client.get("/api/me", headers=other_session).status_code == 401  # others end
    login("inspector1", "a-new-secret-1")
    old = {"username": "inspector1", "password": DEMO_PASSWORD}
    assert client.post("/api/auth/login", json=old).status_code == 401


def test_a_wrong_current_password_is_refused_and_counts_as_a_failed_login(client, login, dbsession):
    headers = login("firm1")
    response = _change(client, headers, "not-my-password", "a-new-secret-1")
    assert response.status_code == 422
    assert response.json["code"] == "wrong_password"
    assert response.json["message"].startswith("当前密码不正确")
    assert "current_password" in response.json["errors"]
    for _ in range(4):
        _change(client, headers, "still-wrong", "a-new-secret-1")
    locked = _change(client, headers, DEMO_PASSWORD, "a-new-secret-1")
    assert locked.status_code == 429  # a stolen token is no way to guess the password


def test_a_weak_or_unchanged_new_password_is_refused(client, login):
    headers = login("firm1")
    short = _change(client, headers, DEMO_PASSWORD, "short")
    assert short.status_code == 422 and "new_password" in short.json["errors"]
    same = _change(client, headers, DEMO_PASSWORD, DEMO_PASSWORD)
    assert same.status_code == 422 and "new_password" in same.json["errors"]
    assert _change(client, {}, DEMO_PASSWORD, "a-new-secret-1").status_code == 401
    login("firm1")  # nothing changed


def test_an_admin_reset_forces_a_change_before_anything_else(client, login, dbsession):
    admin = login("admin")
    user_id = dbsession.scalar(sa.select(User.id).where(User.username == "inspector2"))
    reset = client.patch(f"/api/users/{user_id}", json={"password": "temporary-1"}, headers=admin)
    assert reset.status_code == 200 and reset.json["must_change_password"] is True
    signed_in = client.post(
        "/api/auth/login", json={"username": "inspector2", "password": "temporary-1"}
    )
    assert signed_in.status_code == 200
    assert signed_in.json["user"]["must_change_password"] is True
    headers = {"Authorization": f"Bearer {signed_in.json['token']}"}
    refused = client.get("/api/estates", headers=headers)
    assert refused.status_code == 403
    assert refused.json["code"] == "password_change_required"
    assert refused.json["message"].startswith("请先修改密码")
    assert client.get("/api/me", headers=headers).json["must_change_password"] is True
    changed = _change(client, headers, "temporary-1", "my-own-secret-9")
    assert changed.status_code == 200 and changed.json["must_change_password"] is False
    assert client.get("/api/estates", headers=headers).status_code == 200
    assert client.post("/api/auth/logout", headers=headers).status_code == 204


def test_an_admin_setting_their_own_password_is_not_a_reset(client, login, dbsession):
    admin = login("admin")
    me = client.get("/api/me", headers=admin).json["id"]
    done = client.patch(f"/api/users/{me}", json={"password": "admin-pass-2"}, headers=admin)
    assert done.status_code == 200 and done.json["must_change_password"] is False


def test_cli_asks_for_passwords_and_takes_them_from_stdin(app, dbsession):
    runner = app.test_cli_runner()
    asked = runner.invoke(
        args=["users", "create", "prompted1", "--role", "admin"],
        input="long-password\nlong-password\n",
    )
    assert asked.exit_code == 0, asked.output
    assert "long-password" not in asked.output  # hidden
    mismatch = runner.invoke(
        args=["users", "create", "prompted2", "--role", "admin"],
        input="long-password\nother-password\nlong-password\nlong-password\n",
    )
    assert mismatch.exit_code == 0 and "do not match" in mismatch.output
    piped = runner.invoke(
        args=["users", "set-password", "prompted1", "--password-stdin"], input="reset-pass-1\n"
    )
    assert piped.exit_code == 0, piped.output
    user = dbsession.scalar(sa.select(User).where(User.username == "prompted1"))
    assert user.must_change_password is True
    weak = runner.invoke(
        args=["users", "set-password", "prompted1", "--password-stdin", "--final"], input="x\n"
    )
    assert weak.exit_code != 0 and "8" in weak.output
    final = runner.invoke(
        args=["users", "set-password", "prompted1", "--final"],
        env={"WUHAO_USER_PASSWORD": "final-pass-1"},
    )
    assert final.exit_code == 0, final.output
    dbsession.refresh(user)
    assert user.must_change_password is False
    old_style = runner.invoke(
        args=["users", "create", "x3", "--role", "admin", "--password", "long-password"]
    )
    assert old_style.exit_code != 0  # never on the command line
    unknown = runner.invoke(
        args=["users", "set-password", "nobody-here", "--password-stdin"], input="long-pass\n"
    )
    assert unknown.exit_code != 0 and "no user" in unknown.output


def test_after_a_reset_every_operation_but_three_waits_for_the_new_password(app, client, dbsession):
    """Every signed-in route of the access matrix, called by a user whose password was reset."""
    import uuid

    from werkzeug.routing import IntegerConverter

    from tests.security.test_access_matrix import MATRIX, PUBLIC, _routes
    from tests.security.tokens import bearer

    user = dbsession.scalar(sa.select(User).where(User.username == "supervisor1"))
    user.must_change_password = True
    dbsession.flush()
    headers = {**bearer(dbsession, "supervisor1"), "Tus-Resumable": "1.0.0"}
    allowed = {"GET /api/me", "POST /api/auth/password", "POST /api/auth/logout"}
    routes = _routes(app)
    urls = app.url_map.bind("localhost")
    wrong, checked = [], 0
    for key, row in MATRIX.items():
        if row.who == PUBLIC or key in allowed:
            continue
        checked += 1
        method = key.split(" ", 1)[0]
        rule = routes[key]
        values: dict[str, object] = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                values[name] = 1
            elif "uuid" in type(converter).__name__.lower() or name == "inspection_id":
                values[name] = str(uuid.uuid4())
            else:
                values[name] = {"sha256": "a" * 64, "variant": "display"}.get(name, "estates")
        path = urls.build(rule.endpoint, values, method=method)
        response = client.open(path, method=method, headers=headers, json={})
        code = (response.get_json(silent=True) or {}).get("code")
        if response.status_code != 403 or (method != "HEAD" and code != "password_change_required"):
            wrong.append(f"{key}: {response.status_code} {response.get_data(as_text=True)[:80]}")
    assert not wrong, "\n".join(wrong)
    assert checked > 50
    assert client.get("/api/me", headers=headers).status_code == 200
