"""Checklist upload from the admin console: a dry-run validate with line-numbered problems, a
draft version saved from the same text, activation; the same services as `flask checklists`."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import yaml

from backend.checklists.definition import validate_file
from backend.checklists.models import Checklist, ChecklistVersion

STANDARD = Path(__file__).resolve().parents[2] / "checklists" / "wuhao-standard.yaml"


def _new_checklist_text() -> str:
    """The standard checklist under a new code, so it is a checklist of its own."""
    text = STANDARD.read_text(encoding="utf-8")
    return text.replace("code: wuhao-standard", "code: wuhao-upload-test", 1)


def _broken(text: str) -> str:
    """Two mistakes: a severity that does not exist and an item weight that is not a number."""
    text = text.replace("severity: minor", "severity: trivial", 1)
    return text.replace("weight: 10", "weight: ten", 1)


def _count(dbsession) -> int:
    return dbsession.scalar(sa.select(sa.func.count()).select_from(ChecklistVersion))


def test_validate_lists_problems_with_lines_as_the_cli_does(client, login, dbsession, tmp_path):
    admin = login("admin")
    text = _broken(_new_checklist_text())
    response = client.post(
        "/api/checklists/validate", json={"yaml": text, "filename": "bad.yaml"}, headers=admin
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["valid"] is False and body["code"] is None
    # The CLI's problems for the same text, line for line.
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    cli = [(p.line, p.path, p.message) for p in validate_file(path)]
    assert [(p["line"], p["path"], p["message"]) for p in body["problems"]] == cli
    lines = text.splitlines()
    severity = next(p for p in body["problems"] if p["path"].endswith(".severity"))
    assert "severity: trivial" in lines[severity["line"] - 1]
    assert any("weight" in p["path"] for p in body["problems"])
    assert _count(dbsession) == 1  # a dry run stores nothing


def test_validate_reports_yaml_syntax_errors_with_their_line(client, login):
    text = "code: broken\ntitle: {zh: 坏\nareas: []\n"
    response = client.post("/api/checklists/validate", json={"yaml": text}, headers=login("admin"))
    problem = response.json["problems"][0]
    assert response.json["valid"] is False and problem["line"] in (2, 3)
    assert problem["message"].startswith("YAML syntax error")


def test_aliases_that_expand_enormously_are_refused_quickly(client, login):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):  # 10**9 nodes once expanded
        lines.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]")
    text = "\n".join(lines) + "\n"
    response = client.post("/api/checklists/validate", json={"yaml": text}, headers=login("admin"))
    assert response.status_code == 200
    assert "too large" in response.json["problems"][0]["message"]
    text = "a: &a [*a]\n"  # a list containing itself
    response = client.post("/api/checklists/validate", json={"yaml": text}, headers=login("admin"))
    assert response.json["valid"] is False


def test_a_valid_upload_is_saved_as_a_draft_then_activated(client, login, dbsession):
    admin = login("admin")
    text = _new_checklist_text()
    check = client.post("/api/checklists/validate", json={"yaml": text}, headers=admin).json
    assert check["valid"] is True and check["problems"] == []
    assert check["code"] == "wuhao-upload-test" and check["checklist_id"] is None
    assert check["item_count"] > 0 and check["same_as"] is None

    body = {"yaml": text, "filename": "upload-test.yaml"}
    saved = client.post("/api/checklists/versions", json=body, headers=admin)
    assert saved.status_code == 201, saved.json
    version = saved.json["version"]
    assert saved.json["created"] is True and saved.json["code"] == "wuhao-upload-test"
    # Even a new checklist's first version waits for an administrator to activate it.
    assert version["status"] == "draft" and version["source"] == "upload-test.yaml"
    active = client.get("/api/checklists/active", headers=admin).json["checklists"]
    assert "wuhao-upload-test" not in {c["code"] for c in active}

    again = client.post("/api/checklists/versions", json=body, headers=admin)
    assert again.status_code == 200 and again.json["created"] is False
    assert again.json["version"]["id"] == version["id"]
    check = client.post("/api/checklists/validate", json={"yaml": text}, headers=admin).json
    assert check["same_as"]["id"] == version["id"]

    url = f"/api/checklists/{version['checklist_id']}/versions/{version['id']}/activate"
    activated = client.post(url, headers=admin)
    assert activated.status_code == 200 and activated.json["status"] == "active"
    assert activated.json["activated_at"]
    active = client.get("/api/checklists/active", headers=admin).json["checklists"]
    assert {"wuhao-standard", "wuhao-upload-test"} <= {c["code"] for c in active}


def test_saving_a_broken_file_is_a_422_naming_lines_and_stores_nothing(client, login, dbsession):
    before = _count(dbsession)
    body = {"yaml": _broken(_new_checklist_text()), "filename": "bad.yaml"}
    response = client.post("/api/checklists/versions", json=body, headers=login("admin"))
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    messages = response.json["errors"]["yaml"]
    assert any(m.startswith("line ") and "severity" in m for m in messages)
    assert _count(dbsession) == before
    assert (
        dbsession.scalar(sa.select(Checklist).where(Checklist.code == "wuhao-upload-test")) is None
    )


def test_a_changed_standard_is_a_new_draft_of_the_same_checklist(client, login, dbsession):
    admin = login("admin")
    data = yaml.safe_load(STANDARD.read_text(encoding="utf-8"))
    data["items"][0]["title"]["zh"] = "道路及公共场地干净整洁(上传修订)"
    text = yaml.safe_dump(data, allow_unicode=True)
    check = client.post("/api/checklists/validate", json={"yaml": text}, headers=admin).json
    standard = dbsession.scalar(sa.select(Checklist).where(Checklist.code == "wuhao-standard"))
    assert check["valid"] and check["checklist_id"] == standard.id and check["same_as"] is None
    saved = client.post("/api/checklists/versions", json={"yaml": text}, headers=admin).json
    assert saved["version"]["number"] == 2 and saved["version"]["status"] == "draft"
    listed = client.get(f"/api/checklists/{standard.id}", headers=admin).json
    assert [v["status"] for v in listed["versions"]] == ["active", "draft"]


def test_only_administrators_upload(client, login):
    text = _new_checklist_text()
    for user in ("supervisor1", "inspector1", "firm1"):
        for url in ("/api/checklists/validate", "/api/checklists/versions"):
            response = client.post(url, json={"yaml": text}, headers=login(user))
            assert response.status_code == 403, (user, url)
    assert client.post("/api/checklists/validate", json={"yaml": text}).status_code == 401


def test_empty_and_control_characters_are_refused_by_field(client, login):
    admin = login("admin")
    for text in ("", "code: a\x00b\n"):
        response = client.post("/api/checklists/validate", json={"yaml": text}, headers=admin)
        assert response.status_code == 422 and "yaml" in response.json["errors"], text
