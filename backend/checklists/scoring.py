"""Scoring an inspection's answers against a checklist definition.

Each answered item has an outcome: ``pass``, ``fail`` or ``not_applicable`` (``evaluate_answer``
turns a measured number or a chosen option into pass or fail).  An item without an answer is
*unanswered*: it is reported and left out of the score, like a not-applicable item.

For an area *a* with items *i* of weight w_i (the item weights of an area sum to 100):

    applicable(a) = items of a answered pass or fail
    score(a)      = 100 × Σ w_i over passed items of a  /  Σ w_i over applicable(a)
    score(a)      = None when applicable(a) is empty

For the whole inspection, with area weights W_a (summing to 100), over the areas that have a score:

    total = Σ W_a × score(a)  /  Σ W_a          (None when no area has a score)

so areas without a score are left out and the remaining area weights are renormalised.  Every
score is between 0 and 100.  Scores are computed exactly and rounded only at output, to one
decimal, half up (``86.25`` → ``86.3``); the exact values stay available as ``exact_score`` and
``exact_total`` for averaging across inspections.

This module is pure: no Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from backend.checklists.definition import (
    ChecklistDefinition,
    ChoiceAnswer,
    Item,
    NumberAnswer,
)
from backend.numbers import one_decimal

__all__ = [
    "FAIL",
    "NOT_APPLICABLE",
    "PASS",
    "AnswerError",
    "AnswerValue",
    "AreaScore",
    "InspectionScore",
    "ItemResult",
    "Outcome",
    "evaluate_answer",
    "round_score",
    "score_inspection",
]

Outcome = Literal["pass", "fail", "not_applicable"]
PASS: Outcome = "pass"
FAIL: Outcome = "fail"
NOT_APPLICABLE: Outcome = "not_applicable"

AnswerValue = str | bool | int | float | None
"""``"pass"``/``"fail"``/``True``/``False`` for pass_fail items, a number for number items, an
option value for choice items, ``"not_applicable"`` for any item, ``None`` for unanswered."""


class AnswerError(ValueError):
    """An answer that does not fit its item (wrong kind, out of range, unknown option or item)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(f"{code}: {message}")


# Scores are shown with one decimal, rounded half up (so 0.15 → 0.2, 86.25 → 86.3).
round_score = one_decimal


def _evaluate_number(item: Item, spec: NumberAnswer, value: AnswerValue) -> Outcome:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AnswerError(item.code, f"expected a number ({spec.unit}), got {value!r}")
    if spec.integer and value != int(value):
        raise AnswerError(item.code, f"expected a whole number ({spec.unit}), got {value!r}")
    if spec.min is not None and value < spec.min:
        raise AnswerError(item.code, f"{value!r} is below the minimum {spec.min:g}")
    if spec.max is not None and value > spec.max:
        raise AnswerError(item.code, f"{value!r} is above the maximum {spec.max:g}")
    too_low = spec.pass_min is not None and value < spec.pass_min
    too_high = spec.pass_max is not None and value > spec.pass_max
    return FAIL if too_low or too_high else PASS


def evaluate_answer(item: Item, value: AnswerValue) -> Outcome:
    """The outcome of one answer; raises ``AnswerError`` when it does not fit the item."""
    if value is None:
        raise AnswerError(item.code, "no answer given")
    if value == NOT_APPLICABLE:
        return NOT_APPLICABLE
    spec = item.answer
    if isinstance(spec, NumberAnswer):
        return _evaluate_number(item, spec, value)
    if isinstance(spec, ChoiceAnswer):
        option = spec.option(value) if isinstance(value, str) else None
        if option is None:
            values = ", ".join(o.value for o in spec.options)
            raise AnswerError(item.code, f"{value!r} is not one of the options ({values})")
        return PASS if option.passes else FAIL
    if value is True or value == PASS:
        return PASS
    if value is False or value == FAIL:
        return FAIL
    raise AnswerError(item.code, f"expected pass, fail or not_applicable, got {value!r}")


@dataclass(frozen=True)
class ItemResult:
    code: str
    area: str
    weight: float
    outcome: Outcome | None
    """``None`` when the item was not answered."""


@dataclass(frozen=True)
class AreaScore:
    key: str
    weight: float
    exact_score: float | None
    passed: int
    failed: int
    not_applicable: int
    unanswered: int
    passed_weight: float
    applicable_weight: float

    @property
    def score(self) -> float | None:
        """0-100 rounded to one decimal, or None when no item of the area applied."""
        return round_score(self.exact_score)


@dataclass(frozen=True)
class InspectionScore:
    checklist_code: str
    content_hash: str
    exact_total: float | None
    areas: tuple[AreaScore, ...]
    items: tuple[ItemResult, ...]

    @property
    def total(self) -> float | None:
        """0-100 rounded to one decimal, or None when no area has a score."""
        return round_score(self.exact_total)

    def area(self, key: str) -> AreaScore:
        for area in self.areas:
            if area.key == key:
                return area
        raise KeyError(key)

    def _codes(self, outcome: Outcome | None) -> tuple[str, ...]:
        return tuple(result.code for result in self.items if result.outcome == outcome)

    @property
    def passed(self) -> tuple[str, ...]:
        return self._codes(PASS)

    @property
    def failed(self) -> tuple[str, ...]:
        return self._codes(FAIL)

    @property
    def not_applicable(self) -> tuple[str, ...]:
        return self._codes(NOT_APPLICABLE)

    @property
    def unanswered(self) -> tuple[str, ...]:
        return self._codes(None)

    @property
    def complete(self) -> bool:
        return not self.unanswered


def score_inspection(
    definition: ChecklistDefinition, answers: Mapping[str, AnswerValue]
) -> InspectionScore:
    """Score ``answers`` (item code → value) with the formula of the module docstring.

    A code missing from ``answers`` or mapped to ``None`` is unanswered.  Raises ``AnswerError``
    for a code the definition does not have, or a value that does not fit its item.
    """
    known = set(definition.item_codes)
    unknown = sorted(code for code in answers if code not in known)
    if unknown:
        raise AnswerError(", ".join(unknown), f"not an item of checklist {definition.code}")

    results: list[ItemResult] = []
    for item in definition.items:
        value = answers.get(item.code)
        outcome = None if value is None else evaluate_answer(item, value)
        results.append(ItemResult(item.code, item.area, item.weight, outcome))

    areas: list[AreaScore] = []
    for area in definition.areas:
        members = [result for result in results if result.area == area.key]
        passed = [r for r in members if r.outcome == PASS]
        failed = [r for r in members if r.outcome == FAIL]
        passed_weight = math.fsum(r.weight for r in passed)
        applicable_weight = passed_weight + math.fsum(r.weight for r in failed)
        areas.append(
            AreaScore(
                key=area.key,
                weight=area.weight,
                exact_score=100.0 * passed_weight / applicable_weight
                if applicable_weight
                else None,
                passed=len(passed),
                failed=len(failed),
                not_applicable=sum(1 for r in members if r.outcome == NOT_APPLICABLE),
                unanswered=sum(1 for r in members if r.outcome is None),
                passed_weight=passed_weight,
                applicable_weight=applicable_weight,
            )
        )

    scored = [area for area in areas if area.exact_score is not None]
    weight_sum = math.fsum(area.weight for area in scored)
    total = (
        math.fsum(area.weight * area.exact_score for area in scored if area.exact_score is not None)
        / weight_sum
        if weight_sum
        else None
    )
    return InspectionScore(
        checklist_code=definition.code,
        content_hash=definition.content_hash,
        exact_total=total,
        areas=tuple(areas),
        items=tuple(results),
    )
