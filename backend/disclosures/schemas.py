"""Disclosure request and response shapes (public ones carry no personal data)."""

from __future__ import annotations

from datetime import date

from marshmallow import fields, validate

from backend.disclosures.sections import SECTIONS
from backend.fullcover.disclosure import PublishedFullcoverSchema
from backend.schema import Schema
from backend.surveys.disclosure import PublishedOwnerSurveySchema
from backend.text import Text

# Periods the system can hold (the year 1 cannot be shifted to UTC, for one).
PERIOD_RANGE = validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31))


class PublishSchema(Schema):
    period_start = fields.Date(required=True, validate=PERIOD_RANGE)
    period_end = fields.Date(
        required=True, validate=PERIOD_RANGE, metadata={"description": "inclusive"}
    )
    title = Text(single_line=True, validate=validate.Length(min=1, max=200))
    sections = fields.List(
        fields.String(validate=validate.OneOf(SECTIONS)),
        load_default=list,
        validate=validate.Length(max=len(SECTIONS) * 2),
        metadata={
            "description": "optional sections to include: coverage (巡查覆盖率), "
            "owner_survey (业主评价), fullcover (物业管理全覆盖)"
        },
    )


class ScopeSchema(Schema):
    level = fields.String(metadata={"description": "city | district | street"})
    name = fields.String()


class DisclosureSummarySchema(Schema):
    id = fields.Integer()
    title = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    scope = fields.Nested(ScopeSchema)
    version = fields.Integer()
    supersedes_id = fields.Integer(allow_none=True)
    superseded_by_id = fields.Integer(
        allow_none=True, metadata={"description": "a newer version corrects this one"}
    )
    published_at = fields.DateTime()


def _count(description: str) -> fields.Integer:
    return fields.Integer(metadata={"description": description})


class PublishedCoverageFiguresSchema(Schema):
    due = _count("tasks whose window ends in the period")
    done = _count("of those, done inside the window")
    done_late = _count("of those, done in the grace period")
    missed = _count("of those, not done by the end of the grace period")
    open = _count("of those, still open when published")
    coverage = fields.Float(
        allow_none=True, metadata={"description": "(done + done_late) / due; null when none due"}
    )


class PublishedCoverageRowSchema(PublishedCoverageFiguresSchema):
    code = fields.String()
    name = fields.String()


class PublishedGridCoverageSchema(PublishedCoverageRowSchema):
    street = fields.String(metadata={"description": "the grid's street"})


class PublishedCoverageSchema(Schema):
    total = fields.Nested(
        PublishedCoverageFiguresSchema, metadata={"description": "the jurisdiction"}
    )
    districts = fields.List(
        fields.Nested(PublishedCoverageRowSchema), metadata={"description": "city"}
    )
    streets = fields.List(
        fields.Nested(PublishedCoverageRowSchema), metadata={"description": "city and district"}
    )
    grids = fields.List(fields.Nested(PublishedGridCoverageSchema))


class DisclosureSchema(DisclosureSummarySchema):
    areas = fields.List(fields.Dict(), metadata={"description": "area keys and names"})
    firms = fields.List(fields.Dict(), metadata={"description": "ranked by credit grade"})
    estates = fields.List(fields.Dict(), metadata={"description": "ranked by latest total"})
    streets = fields.List(fields.Dict(), metadata={"description": "ranked (考核)"})
    districts = fields.List(fields.Dict(), metadata={"description": "ranked (考核)"})
    sections = fields.List(fields.String(), metadata={"description": "optional sections included"})
    coverage = fields.Nested(
        PublishedCoverageSchema,
        metadata={"description": "巡查覆盖率, frozen: only when `coverage` is in `sections`"},
    )
    owner_survey = fields.Nested(PublishedOwnerSurveySchema, metadata={"description": "业主评价"})
    fullcover = fields.Nested(PublishedFullcoverSchema, metadata={"description": "物业管理全覆盖"})
    kaohe = fields.Dict(metadata={"description": "考核 ranking, frozen: only when asked (kaohe)"})
    kaoping = fields.Dict(metadata={"description": "考评 grades and 信用等级 (section `kaoping`)"})


class InternalDisclosureSchema(DisclosureSummarySchema):
    published_by_id = fields.Integer(allow_none=True)
