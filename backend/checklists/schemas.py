"""Checklist response shapes."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.checklists.models import VersionStatus
from backend.schema import Schema
from backend.text import Text

# A checklist file is tens of kilobytes (the standard one ~40 KB); far more is a mistake.
MAX_UPLOAD_CHARS = 1_000_000


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


class UploadSchema(Schema):
    yaml = Text(
        required=True,
        validate=validate.Length(min=1, max=MAX_UPLOAD_CHARS),
        metadata={"description": "the checklist definition: the YAML text of the file"},
    )
    filename = Text(
        single_line=True,
        load_default="upload.yaml",
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the file's name, kept as the version's source"},
    )


class ProblemSchema(Schema):
    line = fields.Integer(allow_none=True, metadata={"description": "1-based line in the YAML"})
    path = fields.String(metadata={"description": "where in the document, e.g. items[ENV-03]"})
    message = fields.String()


class UploadCheckSchema(Schema):
    """A dry run: `valid` false lists every problem; true describes what would be saved."""

    valid = fields.Boolean()
    problems = fields.List(fields.Nested(ProblemSchema))
    code = fields.String(allow_none=True)
    title_zh = fields.String(allow_none=True)
    title_en = fields.String(allow_none=True)
    area_count = fields.Integer(allow_none=True)
    item_count = fields.Integer(allow_none=True)
    content_hash = fields.String(allow_none=True)
    checklist_id = fields.Integer(allow_none=True, metadata={"description": "null: a new code"})
    same_as = fields.Nested(
        VersionSummarySchema,
        allow_none=True,
        metadata={"description": "the stored version with exactly this content, if any"},
    )


class UploadResultSchema(Schema):
    code = fields.String()
    created = fields.Boolean(metadata={"description": "false: this content was stored already"})
    version = fields.Nested(VersionSummarySchema)
