"""Behind a reverse proxy: X-Forwarded-* count only when PROXY_FIX_HOPS says a proxy is there."""

from __future__ import annotations

import pytest
from flask import Flask

from backend import create_app

FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "wuhao.example.cn",
    "X-Forwarded-For": "203.0.113.9",
}


def _endpoint(app: Flask) -> str:
    response = app.test_client().get("/open311/discovery.json", headers=FORWARDED)
    assert response.status_code == 200
    return response.json["endpoints"][0]["url"]


@pytest.mark.usefixtures("dbsession")
def test_forwarded_headers_count_only_behind_a_configured_proxy(app, database_url):
    behind = create_app({"DATABASE_URL": database_url, "PROXY_FIX_HOPS": 1})
    assert _endpoint(behind).startswith("https://wuhao.example.cn/open311/")
    # Without the setting a client cannot make the app believe it is someone else's https host.
    assert _endpoint(app).startswith("http://localhost/open311/")


@pytest.mark.usefixtures("dbsession")
def test_discovery_keeps_the_public_port(database_url):
    behind = create_app({"DATABASE_URL": database_url, "PROXY_FIX_HOPS": 1})
    headers = {**FORWARDED, "X-Forwarded-Port": "8443"}
    response = behind.test_client().get("/open311/discovery.json", headers=headers)
    assert response.json["endpoints"][0]["url"] == "https://wuhao.example.cn:8443/open311/v2"
