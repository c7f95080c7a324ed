"""Arguments and answers of /api/watchlist and /api/rankings."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from backend.schema import Schema
from backend.text import Text
from backend.watchlist.models import Category, NoteKind
from backend.watchlist.periods import PATTERN
from backend.watchlist.ranking import LEVELS

PERIOD = fields.String(
    validate=validate.Regexp(PATTERN, error="形如 2026Q4 或 2026-11 (a quarter or a month)"),
    metadata={"description": "2026Q4 (a quarter) or 2026-11 (a month); default: this quarter"},
)


class PeriodArgs(Schema):
    period = PERIOD


class ExportArgs(PeriodArgs):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


class RankingArgs(PeriodArgs):
    level = fields.String(load_default="street", validate=validate.OneOf(LEVELS))


class NoteInSchema(Schema):
    period = fields.String(required=True, validate=PERIOD.validators)
    kind = fields.Enum(NoteKind, required=True)
    category = fields.Enum(Category, load_default=None)
    text = Text(load_default="", validate=validate.Length(max=2000))
    noted_on = fields.Date(
        load_default=None,
        metadata={"description": "the Beijing day it is dated (default: today)"},
    )

    @validates_schema
    def _complete(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("kind") is NoteKind.classification and data.get("category") is None:
            raise ValidationError("请选择分类 (choose a category)", "category")
        if data.get("kind") not in (None, NoteKind.classification) and not data["text"].strip():
            raise ValidationError("请填写内容 (write what was decided or done)", "text")


class NoteSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    category = fields.String(allow_none=True)
    category_name = fields.String(allow_none=True)
    text = fields.String()
    noted_on = fields.Date()
    author = fields.String()
    created_at = fields.DateTime()


class EntrySchema(Schema):
    rank = fields.Integer(allow_none=True, metadata={"description": "null: off the list now"})
    listed = fields.Boolean()
    estate_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    street = fields.String()
    district = fields.String()
    complaints = fields.Integer()
    disputes = fields.Integer()
    rework = fields.Integer()
    overdue = fields.Integer()
    evaluation = fields.Float(allow_none=True, metadata={"description": "published score"})
    evaluation_points = fields.Integer()
    points = fields.Integer()
    reasons = fields.List(fields.String(), metadata={"description": "why, in words"})
    classification = fields.Nested(NoteSchema, allow_none=True)
    notes = fields.List(fields.Nested(NoteSchema))


class SurveyPeriodSchema(Schema):
    start = fields.Date()
    end = fields.Date()


class WatchlistSchema(Schema):
    period = fields.String()
    label = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    rule_version = fields.String()
    size = fields.Integer()
    min_points = fields.Integer()
    survey_period = fields.Nested(SurveyPeriodSchema, allow_none=True)
    estates = fields.List(fields.Nested(EntrySchema))


class PartsSchema(Schema):
    inspection = fields.Float(allow_none=True)
    on_time = fields.Float(allow_none=True)
    owners = fields.Float(allow_none=True)
    fullcover = fields.Float(allow_none=True)


class AreaRankSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    district_id = fields.Integer()
    district = fields.String()
    estates = fields.Integer()
    due = fields.Integer()
    overdue_open = fields.Integer()
    surveyed_estates = fields.Integer()
    parts = fields.Nested(PartsSchema, metadata={"description": "each 0–100; null: no data"})
    composite = fields.Float(allow_none=True)
    rank = fields.Integer(allow_none=True, metadata={"description": "within district or city"})


class RankingSchema(Schema):
    period = fields.String()
    label = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    level = fields.String()
    formula_version = fields.String()
    weights = fields.Dict(keys=fields.String(), values=fields.Integer())
    rows = fields.List(fields.Nested(AreaRankSchema))
