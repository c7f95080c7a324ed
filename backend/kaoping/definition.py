"""Assessment forms (考评表): the YAML format, its validation and the content hash.

One form per assessor kind (see ``assessments/*.yaml``)::

    kind: committee | community | street   # 业主委员会 / 社区居民委员会 / 街道办事处
    version: 1                             # informational; the database versions by content hash
    title: {zh: ..., en: ...}
    intro: {zh: ..., en: ...}              # optional
    items:                                 # 5–8 items, each scored 0..points (whole points)
      - {key: cleaning, title: {zh: ..., en: ...}, points: 15}
    comment: {zh: ..., en: ...}            # optional: the free-text field's label

The points of all items sum to 100, so a form's total is already a 0–100 score. ``load`` returns
the validated data or raises ``AssessmentInvalid`` naming every problem at once. The text, key
and hash rules are the owner survey's (backend/surveys/definition.py). Pure: no Flask, no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import marshmallow as ma
import yaml
from marshmallow import fields, validate

from backend.surveys.definition import KEY, SurveyInvalid, _flatten, _Text, content_hash

__all__ = ["KINDS", "AssessmentInvalid", "content_hash", "load", "validate_data"]

KINDS = ("committee", "community", "street")
MIN_ITEMS, MAX_ITEMS = 5, 8


class AssessmentInvalid(SurveyInvalid):
    """The same shape as a survey file's problems: every one named, `file: path: message`."""


class _Item(ma.Schema):
    key = fields.String(required=True, validate=KEY)
    title = fields.Nested(_Text, required=True)
    points = fields.Integer(required=True, validate=validate.Range(min=1, max=50))


class _Form(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    version = fields.Integer(load_default=1)
    title = fields.Nested(_Text, required=True)
    intro = fields.Nested(_Text)
    items = fields.List(
        fields.Nested(_Item),
        required=True,
        validate=validate.Length(min=MIN_ITEMS, max=MAX_ITEMS),
    )
    comment = fields.Nested(_Text)

    @ma.validates_schema
    def _whole(self, data: dict[str, Any], **_: Any) -> None:
        items = data.get("items") or []
        keys = [item["key"] for item in items]
        if len(set(keys)) != len(keys):
            raise ma.ValidationError("item keys must be unique", "items")
        if sum(item["points"] for item in items) != 100:
            raise ma.ValidationError("item points must sum to 100", "items")


def validate_data(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise AssessmentInvalid(["(file): an assessment form is a mapping"])
    try:
        return _Form(unknown=ma.RAISE).load(data)
    except ma.ValidationError as error:
        raise AssessmentInvalid(_flatten(error.messages)) from None


def load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise AssessmentInvalid([f"(file): {error}"]) from None
    return validate_data(data)


def max_points(definition: dict[str, Any]) -> dict[str, int]:
    return {item["key"]: item["points"] for item in definition["items"]}
