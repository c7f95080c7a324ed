"""Disclosure request and response shapes (public ones carry no personal data)."""

from __future__ import annotations

from datetime import date

from marshmallow import fields, validate

from backend.schema import Schema
from backend.text import Text

# Periods the system can hold (the year 1 cannot be shifted to UTC, for one).
PERIOD_RANGE = validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31))


class PublishSchema(Schema):
    period_start = fields.Date(required=True, validate=PERIOD_RANGE)
    period_end = fields.Date(
        required=True, validate=PERIOD_RANGE, metadata={"description": "inclusive"}
    )
    title = Text(single_line=True, validate=validate.Length(min=1, max=200))


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


class DisclosureSchema(DisclosureSummarySchema):
    areas = fields.List(fields.Dict(), metadata={"description": "area keys and names"})
    firms = fields.List(fields.Dict(), metadata={"description": "ranked by credit grade"})
    estates = fields.List(fields.Dict(), metadata={"description": "ranked by latest total"})
    streets = fields.List(fields.Dict(), metadata={"description": "ranked (考核)"})
    districts = fields.List(fields.Dict(), metadata={"description": "ranked (考核)"})


class InternalDisclosureSchema(DisclosureSummarySchema):
    published_by_id = fields.Integer(allow_none=True)
