"""/api/open311-keys: administrators issue a channel key (shown once), rename and revoke it."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from backend.open311.models import ApiKey

KEYS = "/api/open311-keys"


def test_admin_issues_renames_and_revokes_a_key(client, login, dbsession, post):
    admin = login("admin")
    issued = client.post(KEYS, json={"name": " 民心网 "}, headers=admin)
    assert issued.status_code == 201, issued.json
    key = issued.json["key"]
    assert issued.json["name"] == "民心网" and issued.json["active"] is True
    row = dbsession.get(ApiKey, issued.json["id"])
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert post(key=key).status_code == 201
    listed = client.get(KEYS, headers=admin)
    assert listed.status_code == 200
    assert "民心网" in [k["name"] for k in listed.json]
    assert key not in listed.get_data(as_text=True)  # shown once, never again

    renamed = client.patch(f"{KEYS}/{row.id}", json={"name": "辽宁民心网"}, headers=admin)
    assert renamed.status_code == 200 and renamed.json["name"] == "辽宁民心网"
    assert post(key=key, description="又一次").status_code == 201  # the channel keeps its key

    revoked = client.post(f"{KEYS}/{row.id}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json["active"] is False
    assert revoked.json["revoked_at"] is not None
    assert post(key=key).status_code == 403
    again = client.post(f"{KEYS}/{row.id}/revoke", headers=admin)
    assert again.status_code == 200 and again.json["revoked_at"] == revoked.json["revoked_at"]


def test_bad_names_are_refused_naming_the_field_and_change_nothing(client, login, dbsession):
    admin = login("admin")
    count = sa.select(sa.func.count()).select_from(ApiKey)
    before = dbsession.scalar(count)
    first = client.post(KEYS, json={"name": "易安居"}, headers=admin).json
    for body, status in (
        ({"name": "易安居"}, 409),  # taken
        ({"name": ""}, 422),
        ({"name": "   "}, 422),
        ({"name": "长" * 65}, 422),
        ({"name": "热线\x00"}, 422),
        ({}, 422),
    ):
        response = client.post(KEYS, json=body, headers=admin)
        assert response.status_code == status, (body, response.json)
        assert "name" in response.json["errors"], (body, response.json)
        assert "key" not in response.json
    assert dbsession.scalar(count) == before + 1
    other = client.post(KEYS, json={"name": "12345热线"}, headers=admin).json
    taken = client.patch(f"{KEYS}/{other['id']}", json={"name": "易安居"}, headers=admin)
    assert taken.status_code == 409 and "name" in taken.json["errors"]
    assert dbsession.get(ApiKey, other["id"]).name == "12345热线"
    assert client.patch(f"{KEYS}/999999", json={"name": "x"}, headers=admin).status_code == 404
    assert client.post(f"{KEYS}/999999/revoke", headers=admin).status_code == 404
    assert first["name"] == "易安居"


def test_only_administrators_manage_keys(client, login, dbsession):
    row = dbsession.scalar(sa.select(ApiKey).limit(1))
    for username in ("inspector1", "firm1", "street1", "supervisor1"):
        headers = login(username)
        assert client.get(KEYS, headers=headers).status_code == 403, username
        assert client.post(KEYS, json={"name": "偷偷"}, headers=headers).status_code == 403
        if row is not None:
            refused = client.post(f"{KEYS}/{row.id}/revoke", headers=headers)
            assert refused.status_code == 403
    assert client.get(KEYS).status_code == 401
    assert dbsession.scalar(sa.select(ApiKey).where(ApiKey.name == "偷偷")) is None
