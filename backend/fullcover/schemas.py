"""Arguments and answers of /api/reports/fullcover* and /api/fullcover/milestones."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.fullcover.services import ESTATE_SETS, GROUPS
from backend.schema import Schema
from backend.text import Text

ESTATES = fields.String(
    load_default="old",
    validate=validate.OneOf(ESTATE_SETS),
    metadata={"description": "old (老旧小区, default) or all estates"},
)
ON = fields.Date(metadata={"description": "the day the figures are read (default: today)"})


class ProgressArgs(Schema):
    group = fields.String(
        load_default="district",
        validate=validate.OneOf(GROUPS),
        metadata={"description": "district (default) or street"},
    )
    on = ON
    start = fields.Date(
        data_key="from",
        metadata={"description": "first month of the chart (default: the baseline's month)"},
    )
    estates = ESTATES
    row_series = fields.Boolean(
        load_default=False,
        metadata={"description": "each row's month-end series too (the total's always)"},
    )


class UnmanagedArgs(Schema):
    on = ON
    estates = ESTATES
    street_id = fields.Integer(validate=validate.Range(min=1))
    district_id = fields.Integer(validate=validate.Range(min=1))


def _mode_count(label: str) -> fields.Integer:
    return fields.Integer(metadata={"description": f"estates {label} that day"})


class SeriesPointSchema(Schema):
    date = fields.Date(metadata={"description": "a month end (the last point: the `on` day)"})
    market = _mode_count("under a service contract (市场化)")
    state_takeover = _mode_count("taken over by a state-owned firm (国有接管)")
    charitable_custody = _mode_count("in charitable custody (公益托管)")
    self_managed = _mode_count("self-managed by owners (业主自治)")
    unmanaged = _mode_count("unmanaged or in street custody (无物业)")


class MilestoneResultSchema(Schema):
    target_date = fields.Date()
    target_percent = fields.Integer()
    label = fields.String()
    read_on = fields.Date(metadata={"description": "target date, or `on` if it is still ahead"})
    covered = fields.Integer()
    formerly_unmanaged = fields.Integer()
    share = fields.Float(allow_none=True)
    status = fields.String(
        metadata={"description": "met, missed, pending (date ahead) or not_applicable"}
    )
    districts = fields.Integer(metadata={"description": "total only: districts holding it"})


class FiguresSchema(Schema):
    estates = fields.Integer(metadata={"description": "all estates of the place"})
    old_estates = fields.Integer(metadata={"description": "built before old_before"})
    unknown_built_year = fields.Integer(metadata={"description": "not counted as old"})
    formerly_unmanaged = fields.Integer(
        metadata={"description": "old estates unmanaged on the baseline day"}
    )
    covered = fields.Integer(metadata={"description": "of those, managed on `on`"})
    share = fields.Float(
        allow_none=True, metadata={"description": "covered / formerly_unmanaged (null: none)"}
    )
    old_unmanaged_now = fields.Integer(metadata={"description": "old estates unmanaged on `on`"})
    series = fields.List(
        fields.Nested(SeriesPointSchema),
        metadata={"description": "by mode at each month end (rows: only with row_series)"},
    )
    milestones = fields.List(fields.Nested(MilestoneResultSchema))


class ProgressRowSchema(FiguresSchema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    district = fields.String(metadata={"description": "streets only"})


class ProgressSchema(Schema):
    as_of = fields.Date()
    baseline = fields.Date()
    old_before = fields.Integer()
    estates = fields.String()
    group = fields.String()
    months = fields.List(fields.Date())
    rows = fields.List(fields.Nested(ProgressRowSchema))
    total = fields.Nested(FiguresSchema)


class UnmanagedEstateSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    street = fields.String()
    district = fields.String()
    built_year = fields.Integer(allow_none=True)
    old = fields.Boolean(allow_none=True)
    formerly_unmanaged = fields.Boolean()
    since = fields.Date(
        allow_none=True, metadata={"description": "first unmanaged day; null: never managed"}
    )
    days = fields.Integer(allow_none=True, metadata={"description": "days unmanaged, inclusive"})


class MilestoneSchema(Schema):
    id = fields.Integer(dump_only=True)
    district_id = fields.Integer(required=True, validate=validate.Range(min=1))
    district = fields.Function(lambda m: m.district.name, dump_only=True)
    target_date = fields.Date(required=True)
    target_percent = fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    label = Text(load_default="", single_line=True, validate=validate.Length(max=200))
