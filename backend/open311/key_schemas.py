"""Shapes of the admin API for channel keys (/api/open311-keys)."""

from __future__ import annotations

from marshmallow import fields, validate

from backend.schema import Schema
from backend.text import Text


class ApiKeySchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(metadata={"description": "the channel, e.g. 12345热线"})
    active = fields.Boolean(metadata={"description": "false once revoked"})
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class IssuedKeySchema(ApiKeySchema):
    key = fields.String(
        metadata={"description": "the key itself: shown this once, only its hash is kept"}
    )


class ApiKeyCreateSchema(Schema):
    name = Text(single_line=True, required=True, validate=validate.Length(min=1, max=64))


class ApiKeyUpdateSchema(Schema):
    name = Text(single_line=True, required=True, validate=validate.Length(min=1, max=64))
