"""One error shape everywhere, no stack traces, nothing written on errors."""

import json
import re

import pytest
from psycopg.errors import DeadlockDetected, SerializationFailure
from sqlalchemy.exc import OperationalError

SHAPE = {"code", "status", "message", "errors"}


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/nowhere", 404, "not_found"),
        ("delete", "/api/health", 405, "method_not_allowed"),
        ("put", "/api/auth/login", 405, "method_not_allowed"),
    ],
)
def test_routing_errors_use_the_shape(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert set(response.json) == SHAPE
    assert response.json["code"] == code and response.json["status"] == status


def test_malformed_json_is_400(client):
    response = client.post("/api/auth/login", data="{oops", content_type="application/json")
    assert response.status_code == 400 and set(response.json) == SHAPE
    assert "JSON" in response.json["message"]


def test_wrong_types_and_unknown_fields_are_422(client):
    response = client.post("/api/auth/login", json={"username": 5, "password": "x", "more": 1})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"username", "more"}


def test_huge_body_is_413(client, app):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/api/auth/login", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json["code"] == "payload_too_large"


def test_unexpected_errors_are_500_without_trace(client, login, monkeypatch):
    headers = login("admin")

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("backend.places.services.districts", explode)
    response = client.get("/api/districts", headers=headers)
    assert response.status_code == 500
    assert set(response.json) == SHAPE
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("orig", [DeadlockDetected("deadlock"), SerializationFailure("racing")])
def test_a_transaction_the_database_rolled_back_is_503_retry(client, login, monkeypatch, orig):
    headers = login("admin")

    def give_way(*args, **kwargs):
        raise OperationalError("UPDATE map_cells ...", {}, orig)

    monkeypatch.setattr("backend.places.services.districts", give_way)
    response = client.get("/api/districts", headers=headers)
    assert response.status_code == 503 and set(response.json) == SHAPE
    assert response.headers["Retry-After"] == "1"
    assert "map_cells" not in response.get_data(as_text=True)


def test_openapi_documents_every_api_route_with_bearer_auth(client, app):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    documented = {path for path in spec["paths"]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and not rule.rule.startswith(
            ("/api/docs", "/api/openapi")
        ):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            assert path in documented, rule.rule
    assert spec["paths"]["/api/estates"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/api/auth/login"]["post"]


def test_docs_ui_is_served_from_local_assets(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/docs/assets/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


def test_html_gets_security_headers_and_utf8(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "charset=utf-8" in response.headers["Content-Type"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "五好小区" in response.get_data(as_text=True)


def test_json_keeps_chinese_readable(client, login):
    response = client.get("/api/districts", headers=login("admin"))
    assert "中山区" in response.get_data(as_text=True)
    assert json.loads(response.data)[0]["name"]


def _codes_the_backend_emits() -> set[str]:
    """Every `code` the API can answer with: the per-status defaults, every `code="…"` given to
    an error in the code, and the photo pipeline's rejection codes (passed on as the code).
    Open311 is left out: it answers in the GeoReport standard's own error format."""
    import ast
    from pathlib import Path
    from typing import get_args

    from backend.errors import CODES
    from backend.photos.pipeline import RejectCode

    codes = set(CODES.values()) | set(get_args(RejectCode))
    root = Path(__file__).resolve().parent.parent / "backend"
    for source in root.rglob("*.py"):
        if "open311" in source.parts:
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        codes.add(keyword.value.value)
    return codes


def test_readme_lists_every_error_code_with_its_status():
    from pathlib import Path

    from backend.errors import CODES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", readme, flags=re.MULTILINE))
    emitted = _codes_the_backend_emits()
    assert emitted - set(rows) == set(), "codes missing from the README"
    assert set(rows) - emitted == set(), "codes in the README that nothing emits"
    for status, code in CODES.items():
        assert rows[code] == str(status), code
