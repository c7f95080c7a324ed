"""Scoring an inspection against a checklist, with hand-computed expectations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.checklists.definition import ChecklistDefinition, parse_definition
from backend.checklists.scoring import (
    AnswerError,
    evaluate_answer,
    round_score,
    score_inspection,
)

STANDARD = Path(__file__).resolve().parents[2] / "checklists" / "wuhao-standard.yaml"


def _item(code: str, area: str, weight: float, answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": code,
        "area": area,
        "title": {"zh": code},
        "guidance": {"zh": "看"},
        "answer": answer,
        "severity": "minor",
        "on_fail": {"photo": True},
        "deadline": {"amount": 1, "unit": "working_days"},
        "responsible": "manager",
        "category": "test.item",
        "weight": weight,
    }


PASS_FAIL = {"type": "pass_fail"}
COUNT = {"type": "number", "unit": "处", "min": 0, "max": 99, "pass_max": 0, "integer": True}
RATE = {"type": "number", "unit": "%", "min": 0, "max": 100, "pass_min": 80}
CHOICE = {
    "type": "choice",
    "options": [
        {"value": "good", "zh": "好", "passes": True},
        {"value": "fair", "zh": "中", "passes": True},
        {"value": "bad", "zh": "差", "passes": False},
    ],
}


@pytest.fixture
def definition() -> ChecklistDefinition:
    """Three areas weighted 60/30/10.

    sanitation: ENV-01 pass_fail w50, ENV-02 count w30, ENV-03 choice w20
    order:      ORD-01 pass_fail w40, ORD-02 rate w60
    facilities: FAC-01 pass_fail w100
    """
    return parse_definition(
        {
            "code": "fixture",
            "title": {"zh": "测试"},
            "areas": [
                {"key": "sanitation", "title": {"zh": "环境卫生"}, "weight": 60},
                {"key": "order", "title": {"zh": "社会秩序"}, "weight": 30},
                {"key": "facilities", "title": {"zh": "公共设施"}, "weight": 10},
            ],
            "items": [
                _item("ENV-01", "sanitation", 50, PASS_FAIL),
                _item("ENV-02", "sanitation", 30, COUNT),
                _item("ENV-03", "sanitation", 20, CHOICE),
                _item("ORD-01", "order", 40, PASS_FAIL),
                _item("ORD-02", "order", 60, RATE),
                _item("FAC-01", "facilities", 100, PASS_FAIL),
            ],
        }
    )


# --------------------------------------------------------------------------- evaluate_answer


def test_evaluate_pass_fail(definition: ChecklistDefinition) -> None:
    item = definition.item("ENV-01")
    assert evaluate_answer(item, "pass") == "pass"
    assert evaluate_answer(item, True) == "pass"
    assert evaluate_answer(item, "fail") == "fail"
    assert evaluate_answer(item, False) == "fail"
    assert evaluate_answer(item, "not_applicable") == "not_applicable"
    for bad in ("yes", 1, 0, "ok"):
        with pytest.raises(AnswerError, match="ENV-01"):
            evaluate_answer(item, bad)


def test_evaluate_number(definition: ChecklistDefinition) -> None:
    count = definition.item("ENV-02")
    assert evaluate_answer(count, 0) == "pass"
    assert evaluate_answer(count, 3) == "fail"
    assert evaluate_answer(count, 3.0) == "fail"
    assert evaluate_answer(count, "not_applicable") == "not_applicable"
    with pytest.raises(AnswerError, match="whole number"):
        evaluate_answer(count, 1.5)
    with pytest.raises(AnswerError, match="below the minimum"):
        evaluate_answer(count, -1)
    with pytest.raises(AnswerError, match="above the maximum"):
        evaluate_answer(count, 100)
    with pytest.raises(AnswerError, match="expected a number"):
        evaluate_answer(count, "pass")
    with pytest.raises(AnswerError, match="expected a number"):
        evaluate_answer(count, True)

    rate = definition.item("ORD-02")
    assert evaluate_answer(rate, 80) == "pass"
    assert evaluate_answer(rate, 92.5) == "pass"
    assert evaluate_answer(rate, 79.9) == "fail"


def test_evaluate_choice(definition: ChecklistDefinition) -> None:
    item = definition.item("ENV-03")
    assert evaluate_answer(item, "good") == "pass"
    assert evaluate_answer(item, "fair") == "pass"
    assert evaluate_answer(item, "bad") == "fail"
    assert evaluate_answer(item, "not_applicable") == "not_applicable"
    with pytest.raises(AnswerError, match="not one of the options"):
        evaluate_answer(item, "excellent")
    with pytest.raises(AnswerError):
        evaluate_answer(item, True)


def test_evaluate_none_is_not_an_answer(definition: ChecklistDefinition) -> None:
    with pytest.raises(AnswerError, match="no answer"):
        evaluate_answer(definition.item("ENV-01"), None)


# --------------------------------------------------------------------------- score_inspection


def test_hand_computed_score(definition: ChecklistDefinition) -> None:
    result = score_inspection(
        definition,
        {
            "ENV-01": "pass",  # 50 passed
            "ENV-02": 2,  # 30 failed (2 spots > 0)
            "ENV-03": "fair",  # 20 passed
            "ORD-01": "fail",  # 40 failed
            "ORD-02": 85,  # 60 passed (85% >= 80%)
            # FAC-01 unanswered
        },
    )
    sanitation = result.area("sanitation")
    # 100 × (50 + 20) / (50 + 30 + 20) = 70
    assert sanitation.exact_score == pytest.approx(70.0)
    assert sanitation.score == 70.0
    assert (sanitation.passed, sanitation.failed, sanitation.not_applicable) == (2, 1, 0)
    assert sanitation.passed_weight == 70 and sanitation.applicable_weight == 100

    order = result.area("order")
    # 100 × 60 / (40 + 60) = 60
    assert order.score == 60.0

    facilities = result.area("facilities")
    assert facilities.score is None and facilities.exact_score is None
    assert facilities.unanswered == 1

    # (60 × 70 + 30 × 60) / (60 + 30) = 6000 / 90 = 66.666… → 66.7
    assert result.exact_total == pytest.approx(200 / 3)
    assert result.total == 66.7
    assert result.unanswered == ("FAC-01",)
    assert not result.complete
    assert result.failed == ("ENV-02", "ORD-01")
    assert result.passed == ("ENV-01", "ENV-03", "ORD-02")
    assert result.checklist_code == "fixture"
    assert result.content_hash == definition.content_hash


def test_not_applicable_leaves_items_out(definition: ChecklistDefinition) -> None:
    result = score_inspection(
        definition,
        {
            "ENV-01": "fail",  # 50 failed
            "ENV-02": 0,  # 30 passed
            "ENV-03": "not_applicable",
            "ORD-01": "not_applicable",
            "ORD-02": "not_applicable",
            "FAC-01": True,
        },
    )
    # sanitation: 100 × 30 / 80 = 37.5; order: no applicable item; facilities: 100
    assert result.area("sanitation").score == 37.5
    assert result.area("order").score is None
    assert result.area("order").not_applicable == 2
    assert result.area("facilities").score == 100.0
    # (60 × 37.5 + 10 × 100) / 70 = 3250 / 70 = 46.428… → 46.4
    assert result.total == 46.4
    assert result.complete
    assert result.not_applicable == ("ENV-03", "ORD-01", "ORD-02")


def test_none_means_unanswered(definition: ChecklistDefinition) -> None:
    result = score_inspection(definition, {"ENV-01": None, "FAC-01": "fail"})
    assert result.area("sanitation").score is None
    assert result.area("facilities").score == 0.0
    assert result.total == 0.0
    assert "ENV-01" in result.unanswered


def test_nothing_answered(definition: ChecklistDefinition) -> None:
    result = score_inspection(definition, {})
    assert result.total is None
    assert all(area.score is None for area in result.areas)
    assert len(result.unanswered) == 6


def test_unknown_item_code_rejected(definition: ChecklistDefinition) -> None:
    with pytest.raises(AnswerError, match="XYZ-99"):
        score_inspection(definition, {"XYZ-99": "pass"})


def test_invalid_value_rejected(definition: ChecklistDefinition) -> None:
    with pytest.raises(AnswerError, match="ENV-03"):
        score_inspection(definition, {"ENV-03": "excellent"})


def test_rounding_is_half_up_at_output_only() -> None:
    assert round_score(86.25) == 86.3
    assert round_score(0.15) == 0.2
    assert round_score(66.66666666666667) == 66.7
    assert round_score(100.0) == 100.0
    assert round_score(None) is None
    # the total is made from exact area scores, not from rounded ones:
    # areas 20.05 (shown 20.1) and 20.0 with equal weights give 20.025 → 20.0, where averaging
    # the rounded area scores would give 20.05 → 20.1
    definition = parse_definition(
        {
            "code": "rounding",
            "title": {"zh": "舍入"},
            "areas": [
                {"key": "a", "title": {"zh": "甲"}, "weight": 50},
                {"key": "b", "title": {"zh": "乙"}, "weight": 50},
            ],
            "items": [
                _item("AAA-01", "a", 20.05, PASS_FAIL),
                _item("AAA-02", "a", 79.95, PASS_FAIL),
                _item("BBB-01", "b", 20, PASS_FAIL),
                _item("BBB-02", "b", 80, PASS_FAIL),
            ],
        }
    )
    result = score_inspection(
        definition, {"AAA-01": "pass", "AAA-02": "fail", "BBB-01": "pass", "BBB-02": "fail"}
    )
    assert result.area("a").score == 20.1
    assert result.area("b").score == 20.0
    assert result.exact_total == pytest.approx(20.025)
    assert result.total == 20.0


def test_standard_checklist_extremes() -> None:
    from backend.checklists.definition import ChoiceAnswer, NumberAnswer, load_definition

    standard = load_definition(STANDARD)
    passing: dict[str, Any] = {}
    failing: dict[str, Any] = {}
    for item in standard.items:
        answer = item.answer
        if isinstance(answer, ChoiceAnswer):
            passing[item.code] = next(o.value for o in answer.options if o.passes)
            failing[item.code] = next(o.value for o in answer.options if not o.passes)
        elif isinstance(answer, NumberAnswer):
            low = answer.min if answer.min is not None else 0.0
            high = answer.max if answer.max is not None else 1000.0
            passing[item.code] = answer.pass_min if answer.pass_min is not None else low
            failing[item.code] = (
                answer.pass_max + 1 if answer.pass_max is not None else answer.pass_min - 1
            )
            assert low <= failing[item.code] <= high, item.code
        else:
            passing[item.code] = "pass"
            failing[item.code] = "fail"
    assert score_inspection(standard, passing).total == 100.0
    assert score_inspection(standard, failing).total == 0.0
    assert score_inspection(standard, passing).complete
