"""考评 request and response shapes."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.schema import Schema
from backend.text import Text

PART_NAMES = "owner, committee, community, street, inspection, tickets"


class PeriodArgs(Schema):
    day = fields.Date(
        data_key="period", metadata={"description": "a day of the quarter (default: today)"}
    )


class SubmitSchema(Schema):
    day = fields.Date(
        data_key="period", metadata={"description": "a day of the quarter (default: today)"}
    )
    ratings = fields.Dict(
        keys=fields.String(validate=validate.Length(max=32)),
        values=fields.Integer(strict=True),
        required=True,
        validate=validate.Length(max=20),
        metadata={"description": "points per item key of the form (whole numbers 0..points)"},
    )
    comment = Text(load_default="", validate=validate.Length(max=300))


class FormSchema(Schema):
    kind = fields.String(metadata={"description": "committee | community | street"})
    version = fields.Integer()
    definition = fields.Dict(metadata={"description": "the validated form file"})


class AssessmentSchema(Schema):
    kind = fields.String(attribute="kind.value")
    estate_id = fields.Integer()
    period_start = fields.Date()
    form_version = fields.Integer(attribute="version.number")
    ratings = fields.Dict(keys=fields.String(), values=fields.Integer())
    score = fields.Float(metadata={"description": "points given, 0–100"})
    comment = fields.String()
    submitted_at = fields.DateTime()
    first_submitted_at = fields.DateTime()


class MineRowSchema(Schema):
    estate_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    assessment = fields.Nested(AssessmentSchema, allow_none=True)


class MineSchema(Schema):
    kind = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    open = fields.Boolean(metadata={"description": "the quarter takes assessments today"})
    estates = fields.List(fields.Nested(MineRowSchema))


class FormulaSchema(Schema):
    id = fields.String(
        metadata={"description": "formula and weights (stays with published results)"}
    )
    weights = fields.Dict(keys=fields.String(), values=fields.Float())


class QuarterSchema(Schema):
    first = fields.Date()
    last = fields.Date()


class EstateResultSchema(Schema):
    estate_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    street_id = fields.Integer()
    owner_answers = fields.Integer()
    parts = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        metadata={"description": f"0–100 per part ({PART_NAMES}); null when missing"},
    )
    missing = fields.List(fields.String(), metadata={"description": "parts without data"})
    composite = fields.Float(allow_none=True, metadata={"description": "null without owner part"})
    grade = fields.String(allow_none=True, metadata={"description": "优 | 良 | 中 | 差"})


class FirmResultSchema(Schema):
    organisation_id = fields.Integer()
    name = fields.String()
    estates = fields.Integer()
    graded = fields.Integer()
    ungraded = fields.Integer()
    mean = fields.Float(allow_none=True)
    credit_grade = fields.String(allow_none=True, metadata={"description": "A | B | C | D"})
    grades = fields.Dict(keys=fields.String(), values=fields.Integer())


class KaopingSchema(Schema):
    period = fields.Nested(QuarterSchema)
    formula = fields.Nested(FormulaSchema)
    estates = fields.List(fields.Nested(EstateResultSchema))
    firms = fields.List(fields.Nested(FirmResultSchema))


class KaopingEstateSchema(Schema):
    period = fields.Nested(QuarterSchema)
    formula = fields.Nested(FormulaSchema)
    estate = fields.Nested(EstateResultSchema)
    assessments = fields.List(fields.Nested(AssessmentSchema))
    forms = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={"description": "per kind, the definition each assessment was given on"},
    )
