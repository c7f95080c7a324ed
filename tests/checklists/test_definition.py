"""Validation and loading of checklist definition files."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from backend.checklists.definition import (
    ChecklistInvalid,
    ChoiceAnswer,
    NumberAnswer,
    PassFailAnswer,
    Problem,
    load_definition,
    parse_definition,
    validate_data,
    validate_file,
)


def _item(code: str, area: str, weight: float, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": code,
        "area": area,
        "title": {"zh": f"检查项{code}", "en": f"Item {code}"},
        "guidance": {"zh": "看这里", "en": "Look here"},
        "answer": {"type": "pass_fail"},
        "severity": "minor",
        "on_fail": {"photo": True, "note": False},
        "deadline": {"amount": 4, "unit": "working_hours"},
        "responsible": "manager",
        "category": "sanitation.test",
        "weight": weight,
    }
    item.update(extra)
    return item


BASE: dict[str, Any] = {
    "code": "mini",
    "version": 1,
    "title": {"zh": "小表", "en": "Mini"},
    "areas": [
        {"key": "sanitation", "title": {"zh": "环境卫生", "en": "Sanitation"}, "weight": 60},
        {"key": "order", "title": {"zh": "社会秩序"}, "weight": 40},
    ],
    "items": [
        _item("ENV-01", "sanitation", 70),
        _item(
            "ENV-02",
            "sanitation",
            30,
            answer={
                "type": "number",
                "unit": "个",
                "min": 0,
                "max": 99,
                "pass_max": 0,
                "integer": True,
            },
            deadline={"amount": 5, "unit": "working_days"},
        ),
        _item(
            "ORD-01",
            "order",
            100,
            answer={
                "type": "choice",
                "options": [
                    {"value": "ok", "zh": "好", "en": "Good", "passes": True},
                    {"value": "bad", "zh": "差", "passes": False},
                ],
            },
            responsible="utility:telecom",
            category="order.telecom_lines",
            severity="urgent",
        ),
    ],
}


def base() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def write(tmp_path: Path, data: Any, name: str = "list.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems_for(tmp_path: Path, mutate: Callable[[dict[str, Any]], None]) -> list[Problem]:
    data = base()
    mutate(data)
    return validate_file(write(tmp_path, data))


def has(problems: list[Problem], path: str, fragment: str) -> bool:
    return any(p.path == path and fragment.lower() in p.message.lower() for p in problems)


def describe(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


# --------------------------------------------------------------------------- valid files


def test_base_is_valid(tmp_path: Path) -> None:
    assert validate_file(write(tmp_path, base())) == []


def test_load_builds_frozen_tree(tmp_path: Path) -> None:
    definition = load_definition(write(tmp_path, base()))
    assert definition.code == "mini"
    assert definition.version == 1
    assert definition.title.zh == "小表"
    assert [a.key for a in definition.areas] == ["sanitation", "order"]
    assert definition.area("order").title.en is None
    assert definition.item_codes == ("ENV-01", "ENV-02", "ORD-01")
    assert [i.code for i in definition.items_in("sanitation")] == ["ENV-01", "ENV-02"]

    env1, env2, ord1 = definition.items
    assert isinstance(env1.answer, PassFailAnswer)
    assert isinstance(env2.answer, NumberAnswer)
    assert env2.answer.pass_max == 0 and env2.answer.integer and env2.answer.unit == "个"
    assert env2.deadline.amount == 5 and env2.deadline.unit == "working_days"
    assert isinstance(ord1.answer, ChoiceAnswer)
    assert [o.value for o in ord1.answer.options] == ["ok", "bad"]
    assert ord1.answer.option("bad") is not None and not ord1.answer.option("bad").passes
    assert ord1.responsible == "utility:telecom"
    assert ord1.severity == "urgent"
    assert env1.on_fail.photo and not env1.on_fail.note
    assert definition.raw["code"] == "mini"

    with pytest.raises(AttributeError):
        definition.code = "other"  # type: ignore[misc]
    with pytest.raises(KeyError):
        definition.item("XXX-01")


def test_content_hash_is_canonical(tmp_path: Path) -> None:
    first = load_definition(write(tmp_path, base(), "a.yaml"))

    reordered = base()
    reordered = {key: reordered[key] for key in reversed(list(reordered))}
    reordered["items"][0]["weight"] = 70.0  # same number, other spelling
    reordered["version"] = 7  # informational only
    second = load_definition(write(tmp_path, reordered, "b.yaml"))
    assert second.content_hash == first.content_hash
    assert len(first.content_hash) == 64

    changed = base()
    changed["items"][0]["guidance"]["zh"] = "看那里"
    third = load_definition(write(tmp_path, changed, "c.yaml"))
    assert third.content_hash != first.content_hash


def test_parse_definition_from_data_matches_file(tmp_path: Path) -> None:
    from_file = load_definition(write(tmp_path, base()))
    from_data = parse_definition(base())
    assert from_data.content_hash == from_file.content_hash
    assert validate_data(base()) == []


# --------------------------------------------------------------------------- file level


def test_yaml_syntax_error_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("code: x\ntitle:\n  zh: 表\n  en: [unclosed\nareas: []\n", encoding="utf-8")
    problems = validate_file(path)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == str(path)
    assert "YAML syntax error" in problem.message
    assert problem.line is not None and 4 <= problem.line <= 5
    assert f"line {problem.line}" in problem.message


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    problems = validate_file(path)
    assert len(problems) == 1
    assert problems[0].path == ""
    assert "top level must be a mapping" in problems[0].message
    assert "list" in problems[0].message

    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n", encoding="utf-8")
    assert "empty document" in validate_file(empty)[0].message


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    problems = validate_file(tmp_path / "nope.yaml")
    assert len(problems) == 1 and "Cannot read" in problems[0].message


def test_duplicate_yaml_key_is_reported(tmp_path: Path) -> None:
    text = write(tmp_path, base()).read_text(encoding="utf-8")
    path = tmp_path / "dup.yaml"
    path.write_text(text + "code: again\n", encoding="utf-8")
    problems = validate_file(path)
    assert has(problems, "code", "Duplicate key 'code'"), describe(problems)


# --------------------------------------------------------------------------- field checks


def test_missing_zh_titles(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        del data["title"]["zh"]
        del data["areas"][1]["title"]["zh"]
        data["items"][0]["title"] = {"en": "only English"}
        data["items"][1]["title"]["zh"] = "  "

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "title.zh", "zh) is required"), describe(problems)
    assert has(problems, "areas[order].title.zh", "zh) is required"), describe(problems)
    assert has(problems, "items[ENV-01].title.zh", "zh) is required"), describe(problems)
    assert has(problems, "items[ENV-02].title.zh", "empty"), describe(problems)


def test_duplicate_item_codes(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][1]["code"] = "ENV-01"

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[1].code", "Duplicate item code 'ENV-01'"), describe(problems)
    assert "items[0]" in next(p.message for p in problems if p.path == "items[1].code")


def test_bad_code_format(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][0]["code"] = "env1"
        data["code"] = "Mini List"

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[0].code", "like ENV-01"), describe(problems)
    assert has(problems, "code", "lowercase"), describe(problems)


def test_unknown_area(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][2]["area"] = "orderr"

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ORD-01].area", "Unknown area 'orderr'"), describe(problems)
    # the area it should have belonged to is now empty
    assert has(problems, "areas[order]", "has no items"), describe(problems)


def test_unknown_fields(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["owner"] = "me"
        data["items"][0]["severtiy"] = "minor"
        data["items"][0]["deadline"]["units"] = "days"

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "owner", "Unknown field"), describe(problems)
    assert has(problems, "items[ENV-01].severtiy", "Unknown field"), describe(problems)
    assert has(problems, "items[ENV-01].deadline.units", "Unknown field"), describe(problems)


def test_bad_severity_and_deadline(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][0]["severity"] = "critical"
        data["items"][1]["deadline"] = {"amount": 0, "unit": "days"}
        data["items"][2]["deadline"]["amount"] = -3

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ENV-01].severity", "minor, major, urgent"), describe(problems)
    assert has(problems, "items[ENV-02].deadline.unit", "working_hours"), describe(problems)
    assert has(problems, "items[ENV-02].deadline.amount", "positive"), describe(problems)
    assert has(problems, "items[ORD-01].deadline.amount", "positive"), describe(problems)


def test_deadline_amount_must_be_integer(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][0]["deadline"]["amount"] = 2.5

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ENV-01].deadline.amount", "integer"), describe(problems)


def test_bad_answer_type(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][0]["answer"] = {"type": "yes_no"}
        data["items"][1]["answer"] = "pass_fail"

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ENV-01].answer.type", "Unknown answer type 'yes_no'"), describe(
        problems
    )
    assert has(problems, "items[ENV-02].answer", "mapping"), describe(problems)


def test_number_answer_bounds(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][1]["answer"] = {
            "type": "number",
            "unit": "个",
            "min": 10,
            "max": 5,
            "pass_max": 20,
        }
        data["items"][0]["answer"] = {"type": "number", "unit": "%", "min": 0, "max": 100}

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ENV-02].answer.max", "min (10) is greater than max (5)"), describe(
        problems
    )
    assert has(problems, "items[ENV-02].answer.pass_max", "above max"), describe(problems)
    assert has(problems, "items[ENV-01].answer.pass_min", "pass_min and/or pass_max"), describe(
        problems
    )


def test_number_pass_bound_below_min(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][1]["answer"] = {
            "type": "number",
            "unit": "%",
            "min": 0,
            "max": 100,
            "pass_min": -5,
        }

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ENV-02].answer.pass_min", "below min"), describe(problems)


def test_choice_answer_checks(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][2]["answer"]["options"] = [
            {"value": "ok", "zh": "好", "passes": False},
        ]
        data["items"][0]["answer"] = {
            "type": "choice",
            "options": [
                {"value": "a", "zh": "甲", "passes": True},
                {"value": "a", "zh": "乙", "passes": False},
            ],
        }

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ORD-01].answer.options", "at least 2 options"), describe(problems)
    assert has(problems, "items[ORD-01].answer.options", "No option passes"), describe(problems)
    assert has(problems, "items[ENV-01].answer.options", "Duplicate option value"), describe(
        problems
    )


def test_choice_option_must_be_strict(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        options = data["items"][2]["answer"]["options"]
        options[0]["passes"] = "yes"
        options[1]["value"] = False  # YAML reads a bare `no` as a boolean

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ORD-01].answer.options[0].passes", "boolean"), describe(problems)
    assert has(problems, "items[ORD-01].answer.options[1].value", "string"), describe(problems)


def test_bad_responsible(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][0]["responsible"] = "police"
        data["items"][1]["responsible"] = "utility:sewage"

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ENV-01].responsible", "Unknown responsible party"), describe(
        problems
    )
    assert has(problems, "items[ENV-02].responsible", "Unknown utility 'sewage'"), describe(
        problems
    )


def test_area_weights_must_sum_to_100(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["areas"][1]["weight"] = 35

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "areas", "sum to 95, expected 100"), describe(problems)


def test_item_weights_within_area_must_sum_to_100(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][1]["weight"] = 29.5

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "areas[sanitation]", "sum to 99.5"), describe(problems)
    assert not any(p.path == "areas[order]" for p in problems), describe(problems)


def test_weight_tolerance(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][0]["weight"] = 70.005
        data["areas"][0]["weight"] = 59.995

    assert problems_for(tmp_path, mutate) == []


def test_non_positive_weight(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["items"][0]["weight"] = 0

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ENV-01].weight", "positive"), describe(problems)


def test_area_without_items(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["areas"][1]["weight"] = 20
        data["areas"].append({"key": "garbage", "title": {"zh": "垃圾管理"}, "weight": 20})

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "areas[garbage]", "Area 'garbage' has no items"), describe(problems)


def test_missing_category(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        del data["items"][0]["category"]
        data["items"][1]["category"] = "Sanitation Stairwell"

    problems = problems_for(tmp_path, mutate)
    assert has(problems, "items[ENV-01].category", "Category"), describe(problems)
    assert has(problems, "items[ENV-02].category", "dotted lowercase"), describe(problems)


def test_every_problem_in_one_pass(tmp_path: Path) -> None:
    def mutate(data: dict[str, Any]) -> None:
        del data["title"]["zh"]
        data["items"][0]["severity"] = "critical"
        data["items"][1]["deadline"]["unit"] = "hours"
        data["items"][2]["responsible"] = "nobody"
        data["items"].append(_item("ENV-01", "sanitation", 10))
        data["areas"][0]["weight"] = 50

    problems = problems_for(tmp_path, mutate)
    paths = {p.path for p in problems}
    assert {
        "title.zh",
        "items[0].severity",  # ENV-01 is duplicated now, so indexes name the items
        "items[ENV-02].deadline.unit",
        "items[ORD-01].responsible",
        "items[3].code",
        "areas",
        "areas[sanitation]",
    } <= paths, describe(problems)


def test_problems_carry_line_numbers(tmp_path: Path) -> None:
    data = base()
    data["items"][1]["severity"] = "critical"
    path = write(tmp_path, data)
    problem = next(p for p in validate_file(path) if p.path == "items[ENV-02].severity")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert problem.line is not None
    assert lines[problem.line - 1].strip() == "severity: critical"
    assert str(problem).startswith(f"{path}:{problem.line}: items[ENV-02].severity: ")


def test_load_definition_raises_with_all_problems(tmp_path: Path) -> None:
    data = base()
    data["items"][0]["severity"] = "critical"
    data["items"][1]["responsible"] = "nobody"
    with pytest.raises(ChecklistInvalid) as caught:
        load_definition(write(tmp_path, data))
    assert len(caught.value.problems) == 2
    assert "items[ENV-01].severity" in str(caught.value)
    with pytest.raises(ChecklistInvalid):
        parse_definition(data)
