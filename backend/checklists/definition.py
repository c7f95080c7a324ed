"""Checklist definitions: the YAML format, its validation, and the loaded tree.

A checklist file (see ``checklists/wuhao-standard.yaml``) is a mapping::

    code: wuhao-standard            # lowercase, dash separated
    version: 1                      # informational; the database versions by content hash
    title: {zh: ..., en: ...}       # zh required everywhere, en optional
    description: {zh: ..., en: ...} # optional
    areas:                          # weights of all areas sum to 100
      - {key: sanitation, title: {zh: ..., en: ...}, weight: 20}
    items:                          # weights of the items of one area sum to 100
      - code: ENV-01                # capital letters, dash, 2-3 digits; unique
        area: sanitation            # one of the area keys
        clause_ref: 三(二)1         # optional: the policy clause checked
        clause_text: 环境干净整洁   # optional: the phrase of that clause
        title: {zh: ..., en: ...}
        guidance: {zh: ..., en: ...}
        answer: {type: pass_fail}
          # or {type: number, unit: 个, min: 0, max: 99, pass_max: 0, integer: true}
          # or {type: choice, options: [{value: ok, zh: ..., en: ..., passes: true}, ...]}
        severity: minor | major | urgent
        on_fail: {photo: true, note: false}
        deadline: {amount: 4, unit: working_hours | working_days}
        responsible: manager | street_office | utility:<water|power|gas|telecom|heating>
        category: sanitation.street_cleaning   # dotted lowercase routing / Open311 code
        weight: 10

``validate_file`` (in ``validation``) reports every problem of a file in one pass;
``load_definition`` returns a frozen ``ChecklistDefinition`` or raises ``ChecklistInvalid``
carrying the same problems.  The content hash
is the sha256 of the canonical JSON (sorted keys, no whitespace, UTF-8) of the validated data with
defaults filled in, leaving out the informational ``version``.

This module is pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from backend.checklists.validation import (
    ANSWER_TYPES,
    DEADLINE_UNITS,
    SEVERITIES,
    UTILITY_KINDS,
    ChecklistInvalid,
    ChecklistSchema,
    DeadlineUnit,
    Problem,
    Severity,
    _check,
    _read,
    _read_text,
    canonical_json,
    validate_data,
    validate_file,
    validate_text,
)

__all__ = [
    "ANSWER_TYPES",
    "DEADLINE_UNITS",
    "SEVERITIES",
    "UTILITY_KINDS",
    "AnswerSpec",
    "Area",
    "ChecklistDefinition",
    "ChecklistInvalid",
    "ChecklistSchema",
    "ChoiceAnswer",
    "ChoiceOption",
    "Deadline",
    "Item",
    "LocalizedText",
    "NumberAnswer",
    "OnFail",
    "PassFailAnswer",
    "Problem",
    "canonical_json",
    "load_definition",
    "load_text",
    "parse_definition",
    "validate_data",
    "validate_file",
    "validate_text",
]


# --------------------------------------------------------------------------- loaded tree


@dataclass(frozen=True)
class LocalizedText:
    zh: str
    en: str | None = None


@dataclass(frozen=True)
class Area:
    key: str
    title: LocalizedText
    weight: float


@dataclass(frozen=True)
class PassFailAnswer:
    type: Literal["pass_fail"] = "pass_fail"


@dataclass(frozen=True)
class NumberAnswer:
    unit: str
    min: float | None = None
    max: float | None = None
    pass_min: float | None = None
    pass_max: float | None = None
    integer: bool = False
    type: Literal["number"] = "number"


@dataclass(frozen=True)
class ChoiceOption:
    value: str
    title: LocalizedText
    passes: bool


@dataclass(frozen=True)
class ChoiceAnswer:
    options: tuple[ChoiceOption, ...]
    type: Literal["choice"] = "choice"

    def option(self, value: str) -> ChoiceOption | None:
        return next((option for option in self.options if option.value == value), None)


AnswerSpec = PassFailAnswer | NumberAnswer | ChoiceAnswer


@dataclass(frozen=True)
class OnFail:
    photo: bool = False
    note: bool = False


@dataclass(frozen=True)
class Deadline:
    amount: int
    unit: DeadlineUnit


@dataclass(frozen=True)
class Item:
    code: str
    area: str
    title: LocalizedText
    guidance: LocalizedText
    answer: AnswerSpec
    severity: Severity
    on_fail: OnFail
    deadline: Deadline
    responsible: str
    category: str
    weight: float
    clause_ref: str | None = None
    clause_text: str | None = None


@dataclass(frozen=True)
class ChecklistDefinition:
    code: str
    version: int | None
    title: LocalizedText
    description: LocalizedText | None
    areas: tuple[Area, ...]
    items: tuple[Item, ...]
    content_hash: str
    raw: Mapping[str, Any] = field(compare=False, repr=False)

    def area(self, key: str) -> Area:
        for area in self.areas:
            if area.key == key:
                return area
        raise KeyError(key)

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def items_in(self, area_key: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.area == area_key)

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)


def _text(data: Mapping[str, Any]) -> LocalizedText:
    return LocalizedText(zh=data["zh"], en=data.get("en"))


def _answer(data: Mapping[str, Any]) -> AnswerSpec:
    if data["type"] == "number":
        return NumberAnswer(
            unit=data["unit"],
            min=data.get("min"),
            max=data.get("max"),
            pass_min=data.get("pass_min"),
            pass_max=data.get("pass_max"),
            integer=data["integer"],
        )
    if data["type"] == "choice":
        return ChoiceAnswer(
            options=tuple(
                ChoiceOption(value=o["value"], title=_text(o), passes=o["passes"])
                for o in data["options"]
            )
        )
    return PassFailAnswer()


def _build(loaded: dict[str, Any], raw: Mapping[str, Any]) -> ChecklistDefinition:
    hashed = {key: value for key, value in loaded.items() if key != "version"}
    items = tuple(
        Item(
            code=i["code"],
            area=i["area"],
            title=_text(i["title"]),
            guidance=_text(i["guidance"]),
            answer=_answer(i["answer"]),
            severity=i["severity"],
            on_fail=OnFail(photo=i["on_fail"]["photo"], note=i["on_fail"]["note"]),
            deadline=Deadline(amount=i["deadline"]["amount"], unit=i["deadline"]["unit"]),
            responsible=i["responsible"],
            category=i["category"],
            weight=i["weight"],
            clause_ref=i.get("clause_ref"),
            clause_text=i.get("clause_text"),
        )
        for i in loaded["items"]
    )
    return ChecklistDefinition(
        code=loaded["code"],
        version=loaded.get("version"),
        title=_text(loaded["title"]),
        description=_text(loaded["description"]) if "description" in loaded else None,
        areas=tuple(
            Area(key=a["key"], title=_text(a["title"]), weight=a["weight"]) for a in loaded["areas"]
        ),
        items=items,
        content_hash=hashlib.sha256(canonical_json(hashed).encode("utf-8")).hexdigest(),
        raw=raw,
    )


def parse_definition(data: Any, source: str = "<data>") -> ChecklistDefinition:
    """Build a definition from parsed data; raises ``ChecklistInvalid`` listing every problem."""
    problems, loaded = _check(data, source)
    if problems or loaded is None:
        raise ChecklistInvalid(problems)
    return _build(loaded, data)


def load_definition(path: str | Path) -> ChecklistDefinition:
    """Load and validate a checklist YAML file; raises ``ChecklistInvalid`` with every problem."""
    problems, loaded, raw = _read(path)
    if problems or loaded is None:
        raise ChecklistInvalid(problems)
    return _build(loaded, raw)


def load_text(text: str, source: str = "<upload>") -> ChecklistDefinition:
    """As ``load_definition``, for YAML text (an upload); raises ``ChecklistInvalid``."""
    problems, loaded, raw = _read_text(text, source)
    if problems or loaded is None:
        raise ChecklistInvalid(problems)
    return _build(loaded, raw)
