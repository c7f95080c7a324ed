"""Stored checklist versions: import, immutability, activation, API with ETag, CLI, deadlines."""

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.exc import IntegrityError

from backend.checklists import services
from backend.checklists.calendar import SHANGHAI
from backend.checklists.definition import load_definition
from backend.checklists.models import Checklist, ChecklistVersion, VersionStatus
from backend.errors import ValidationFailed

STANDARD = Path(__file__).resolve().parents[2] / "checklists" / "wuhao-standard.yaml"


@pytest.fixture
def standard(dbsession) -> ChecklistVersion:
    return dbsession.scalar(
        sa.select(ChecklistVersion)
        .join(Checklist)
        .where(Checklist.code == "wuhao-standard", ChecklistVersion.status == VersionStatus.active)
    )


@pytest.fixture
def changed_file(tmp_path) -> Path:
    data = yaml.safe_load(STANDARD.read_text(encoding="utf-8"))
    data["items"][0]["title"]["zh"] = "道路及公共场地干净整洁(修订)"
    path = tmp_path / "wuhao-standard-v2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_standard_checklist_is_active_with_all_items(standard):
    assert standard.number == 1 and standard.item_count == len(load_definition(STANDARD).items)
    definition = services.definition_of(standard)
    assert {area.key for area in definition.areas} == {
        "sanitation",
        "order",
        "facilities",
        "garbage",
        "property",
    }


def test_reimporting_the_same_content_adds_nothing(standard, dbsession):
    result = services.import_definition(load_definition(STANDARD), "again.yaml")
    assert result.version.id == standard.id and not result.created and not result.activated
    count = dbsession.scalar(sa.select(sa.func.count()).select_from(ChecklistVersion))
    assert count == 1


def test_changed_content_is_a_new_draft_until_activated(standard, changed_file):
    result = services.import_definition(load_definition(changed_file), changed_file.name)
    assert result.created and result.version.number == 2
    assert result.version.status is VersionStatus.draft
    assert standard.status is VersionStatus.active
    services.activate_version(result.version)
    assert result.version.status is VersionStatus.active
    assert standard.status is VersionStatus.retired and standard.retired_at is not None
    # The retired version is still whole and readable.
    assert services.definition_of(standard).item("ENV-01").title.zh == "道路及公共场地干净整洁"
    assert services.definition_of(result.version).item("ENV-01").title.zh.endswith("(修订)")


def test_version_content_cannot_be_rewritten(standard, dbsession):
    standard.definition = {**standard.definition, "code": "tampered"}
    with pytest.raises(ValueError, match="immutable"):
        dbsession.flush()
    dbsession.rollback()


def test_database_allows_one_active_version_per_checklist(standard, changed_file, dbsession):
    draft = services.import_definition(load_definition(changed_file)).version
    draft.status = VersionStatus.active
    with pytest.raises(IntegrityError):
        dbsession.flush()
    dbsession.rollback()


def test_inspections_may_only_use_the_active_version(standard, changed_file):
    assert services.version_for_inspection(standard.id) is standard
    with pytest.raises(ValidationFailed, match="unknown checklist version"):
        services.version_for_inspection(987654)
    new = services.import_definition(load_definition(changed_file), activate=True).version
    with pytest.raises(ValidationFailed) as refused:
        services.version_for_inspection(standard.id)
    assert "retired" in str(refused.value.errors)
    assert services.version_for_inspection(new.id) is new


def test_active_endpoint_uses_etag_so_phones_fetch_only_changes(client, login, changed_file):
    headers = login("inspector1")
    first = client.get("/api/checklists/active", headers=headers)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    [checklist] = first.json["checklists"]
    assert checklist["code"] == "wuhao-standard" and len(checklist["definition"]["items"]) >= 40
    again = client.get("/api/checklists/active", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    services.import_definition(load_definition(changed_file), activate=True)
    changed = client.get("/api/checklists/active", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["checklists"][0]["number"] == 2


def test_admin_activates_and_retires_versions_over_the_api(client, login, standard, changed_file):
    draft = services.import_definition(load_definition(changed_file)).version
    base = f"/api/checklists/{standard.checklist_id}/versions"
    for username in ("inspector1", "firm1", "supervisor1"):
        assert (
            client.post(f"{base}/{draft.id}/activate", headers=login(username)).status_code == 403
        )
    admin = login("admin")
    response = client.post(f"{base}/{draft.id}/activate", headers=admin)
    assert response.status_code == 200 and response.json["status"] == "active"
    listing = client.get(f"/api/checklists/{standard.checklist_id}", headers=admin).json
    assert [(v["number"], v["status"]) for v in listing["versions"]] == [
        (1, "retired"),
        (2, "active"),
    ]
    old = client.get(f"{base}/{standard.id}", headers=login("firm1"))
    assert old.status_code == 200 and old.json["definition"]["items"][0]["code"] == "ENV-01"
    assert client.post(f"{base}/{standard.id}/retire", headers=admin).status_code == 409
    assert client.post(f"{base}/{draft.id}/retire", headers=admin).json["status"] == "retired"
    assert client.get("/api/checklists/active", headers=admin).json == {"checklists": []}
    assert (
        client.get(
            f"/api/checklists/{standard.checklist_id}/versions/999", headers=admin
        ).status_code
        == 404
    )


def test_cli_validate_lists_every_problem_and_import_writes_nothing(app, dbsession, tmp_path):
    data = yaml.safe_load(STANDARD.read_text(encoding="utf-8"))
    data["items"][1]["code"] = data["items"][0]["code"]
    data["items"][2]["severity"] = "catastrophic"
    data["items"][3]["deadline"]["unit"] = "fortnights"
    del data["items"][4]["title"]["zh"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["checklists", "validate", str(broken)])
    assert result.exit_code != 0
    for fragment in ("items[1].code", "severity", "deadline.unit", "title.zh"):
        assert fragment in result.output, fragment
    assert "broken.yaml" in result.output
    before = dbsession.scalar(sa.select(sa.func.count()).select_from(ChecklistVersion))
    result = runner.invoke(args=["checklists", "import", str(STANDARD), str(broken)])
    assert result.exit_code != 0 and "nothing imported" in result.output
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(ChecklistVersion)) == before
    good = runner.invoke(args=["checklists", "validate", str(STANDARD)])
    assert good.exit_code == 0 and "1 file(s) valid" in good.output
    again = runner.invoke(args=["checklists", "import", str(STANDARD)])
    assert again.exit_code == 0 and "unchanged 1" in again.output


def test_deadlines_of_failed_items_follow_the_working_calendar(app, standard):
    definition = services.definition_of(standard)
    garbage = definition.item("GAR-06")  # exposed garbage: 4 working hours
    assert (garbage.deadline.amount, garbage.deadline.unit) == (4, "working_hours")
    with app.app_context():
        # Friday 13 Feb 2026, 16:00; Saturday 14 Feb is a 调休 working day; 15–23 Feb are holidays.
        due = services.due_for(garbage, datetime(2026, 2, 13, 16, 0, tzinfo=SHANGHAI))
        # 1.5 h on Friday, 2.5 h on the 调休 Saturday.
        assert due.at == datetime(2026, 2, 14, 11, 0, tzinfo=SHANGHAI) and not due.provisional
        # Saturday 14 Feb 2026, 16:00 → the holiday week is skipped: Tuesday 24 Feb.
        due = services.due_for(garbage, datetime(2026, 2, 14, 16, 0, tzinfo=SHANGHAI))
        assert due.at == datetime(2026, 2, 24, 11, 0, tzinfo=SHANGHAI)
        # Late December 2026 runs into 2027, beyond the official data: computed, marked.
        due = services.due_for(garbage, datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI))
        assert due.at.year == 2027 and due.provisional


def test_working_hours_are_configurable(app, standard):
    item = services.definition_of(standard).item("GAR-06")
    friday = datetime(2025, 3, 14, 15, 0, tzinfo=SHANGHAI)
    with app.app_context():
        app.config.update(WORKING_DAY_START="09:00", WORKING_DAY_END="17:00")
        try:
            assert services.due_for(item, friday).at == datetime(
                2025, 3, 17, 11, 0, tzinfo=SHANGHAI
            )
        finally:
            app.config.update(WORKING_DAY_START="08:30", WORKING_DAY_END="17:30")
        assert services.due_for(item, friday).at == datetime(2025, 3, 17, 10, 0, tzinfo=SHANGHAI)
