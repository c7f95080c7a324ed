"""The text policy (backend/text.py) at the API, the command line and in stored rows: control
characters are refused before storage, `q` searches literally, and the migration cleans rows
stored before the policy."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from shapely.geometry import box, mapping

from backend.config import PROJECT_ROOT
from backend.places.models import Estate, Organisation
from backend.text import FORBIDDEN, PATTERN, Text, clean, problem
from backend.tickets.models import Ticket
from tests.tickets.conftest import inspect, upload  # noqa: F401

B = "CAST(:bad AS TEXT)"  # PostgreSQL: one type for a parameter used twice
REFUSED = [
    "\x00",
    "\x01",
    "\x0b",
    "\x1b",
    "\x7f",
    "\x85",
    "\ud800",
    "\ufdd0",
    "\ufffe",
]
ALLOWED = ["\t", "\n", "中文 ok", "emoji 🙂", "\u00a0nbsp", "\ufffd", "\U0010ffff"]


def test_the_policy_and_its_openapi_pattern_agree():
    pattern = re.compile(PATTERN)
    field = Text()
    for char in REFUSED:
        assert problem(f"a{char}b") is not None and clean(f"a{char}b") == "ab"
        assert pattern.match(f"a{char}b") is None or char == "\ud800"  # (see text.PATTERN)
        with pytest.raises(Exception, match="U\\+"):
            field.deserialize(f"a{char}b")
    for text in ALLOWED:
        assert problem(text) is None and clean(text) == text and pattern.match(text)
        assert field.deserialize(text) == text
    assert field.deserialize("a\r\nb\rc") == "a\nb\nc"  # CR is a newline
    single = Text(single_line=True)
    with pytest.raises(Exception, match="single line"):
        single.deserialize("two\nlines")
    assert re.compile(single.metadata["pattern"]).match("two\nlines") is None


def test_the_api_refuses_control_characters_before_storage(client, login, dbsession):
    supervisor = login("supervisor1")
    e001 = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E001"))
    before = dbsession.scalar(sa.select(sa.func.count()).select_from(Ticket))
    for bad in ("ctl\x01\x0b\x1bchars", "nul\x00", "\x85c1", "lone\ud800"):
        body = json.dumps({"estate_id": e001, "item_code": "GAR-06", "description": bad})
        response = client.post(
            "/api/tickets", data=body, content_type="application/json", headers=supervisor
        )
        assert response.status_code == 422, bad
        assert "U+" in response.json["errors"]["description"][0]
    assert dbsession.scalar(sa.select(sa.func.count()).select_from(Ticket)) == before
    ok = client.post("/api/tickets", headers=supervisor,
                     json={"estate_id": e001, "item_code": "GAR-06", "description": "一\r\n二\t三"})  # fmt: skip
    assert ok.status_code == 201 and ok.json["description"] == "一\n二\t三"

    admin = login("admin")
    me = client.get("/api/me", headers=admin).json
    renamed = client.patch(f"/api/users/{me['id']}", json={"display_name": "管理\x1b员"},
                           headers=admin)  # fmt: skip
    assert renamed.status_code == 422 and "display_name" in renamed.json["errors"]
    estate = {"code": "X\x01", "name": "新\x00小区", "street_id": 1,
              "geometry": mapping(box(121.62, 38.915, 121.622, 38.917))}  # fmt: skip
    created = client.post("/api/estates", json=estate, headers=admin)
    assert created.status_code == 422 and {"code", "name"} <= set(created.json["errors"])
    # An echoed key with a lone surrogate still makes a UTF-8 answer.
    odd = client.post("/api/estates", data=b'{"\\ud800\\u0001": 1}', content_type="application/json",
                      headers=admin)  # fmt: skip
    assert odd.status_code == 422
    odd.data.decode("utf-8")


def test_a_nul_in_a_username_or_a_label_is_named_not_taken_for_a_number(client, login, dbsession):
    """PostgreSQL cannot hold a NUL; the long fuzz sent one as a username and got "a number is
    out of range" with no field named. Each such text is refused by the policy, field named."""
    login_answer = client.post("/api/auth/login", json={"username": "ad\x00min", "password": "x"})
    assert login_answer.status_code == 422, login_answer.json
    assert "username" in login_answer.json["errors"]
    admin = login("admin")
    district = dbsession.scalar(sa.text("SELECT id FROM districts ORDER BY id LIMIT 1"))
    milestone = {"district_id": district, "target_date": "2031-06-30", "target_percent": 100,
                 "label": "全覆盖\x00目标"}  # fmt: skip
    answer = client.post("/api/fullcover/milestones", json=milestone, headers=admin)
    assert answer.status_code == 422 and "label" in answer.json["errors"], answer.json
    e001 = dbsession.scalar(sa.select(Estate.id).where(Estate.code == "E001"))
    buildings = {"buildings": [{"building": "3\x00", "floors": 6, "rooms_per_floor": 2}]}
    answer = client.put(f"/api/surveys/buildings/{e001}", json=buildings, headers=admin)
    assert answer.status_code == 422 and "buildings" in answer.json["errors"], answer.json


@pytest.fixture
def odd_names(dbsession):
    """E001 is named with a %, E002 with an _ (as some real estates are written)."""
    dbsession.execute(sa.text("UPDATE estates SET name = '百分%之百小区' WHERE code = 'E001'"))
    dbsession.execute(sa.text("UPDATE estates SET name = '下划_线小区' WHERE code = 'E002'"))
    dbsession.flush()


def test_q_matches_percent_underscore_and_nul_literally(client, login, odd_names):
    admin = login("admin")

    def codes(q: str) -> set[str]:
        response = client.get("/api/estates", query_string={"q": q, "with_geometry": "false",
                                                            "page_size": 100}, headers=admin)  # fmt: skip
        assert response.status_code == 200, response.json
        return {estate["code"] for estate in response.json}

    assert codes("%") == {"E001"}
    assert codes("_") == {"E002"}
    assert codes("%之") == {"E001"} and codes("划_线") == {"E002"}
    assert codes("下%线") == set() and codes("百_之") == set()
    assert codes("\x00") == set() and codes("%\x00") == set()
    assert codes("小区") >= {"E001", "E002"}


def test_an_address_does_not_match_an_estate_name_as_a_pattern(dbsession, odd_names):
    from backend.open311.location import estate_by_address

    assert estate_by_address("下划X线小区门口") is None
    assert estate_by_address("下划_线小区门口").code == "E002"


def _migration():
    path = PROJECT_ROOT / "migrations" / "versions" / "0011_text_policy.py"
    spec = importlib.util.spec_from_file_location("text_policy_migration", Path(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_migration_cleans_stored_rows(dbsession, backend_name, inspect):  # noqa: F811
    inspect("E001", failures=("ENV-02",))
    nul = "\x00" if backend_name == "spatialite" else ""
    wanjia = dbsession.scalar(sa.select(Organisation).where(Organisation.name.like("%万家%")))
    for statement in (
        f"UPDATE tickets SET description = 'a' || {B} || 'b' || :nul, title = :crlf",
        f"UPDATE estates SET name = {B} || '小区', address = '地址' || {B} WHERE code = 'E001'",
        f"UPDATE ticket_events SET reason = {B}",
        f"UPDATE inspection_results SET note = {B} || 'note'",
        "UPDATE organisations SET name = :clash WHERE id = :wanjia",
    ):
        dbsession.execute(sa.text(statement), {"bad": "\x01\x0b\x1b\x7f\x85", "wanjia": wanjia.id,
                                               "clash": "大连万家物业服务有限公司\x01", "nul": nul,
                                               "crlf": "crlf\r\nx"})  # fmt: skip
    # A name that cleans to one already taken (organisation names are unique).
    other = dbsession.scalar(sa.select(Organisation).where(Organisation.id != wanjia.id).limit(1))
    dbsession.execute(sa.text("UPDATE organisations SET name = :n WHERE id = :id"),
                      {"n": "大连万家物业服务有限公司", "id": other.id})  # fmt: skip
    dbsession.flush()

    changed = _migration().clean_stored_text(dbsession.connection())

    dbsession.expire_all()
    assert changed >= 4
    rows = dbsession.execute(sa.text("SELECT description, title FROM tickets")).all()
    assert rows and all(r.description == "ab" and r.title == "crlf\nx" for r in rows)
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "E001"))
    assert (estate.name, estate.address) == ("小区", "地址")
    for (text,) in dbsession.execute(
        sa.text("SELECT reason FROM ticket_events UNION ALL SELECT note FROM inspection_results")
    ):
        assert FORBIDDEN.search(text) is None
    assert dbsession.get(Organisation, wanjia.id).name == "大连万家物业服务有限公司\ufffd"
    assert _migration().clean_stored_text(dbsession.connection()) == 0  # idempotent


def test_command_line_imports_refuse_control_characters(app, dbsession, tmp_path):
    runner = app.test_cli_runner()
    feature = {"type": "Feature", "geometry": mapping(box(121.620, 38.915, 121.622, 38.917)),
               "properties": {"name": "坏\x1b名字", "code": "X001", "street_code": "210202001"}}  # fmt: skip
    path = tmp_path / "estates.json"
    path.write_text(json.dumps([feature]))
    result = runner.invoke(
        args=["places", "import", str(path), "--level", "estate", "--crs", "wgs84"]
    )
    assert (
        result.exit_code != 0 and "property 'name'" in result.output and "U+001B" in result.output
    )
    user = runner.invoke(args=["users", "create", "ctl-user", "--role", "admin", "--password-stdin",
                               "--name", "坏\x01人"], input="long-enough-1\n")  # fmt: skip
    assert user.exit_code != 0 and "U+0001" in user.output
    key = runner.invoke(args=["open311", "create-key", "热线\x00"])
    assert key.exit_code != 0 and "U+0000" in key.output


def test_checklist_files_refuse_control_characters():
    from backend.checklists.validation import validate_data

    item = {"code": "HOT-01", "area": "garbage", "title": {"zh": "外溢\x1b", "en": "Overflow"},
            "guidance": {"zh": "查看\x00垃圾桶"}, "answer": {"type": "pass_fail"},
            "severity": "minor", "on_fail": {"photo": False, "note": False},
            "deadline": {"amount": 4, "unit": "working_hours"}, "responsible": "manager",
            "category": "garbage.overflow", "weight": 100}  # fmt: skip
    raw = {"code": "hotline-extra", "title": {"zh": "热线补充", "en": "Hotline extra"},
           "areas": [{"key": "garbage", "title": {"zh": "垃圾管理"}, "weight": 100}],
           "items": [item]}  # fmt: skip
    problems = [str(problem) for problem in validate_data(raw)]
    assert any("title.zh" in p and "U+001B" in p for p in problems), problems
    assert any("guidance.zh" in p and "U+0000" in p for p in problems), problems
    item["title"]["zh"], item["guidance"]["zh"] = "外溢", "查看垃圾桶"
    assert validate_data(raw) == []
