"""Checklist response shapes."""

from __future__ import annotations

from marshmallow import fields

from backend.checklists.models import VersionStatus
from backend.schema import Schema


class VersionSummarySchema(Schema):
    id = fields.Integer()
    checklist_id = fields.Integer()
    number = fields.Integer()
    status = fields.Enum(VersionStatus)
    content_hash = fields.String()
    item_count = fields.Integer()
    source = fields.String(allow_none=True)
    imported_at = fields.DateTime()
    activated_at = fields.DateTime(allow_none=True)
    retired_at = fields.DateTime(allow_none=True)


class VersionSchema(VersionSummarySchema):
    code = fields.Function(lambda version: version.checklist.code)
    definition = fields.Dict(metadata={"description": "the checklist definition (see README)"})


class ChecklistSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    title_zh = fields.String()
    title_en = fields.String(allow_none=True)
    versions = fields.List(fields.Nested(VersionSummarySchema))


class ActiveChecklistsSchema(Schema):
    checklists = fields.List(fields.Nested(VersionSchema))
