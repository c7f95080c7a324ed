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


class UrgeFiguresSchema(Schema):
    urges = _count("催办: urges made in the period (to the unit; on tickets at the area's estates)")
    urges_acknowledged = _count("of those, acknowledged by the unit by the period's end")
    mean_hours_to_acknowledge = _rate(
        "mean clock hours from an urge to its acknowledgement (acknowledged ones); null if none"
    )


class FirmScorecardSchema(UnitFiguresSchema, UrgeFiguresSchema):
    organisation_id = fields.Integer(required=True)
    name = fields.String(required=True)
    rectifications = _count("rectifications recorded by the unit in the period")
    flagged_rectifications = _count("of those, with an evidence flag on an after-photo")
    evidence_flag_rate = _rate("取证异常率 = flagged_rectifications / rectifications")
    revisit_answers = _count("回访 answers given in the period about the unit's closures")
    satisfaction_rate = _rate(
        "满意率 = answers saying solved with a rating of 4 or 5 / answers; null below "
        "REVISIT_MIN_ANSWERS answers"
    )
    mean_rating = _rate("mean 回访 rating (1–5); null below REVISIT_MIN_ANSWERS answers")


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


class AreaScorecardSchema(UnitFiguresSchema, UrgeFiguresSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    mean_estate_score = _rate("mean of its estates' latest total scores")
    estates = _count("estates in the caller's scope")
    rank = fields.Integer(required=True, metadata={"description": "考核 ranking"})


class StreetScorecardSchema(AreaScorecardSchema):
    street_id = fields.Integer(required=True)


class DistrictScorecardSchema(AreaScorecardSchema):
    district_id = fields.Integer(required=True)


class InspectorScorecardSchema(Schema):
    """One inspector (or grid) over the period; formulas in the README (Inspector scorecard)."""

    id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "user or grid id (null: no grid)"}
    )
    code = fields.String(required=True, metadata={"description": "username, or the grid code"})
    name = fields.String(required=True)
    tasks_due = _count("inspection tasks whose window ends in the period")
    tasks_done = _count("of those, done inside the window")
    tasks_done_late = _count("of those, done in the grace period")
    tasks_missed = _count("of those, not done by the end of the grace period")
    on_time_inspection_rate = _rate("按时巡查率 = tasks_done / tasks_due")
    findings = _count("tickets from their inspections created in the period")
    findings_confirmed = _count("of those, accepted by a unit and not cancelled")
    findings_invalid = _count("of those, cancelled by a supervisor (not by their own revision)")
    valid_report_rate = _rate(
        "有效上报率 = findings_confirmed / (findings_confirmed + findings_invalid)"
    )
    reinspections = _count("verifications and rejections of rectified tickets in the period")
    reinspections_on_time = _count(
        "of those, within SCORECARD_VERIFY_WORKING_DAYS working days of the rectification"
    )
    on_time_verify_rate = _rate("按时核查率 = reinspections_on_time / reinspections")
    complaints = _count("complaint tickets created in the period at the estates of their grids")
    complaints_missed = _count(
        "of those, with no inspector finding of the category at the estate in the "
        "SCORECARD_MISSED_WINDOW_DAYS days before"
    )
    missed_report_rate = _rate("漏报率 = complaints_missed / complaints")
    photos = _count("photos of the findings of their inspections submitted in the period")
    flagged_photos = _count("of those, with at least one evidence flag")
    evidence_flag_rate = _rate("取证异常率 = flagged_photos / photos")
