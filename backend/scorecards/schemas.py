"""Response schemas of /api/reports/scorecards/* (the figures are defined in formulas.py)."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.schema import Schema
from backend.scorecards.formulas import ESTATE_GRADES, GRADE_THRESHOLDS

CREDIT_GRADES = [grade for grade, *_ in GRADE_THRESHOLDS] + ["D"]


def _rate(description: str) -> fields.Float:
    return fields.Float(required=True, allow_none=True, metadata={"description": description})


def _count(description: str) -> fields.Integer:
    return fields.Integer(required=True, metadata={"description": description})


class UnitFiguresSchema(Schema):
    due = _count("tickets whose deadline falls in the period (应结案数)")
    deferred = _count("of those, tickets with an extension (延期)")
    closed = _count("of those, tickets closed by the period's end (结案)")
    closed_on_time = _count("of those closed, rectified no later than the deadline (按期结案)")
    closure_rate = _rate("结案率 = closed / (due − deferred); null without data")
    on_time_rate = _rate("按期结案率 = closed_on_time / (due − deferred); null without data")
    rework_rate = _rate("返工率 = failed verifications / verifications; null without data")
    extension_rate = _rate("延期率 = deferred / due; null without data")
    overdue_open = _count("tickets still owed, past their deadline at the period's end (or now)")
    mean_hours_to_rectify = _rate("working hours from dispatch to rectification, mean")
    p90_hours_to_rectify = _rate("the same, 90th percentile (nearest rank)")
    recurrences = _count("recurrences recorded in the period plus repeats dispatched")
    verifications = _count("verifications in the period")
    failed_verifications = _count("of those, failed (rework)")
    mean_inspection_score = _rate("mean total score of inspections submitted in the period")
    grade = fields.String(
        required=True,
        validate=validate.OneOf(CREDIT_GRADES),
        metadata={"description": "信用等级 (credit grade)"},
    )


class FirmScorecardSchema(UnitFiguresSchema):
    organisation_id = fields.Integer(required=True)
    name = fields.String(required=True)
    rectifications = _count("rectifications recorded by the unit in the period")
    flagged_rectifications = _count("of those, with an evidence flag on an after-photo")
    evidence_flag_rate = _rate("取证异常率 = flagged_rectifications / rectifications")


class EstateScorecardSchema(Schema):
    estate_id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    street_id = fields.Integer(required=True)
    inspection_id = fields.String(
        required=True, allow_none=True, metadata={"description": "its latest inspection"}
    )
    inspected_at = fields.DateTime(required=True, allow_none=True)
    area_scores = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        required=True,
        metadata={"description": "area key → score of the latest inspection"},
    )
    total = fields.Float(required=True, allow_none=True)
    grade = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf([grade for _, grade in ESTATE_GRADES] + ["差"]),
    )
    rank = fields.Integer(required=True)


class AreaScorecardSchema(UnitFiguresSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    mean_estate_score = _rate("mean of its estates' latest total scores")
    estates = _count("estates in the caller's scope")
    rank = fields.Integer(required=True, metadata={"description": "考核 ranking"})


class StreetScorecardSchema(AreaScorecardSchema):
    street_id = fields.Integer(required=True)


class DistrictScorecardSchema(AreaScorecardSchema):
    district_id = fields.Integer(required=True)
