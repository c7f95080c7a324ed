"""Validation of checklist definitions: every problem of a file, with its path, in one pass.

The format is described in ``backend.checklists.definition``. ``validate_file`` and
``validate_data`` return a list of ``Problem`` (file, item path such as ``items[ENV-03].severity``,
message and, for YAML files, the line); an empty list means valid.

This module is pure: no Flask, no database.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from backend.schema import JsonBoolean
from backend.text import Text

Severity = Literal["minor", "major", "urgent"]
DeadlineUnit = Literal["working_hours", "working_days"]

SEVERITIES: tuple[str, ...] = ("minor", "major", "urgent")
DEADLINE_UNITS: tuple[str, ...] = ("working_hours", "working_days")
ANSWER_TYPES: tuple[str, ...] = ("pass_fail", "number", "choice")
UTILITY_KINDS: tuple[str, ...] = ("water", "power", "gas", "telecom", "heating")
RESPONSIBLE_PARTIES: tuple[str, ...] = (
    "manager",
    "street_office",
    *(f"utility:{kind}" for kind in UTILITY_KINDS),
)
NOT_APPLICABLE = "not_applicable"
WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 0.01

CHECKLIST_CODE_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
AREA_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ITEM_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}$")
CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$")


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a checklist file.

    ``path`` points into the document, e.g. ``items[ENV-03].severity`` (an item is named by its
    code when that code is well-formed and unique, otherwise by its index: ``items[12]``) or
    ``areas[sanitation].weight``; it is ``""`` for the document as a whole.  ``line`` is the
    1-based line in the file of the nearest existing node, when known.
    """

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path or '(document)'}: {self.message}"


class ChecklistInvalid(Exception):
    """Raised by ``load_definition``/``parse_definition``; ``.problems`` lists every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"checklist has {len(self.problems)} problem(s):\n{lines}")


# --------------------------------------------------------------------------- schemas


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be empty.")


def _weight(**kwargs: Any) -> fields.Float:
    return fields.Float(
        allow_nan=False,
        validate=validate.Range(min=0, min_inclusive=False, error="Weight must be positive."),
        **kwargs,
    )


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class TextSchema(_Strict):
    zh = Text(
        required=True,
        validate=_not_blank,
        error_messages={"required": "Chinese text (zh) is required."},
    )
    en = Text(validate=_not_blank)


class AreaSchema(_Strict):
    key = fields.String(
        required=True,
        validate=validate.Regexp(AREA_KEY_RE, error="Area key must be lowercase snake_case."),
    )
    title = fields.Nested(TextSchema, required=True)
    weight = _weight(required=True)


class PassFailAnswerSchema(_Strict):
    type = fields.String(required=True, validate=validate.Equal("pass_fail"))


class NumberAnswerSchema(_Strict):
    type = fields.String(required=True, validate=validate.Equal("number"))
    unit = fields.String(required=True, validate=_not_blank)
    min = fields.Float(allow_nan=False)
    max = fields.Float(allow_nan=False)
    pass_min = fields.Float(allow_nan=False)
    pass_max = fields.Float(allow_nan=False)
    integer = JsonBoolean(load_default=False)

    @validates_schema
    def _check_bounds(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        low, high = data.get("min"), data.get("max")
        if low is not None and high is not None and low > high:
            errors.setdefault("max", []).append(f"min ({low:g}) is greater than max ({high:g}).")
        if "pass_min" not in data and "pass_max" not in data:
            errors.setdefault("pass_min", []).append(
                "A number answer needs pass_min and/or pass_max to decide pass or fail."
            )
        for name in ("pass_min", "pass_max"):
            bound = data.get(name)
            if bound is None:
                continue
            if low is not None and bound < low:
                errors.setdefault(name, []).append(f"{name} ({bound:g}) is below min ({low:g}).")
            if high is not None and bound > high:
                errors.setdefault(name, []).append(f"{name} ({bound:g}) is above max ({high:g}).")
        p_low, p_high = data.get("pass_min"), data.get("pass_max")
        if p_low is not None and p_high is not None and p_low > p_high:
            errors.setdefault("pass_max", []).append(
                f"pass_min ({p_low:g}) is greater than pass_max ({p_high:g}): nothing could pass."
            )
        if errors:
            raise ValidationError(errors)


class ChoiceOptionSchema(_Strict):
    value = fields.String(required=True, validate=_not_blank)
    zh = fields.String(
        required=True,
        validate=_not_blank,
        error_messages={"required": "Chinese text (zh) is required."},
    )
    en = fields.String(validate=_not_blank)
    passes = JsonBoolean(required=True)


class ChoiceAnswerSchema(_Strict):
    type = fields.String(required=True, validate=validate.Equal("choice"))
    options = fields.List(fields.Nested(ChoiceOptionSchema), required=True)

    @validates_schema
    def _check_options(self, data: dict[str, Any], **_: Any) -> None:
        options: list[dict[str, Any]] = data["options"]
        messages: list[str] = []
        if len(options) < 2:
            messages.append(f"A choice needs at least 2 options, found {len(options)}.")
        if options and not any(option["passes"] for option in options):
            messages.append("No option passes: the item could never pass.")
        if len(options) >= 2 and all(option["passes"] for option in options):
            messages.append("Every option passes: the item could never fail.")
        counts = Counter(option["value"] for option in options)
        duplicates = sorted(value for value, count in counts.items() if count > 1)
        if duplicates:
            messages.append(f"Duplicate option value(s): {', '.join(duplicates)}.")
        if NOT_APPLICABLE in counts:
            messages.append(f"'{NOT_APPLICABLE}' is reserved and cannot be an option value.")
        if messages:
            raise ValidationError({"options": messages})


_ANSWER_SCHEMAS: dict[str, type[Schema]] = {
    "pass_fail": PassFailAnswerSchema,
    "number": NumberAnswerSchema,
    "choice": ChoiceAnswerSchema,
}


class AnswerField(fields.Field):
    """An answer specification, dispatched on its ``type``."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise ValidationError("Answer must be a mapping with a 'type'.")
        kind = value.get("type")
        schema = _ANSWER_SCHEMAS.get(kind) if isinstance(kind, str) else None
        if schema is None:
            raise ValidationError(
                {
                    "type": [
                        f"Unknown answer type {kind!r}; expected one of {', '.join(ANSWER_TYPES)}."
                    ]
                }
            )
        try:
            return schema().load(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class OnFailSchema(_Strict):
    photo = JsonBoolean(load_default=False)
    note = JsonBoolean(load_default=False)


class DeadlineSchema(_Strict):
    amount = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(min=1, error="Deadline amount must be a positive integer."),
    )
    unit = fields.String(
        required=True,
        validate=validate.OneOf(
            DEADLINE_UNITS, error="Deadline unit {input!r} is not one of: {choices}."
        ),
    )


def _check_responsible(value: str) -> None:
    if value in RESPONSIBLE_PARTIES:
        return
    if value.startswith("utility:"):
        raise ValidationError(
            f"Unknown utility {value[len('utility:') :]!r}; expected one of "
            f"{', '.join(UTILITY_KINDS)}."
        )
    raise ValidationError(
        f"Unknown responsible party {value!r}; expected manager, street_office or utility:<kind>."
    )


class ItemSchema(_Strict):
    code = fields.String(
        required=True,
        validate=validate.Regexp(
            ITEM_CODE_RE,
            error="Item code must be capital letters, a dash and 2-3 digits, like ENV-01.",
        ),
    )
    area = fields.String(required=True)
    clause_ref = fields.String(validate=_not_blank)
    clause_text = fields.String(validate=_not_blank)
    title = fields.Nested(TextSchema, required=True)
    guidance = fields.Nested(TextSchema, required=True)
    answer = AnswerField(required=True)
    severity = fields.String(
        required=True,
        validate=validate.OneOf(SEVERITIES, error="Severity {input!r} is not one of: {choices}."),
    )
    on_fail = fields.Nested(OnFailSchema, required=True)
    deadline = fields.Nested(DeadlineSchema, required=True)
    responsible = fields.String(required=True, validate=_check_responsible)
    category = fields.String(
        required=True,
        validate=validate.Regexp(
            CATEGORY_RE,
            error="Category must be dotted lowercase, like sanitation.stairwell.",
        ),
        error_messages={"required": "Category (routing / service code) is required."},
    )
    weight = _weight(required=True)


class ChecklistSchema(_Strict):
    code = fields.String(
        required=True,
        validate=validate.Regexp(
            CHECKLIST_CODE_RE, error="Checklist code must be lowercase words joined by dashes."
        ),
    )
    version = fields.Integer(strict=True, validate=validate.Range(min=1))
    title = fields.Nested(TextSchema, required=True)
    description = fields.Nested(TextSchema)
    areas = fields.List(
        fields.Nested(AreaSchema),
        required=True,
        validate=validate.Length(min=1, error="At least one area is required."),
    )
    items = fields.List(
        fields.Nested(ItemSchema),
        required=True,
        validate=validate.Length(min=1, error="At least one item is required."),
    )


# --------------------------------------------------------------------------- validation

PathPart = str | int


def canonical_json(data: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 kept: the form that is hashed."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _entries(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


class _Labels:
    """Readable names for list entries: ``items[ENV-03]`` when the code is usable."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.by_list: dict[str, dict[int, str]] = {
            "items": self._names(_entries(data, "items"), "code", ITEM_CODE_RE),
            "areas": self._names(_entries(data, "areas"), "key", AREA_KEY_RE),
        }

    @staticmethod
    def _names(entries: list[Any], key: str, pattern: re.Pattern[str]) -> dict[int, str]:
        values = [
            entry.get(key)
            if isinstance(entry, Mapping)
            and isinstance(entry.get(key), str)
            and pattern.match(entry[key])
            else None
            for entry in entries
        ]
        counts = Counter(value for value in values if value is not None)
        return {
            index: value
            for index, value in enumerate(values)
            if value is not None and counts[value] == 1
        }

    def render(self, parts: Sequence[PathPart]) -> str:
        text = ""
        for position, part in enumerate(parts):
            if isinstance(part, int):
                parent = parts[0] if position == 1 else None
                names = self.by_list.get(parent, {}) if isinstance(parent, str) else {}
                text += f"[{names.get(part, part)}]"
            else:
                text += f".{part}" if text else part
        return text


class _Lines:
    """Line numbers of YAML nodes by path, and duplicate keys found on the way."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.lines: dict[tuple[PathPart, ...], int] = {}
        self.duplicates: list[tuple[tuple[PathPart, ...], str, int, int]] = []
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: tuple[PathPart, ...]) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.duplicates.append((path, key, line, seen[key]))
                    continue
                seen[key] = line
                self._walk(value_node, (*path, key))
                self.lines[(*path, key)] = line
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                self._walk(child, (*path, index))

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        parts = tuple(path)
        while parts not in self.lines and parts:
            parts = parts[:-1]
        return self.lines.get(parts)


def _flatten(messages: Any, path: tuple[PathPart, ...] = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            yield from _flatten(value, path if key == "_schema" else (*path, key))
    elif isinstance(messages, list | tuple):
        for value in messages:
            yield from _flatten(value, path)
    else:
        yield path, str(messages)


def _cross_checks(data: Mapping[str, Any]) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """Checks across entries; each is defensive, skipping what field validation already reports."""
    areas = _entries(data, "areas")
    items = _entries(data, "items")
    areas_known = isinstance(data.get("areas"), list)

    area_keys: list[str] = []
    first_area: dict[str, int] = {}
    for index, area in enumerate(areas):
        key = area.get("key") if isinstance(area, Mapping) else None
        if not isinstance(key, str):
            continue
        if key in first_area:
            yield (
                ("areas", index, "key"),
                f"Duplicate area key {key!r} (also areas[{first_area[key]}]).",
            )
            continue
        first_area[key] = index
        area_keys.append(key)

    weights = [area.get("weight") for area in areas if isinstance(area, Mapping)]
    if areas and len(weights) == len(areas) and all(_is_number(w) and w > 0 for w in weights):
        total = sum(weights)
        if abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
            yield ("areas",), f"Area weights sum to {total:g}, expected {WEIGHT_TOTAL:g}."

    first_code: dict[str, int] = {}
    for index, item in enumerate(items):
        code = item.get("code") if isinstance(item, Mapping) else None
        if not isinstance(code, str):
            continue
        if code in first_code:
            yield (
                ("items", index, "code"),
                (f"Duplicate item code {code!r} (also items[{first_code[code]}])."),
            )
        else:
            first_code[code] = index

    by_area: dict[str, list[tuple[int, Any]]] = {key: [] for key in area_keys}
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        area = item.get("area")
        if not isinstance(area, str):
            continue
        if area not in by_area:
            if not areas_known:
                continue
            known = ", ".join(area_keys) or "none defined"
            yield ("items", index, "area"), f"Unknown area {area!r}; known areas: {known}."
            continue
        by_area[area].append((index, item.get("weight")))

    for key, members in by_area.items():
        area_path: tuple[PathPart, ...] = ("areas", first_area[key])
        if not members:
            yield area_path, f"Area {key!r} has no items."
            continue
        if all(_is_number(weight) and weight > 0 for _, weight in members):
            total = sum(weight for _, weight in members)
            if abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
                yield (
                    area_path,
                    (
                        f"Weights of the {len(members)} items in area {key!r} sum to {total:g}, "
                        f"expected {WEIGHT_TOTAL:g}."
                    ),
                )


def _check(
    data: Any, source: str, lines: _Lines | None = None
) -> tuple[list[Problem], dict[str, Any] | None]:
    """Validate parsed data; returns the problems and, when there are none, the loaded data."""
    lines = lines or _Lines(None)
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        kind = "an empty document" if data is None else type(data).__name__
        message = f"The top level must be a mapping (code, title, areas, items), got {kind}."
        return [Problem(source, "", message, lines.line_of(()))], None

    labels = _Labels(data)
    found: list[tuple[tuple[PathPart, ...], str]] = []
    for path, key, line, first in lines.duplicates:
        found.append(
            ((*path, key), f"Duplicate key {key!r} (first on line {first}, again on {line}).")
        )
    loaded: dict[str, Any] | None = None
    try:
        loaded = ChecklistSchema().load(data)
    except ValidationError as error:
        found.extend(_flatten(error.messages))
    found.extend(_cross_checks(data))

    for path, message in found:
        problems.append(Problem(source, labels.render(path), message, lines.line_of(path)))
    problems.sort(key=lambda problem: math.inf if problem.line is None else problem.line)
    return problems, (loaded if not problems else None)


# A checklist is a few hundred nodes; YAML aliases could make a small upload expand to billions.
MAX_NODES = 100_000


def _expanded_size(root: yaml.Node) -> int:
    """Nodes the document has once aliases are expanded (counted without expanding them)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) not in sizes:
            sizes[id(node)] = 0  # a recursive alias counts once
            children: list[yaml.Node] = []
            if isinstance(node, yaml.MappingNode):
                children = [part for pair in node.value for part in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(size(child) for child in children))
        return sizes[id(node)]

    return size(root)


def _read_text(text: str, source: str) -> tuple[list[Problem], dict[str, Any] | None, Any]:
    """Problems, loaded data (when valid) and the raw parsed document of YAML text."""
    try:
        return _parse(text, source)
    except RecursionError:  # a self-referencing alias, or absurd nesting
        return (
            [Problem(source, "", "The document refers to itself or nests too deeply.")],
            None,
            None,
        )


def _parse(text: str, source: str) -> tuple[list[Problem], dict[str, Any] | None, Any]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is not None and _expanded_size(root) > MAX_NODES:
            message = f"The document is too large (more than {MAX_NODES} nodes once expanded)."
            return [Problem(source, "", message, 1)], None, None
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        where = f" at line {line}, column {mark.column + 1}" if mark is not None else ""
        return [Problem(source, "", f"YAML syntax error{where}: {reason}", line)], None, None
    problems, loaded = _check(data, source, _Lines(root))
    return problems, loaded, data


def _read(path: str | Path) -> tuple[list[Problem], dict[str, Any] | None, Any]:
    """Problems, loaded data (when valid) and the raw parsed document of a file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Problem(source, "", f"Cannot read the file: {error}")], None, None
    return _read_text(text, source)


def validate_data(data: Any, source: str = "<data>") -> list[Problem]:
    """Every problem of already parsed data (e.g. a definition stored as JSON)."""
    return _check(data, source)[0]


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem of a checklist YAML file, in one pass; an empty list means valid."""
    return _read(path)[0]


def validate_text(text: str, source: str = "<upload>") -> list[Problem]:
    """Every problem of checklist YAML text (an upload), as for a file."""
    return _read_text(text, source)[0]
