"""Photo response shape."""

from __future__ import annotations

from marshmallow import fields

from backend.schema import Schema


class PhotoSchema(Schema):
    sha256 = fields.String()
    mime = fields.String()
    size = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    taken_at = fields.DateTime(allow_none=True)
    gps = fields.Function(
        lambda p: list(p.gps) if p.gps else None, metadata={"description": "[lat, lng]"}
    )
    display_url = fields.Function(lambda p: f"/api/photos/{p.sha256}/display")
    thumb_url = fields.Function(lambda p: f"/api/photos/{p.sha256}/thumb")
