"""Owner survey definitions: the YAML format, its validation and the content hash.

A survey file (see ``surveys/owner-satisfaction.yaml``) is a mapping::

    code: owner-satisfaction        # lowercase, dash separated
    version: 1                      # informational; the database versions by content hash
    title: {zh: ..., en: ...}       # zh required everywhere, en optional
    intro: {zh: ..., en: ...}       # optional
    period: quarter | month         # answers are counted per calendar period (Beijing dates)
    min_answers: 10                 # an estate's figures are shown from this many answers on
    questions:                      # each a 1-5 rating; weights sum to 100
      - {key: overall, area: overall, title: {zh: ..., en: ...}, weight: 25}
    comment: {zh: ..., en: ...}     # optional: the free-text field's label

``load`` returns the validated data with defaults filled in or raises ``SurveyInvalid`` naming
every problem at once. Pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import marshmallow as ma
import yaml
from marshmallow import fields, validate

from backend.text import problem

AREAS = ("sanitation", "order", "facilities", "garbage", "property", "overall")
PERIODS = ("quarter", "month")
SCALE = (1, 2, 3, 4, 5)
KEY = validate.Regexp(r"^[a-z][a-z0-9_]{0,31}$", error="lowercase letters, digits and _")


class SurveyInvalid(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Text(ma.Schema):
    zh = fields.String(required=True, validate=validate.Length(min=1, max=300))
    en = fields.String(validate=validate.Length(min=1, max=300))

    @ma.validates_schema
    def _allowed(self, data: dict[str, str], **_: Any) -> None:
        for name, value in data.items():
            if (refusal := problem(value)) is not None:
                raise ma.ValidationError(refusal, name)


class _Question(ma.Schema):
    key = fields.String(required=True, validate=KEY)
    area = fields.String(required=True, validate=validate.OneOf(AREAS))
    title = fields.Nested(_Text, required=True)
    weight = fields.Integer(required=True, validate=validate.Range(min=0, max=100))


class _Survey(ma.Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"))
    version = fields.Integer(load_default=1)
    title = fields.Nested(_Text, required=True)
    intro = fields.Nested(_Text)
    period = fields.String(load_default="quarter", validate=validate.OneOf(PERIODS))
    min_answers = fields.Integer(load_default=10, validate=validate.Range(min=1, max=1000))
    questions = fields.List(
        fields.Nested(_Question), required=True, validate=validate.Length(min=1, max=30)
    )
    comment = fields.Nested(_Text)

    @ma.validates_schema
    def _whole(self, data: dict[str, Any], **_: Any) -> None:
        questions = data.get("questions") or []
        keys = [q["key"] for q in questions]
        if len(set(keys)) != len(keys):
            raise ma.ValidationError("question keys must be unique", "questions")
        if "overall" not in keys:
            raise ma.ValidationError("a question with key 'overall' is required", "questions")
        if sum(q["weight"] for q in questions) != 100:
            raise ma.ValidationError("question weights must sum to 100", "questions")


def _flatten(messages: Any, path: str = "") -> list[str]:
    if isinstance(messages, dict):
        return [p for key, inner in messages.items() for p in _flatten(inner, f"{path}.{key}")]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{path.lstrip('.') or '(file)'}: {m}" for m in messages]
    return [p for m in messages for p in _flatten(m, path)]


def validate_data(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SurveyInvalid(["(file): a survey is a mapping"])
    try:
        return _Survey(unknown=ma.RAISE).load(data)
    except ma.ValidationError as error:
        raise SurveyInvalid(_flatten(error.messages)) from None


def load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SurveyInvalid([f"(file): {error}"]) from None
    return validate_data(data)


def content_hash(definition: dict[str, Any]) -> str:
    """sha256 of the canonical JSON, leaving out the informational `version`."""
    content = {k: v for k, v in definition.items() if k != "version"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
